package io.varve.cli;

import io.varve.common.TopicPartition;
import io.varve.consumer.ConsumerRecord;
import io.varve.consumer.StringDeserializer;
import io.varve.consumer.VarveConsumer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code varve consume}: prints records of every partition of a topic (or one partition), one per
 * line, optionally with the key. It stops after {@code --max-messages} records or after
 * {@code --timeout-ms} without a new record; without either it runs until interrupted.
 */
final class ConsumeCommand {

    static final String USAGE = """
        usage: varve consume --topic T [--bootstrap-server HOST:PORT] [--from-beginning] [--partition P]
                             [--offset O] [--print-key] [--key-separator SEP] [--max-messages N]
                             [--timeout-ms MS] [--property name=value]...
        """;

    private ConsumeCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(args, Set.of("--topic", "--bootstrap-server", "--partition", "--offset", "--key-separator",
            "--max-messages", "--timeout-ms", "--property"), Set.of("--from-beginning", "--print-key"));
        String topic = a.required("--topic");
        String bootstrap = a.get("--bootstrap-server", Varve.DEFAULT_BOOTSTRAP);
        long maxMessages = a.getLong("--max-messages", Long.MAX_VALUE);
        long timeoutMs = a.getLong("--timeout-ms", Long.MAX_VALUE);
        String separator = a.get("--key-separator", "\t");
        boolean printKey = a.has("--print-key");
        List<TopicPartition> partitions = a.has("--partition")
            ? List.of(new TopicPartition(topic, (int) a.getLong("--partition", 0)))
            : TopicPartitionsLookup.partitions(bootstrap, topic);
        Map<String, Object> props = new HashMap<>(a.properties("--property"));
        props.put("bootstrap.servers", bootstrap);
        long printed = 0;
        try (VarveConsumer<String, String> consumer = new VarveConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(partitions);
            if (a.has("--offset")) {
                partitions.forEach(tp -> consumer.seek(tp, a.getLong("--offset", 0)));
            } else if (a.has("--from-beginning")) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            long idleSinceNs = System.nanoTime();
            while (printed < maxMessages && (System.nanoTime() - idleSinceNs) / 1_000_000 < timeoutMs) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    out.println(printKey ? r.key() + separator + r.value() : r.value());
                    idleSinceNs = System.nanoTime();
                    if (++printed >= maxMessages) {
                        break;
                    }
                }
            }
        }
        out.flush();
        err.println("varve consume: " + printed + " records");
        return 0;
    }
}
