package io.varve.broker;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Runs one Varve node until SIGTERM or SIGINT: {@code VarveMain [--config FILE] [--override name=value]...}.
 * With no arguments it is the embedded default: broker and controller roles, a one-voter quorum,
 * data under {@code ./varve-data}, clients on {@code 127.0.0.1:9092}. A clean stop closes the
 * listeners first, then the logs, so the next start skips recovery, and exits with status 0.
 */
public final class VarveMain {

    private VarveMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> props;
        try {
            props = parse(args);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("varve server: " + e.getMessage());
            System.err.println("usage: varve server [--config FILE] [--override name=value]...");
            System.exit(2);
            return;
        }
        VarveNode broker;
        try {
            broker = VarveNode.start(props);
        } catch (RuntimeException | IOException e) {
            System.err.println("varve server: could not start: " + e.getMessage());
            System.exit(1);
            return;
        } catch (Error e) {
            // An InternalError from a fault in mapped memory, an OutOfMemoryError: without this the
            // threads already started would keep a half-started JVM alive, listening on nothing.
            System.err.println("varve server: could not start: " + e);
            e.printStackTrace();
            Runtime.getRuntime().halt(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "varve-shutdown"));
        // Left to the JVM, a signal ends the process with 128 + its number even after a clean stop;
        // exiting normally runs the hook above and tells a service manager the stop was clean.
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), s -> System.exit(0));
        }
        System.out.println("Varve " + broker.describe() + " (Ctrl-C or SIGTERM to stop)");
        stopped.await();
    }

    /** Properties from {@code --config FILE} then each {@code --override name=value}, in order. */
    static Map<String, String> parse(String[] args) throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    Path file = Path.of(value(args, ++i, "--config"));
                    Properties p = new Properties();
                    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                        p.load(in);
                    }
                    p.stringPropertyNames().forEach(name -> props.put(name, p.getProperty(name).trim()));
                }
                case "--override" -> {
                    String kv = value(args, ++i, "--override");
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--override needs name=value, got " + kv);
                    }
                    props.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        return props;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
