package io.varve.cli;

import io.varve.broker.VarveMain;
import java.io.PrintStream;
import java.util.Arrays;

/** Entry point of {@code ./varve}: {@code varve <command> [options]}. */
public final class Varve {

    static final String USAGE = """
        usage: varve <command> [options]

          server [--config FILE] [--override name=value]...
                 run a node (broker + controller); no options: data in ./varve-data, clients on 127.0.0.1:9092
          topics create|list|describe|delete [--bootstrap-server HOST:PORT] [--topic T] ...
                 manage topics on a running broker (Varve or Kafka); `varve topics --help` for the options
          help   this text
        """;

    private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    private Varve() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("server")) {
            VarveMain.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // The tools print results, not the client's connection log; `server` keeps its INFO log.
        if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, "warn");
        }
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs every command but {@code server} (which runs until stopped): writes to the given streams
     * and returns the exit status, 2 for bad usage.
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE);
            return TopicsCommand.USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "topics" -> {
                return TopicsCommand.run(rest, out, err);
            }
            case "help", "--help", "-h" -> {
                out.print(USAGE);
                return TopicsCommand.OK;
            }
            default -> {
                err.println("varve: unknown command " + args[0]);
                err.print(USAGE);
                return TopicsCommand.USAGE;
            }
        }
    }
}
