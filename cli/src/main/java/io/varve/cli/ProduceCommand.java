package io.varve.cli;

import io.varve.producer.ProducerRecord;
import io.varve.producer.RecordMetadata;
import io.varve.producer.Serializers;
import io.varve.producer.VarveProducer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code varve produce}: one record per line of standard input, with an optional key before
 * {@code --key-separator}. Every record is acknowledged before the command exits; the first failure
 * is reported and the exit code is 1.
 */
final class ProduceCommand {

    static final String USAGE = """
        usage: varve produce --topic T [--bootstrap-server HOST:PORT] [--key-separator SEP]
                             [--acks 0|1|all] [--compression none|gzip|snappy|lz4|zstd] [--property name=value]...
          reads lines from standard input; with --key-separator, the text before the first SEP is the key
        """;

    private ProduceCommand() {
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Args a = Args.parse(args, Set.of("--topic", "--bootstrap-server", "--key-separator", "--acks", "--compression",
            "--property"), Set.of());
        String topic = a.required("--topic");
        String separator = a.get("--key-separator", null);
        Map<String, Object> props = new HashMap<>(a.properties("--property"));
        props.put("bootstrap.servers", a.get("--bootstrap-server", Varve.DEFAULT_BOOTSTRAP));
        props.putIfAbsent("acks", a.get("--acks", "all"));
        props.putIfAbsent("compression.type", a.get("--compression", "none"));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long count = 0;
        try (VarveProducer<String, String> producer = new VarveProducer<>(props, Serializers.string(), Serializers.string());
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            CompletableFuture<RecordMetadata> last = CompletableFuture.completedFuture(null);
            for (String line = reader.readLine(); line != null && failure.get() == null; line = reader.readLine()) {
                String key = null;
                String value = line;
                int at = separator == null ? -1 : line.indexOf(separator);
                if (at >= 0) {
                    key = line.substring(0, at);
                    value = line.substring(at + separator.length());
                }
                last = producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                count++;
            }
            producer.flush();
            last.get();
        } catch (IOException e) {
            err.println("varve produce: reading standard input failed: " + e.getMessage());
            return 1;
        } catch (ExecutionException e) {
            failure.compareAndSet(null, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        if (failure.get() != null) {
            err.println("varve produce: " + failure.get().getMessage());
            return 1;
        }
        err.println("varve produce: " + count + " records acknowledged on " + topic);
        return 0;
    }
}
