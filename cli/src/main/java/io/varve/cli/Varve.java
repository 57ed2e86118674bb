package io.varve.cli;

import io.varve.broker.VarveMain;
import java.io.InputStream;
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
          groups list|describe|reset-offsets|delete [--bootstrap-server HOST:PORT] [--group G] ...
                 consumer groups: members, committed offsets and lag, offset resets; `varve groups --help`
          produce --topic T [--key-separator SEP] ...
                 send each line of standard input as a record
          consume --topic T [--from-beginning] [--print-key] [--max-messages N] [--timeout-ms MS] ...
                 print records, one per line
          perf produce|consume --topic T --num-records N ...
                 load test: a progress line each second, then records/s, MB/s and latency percentiles
          help   this text
        """;

    /** Where the tools look for a broker unless told otherwise: the embedded default of {@code varve server}. */
    static final String DEFAULT_BOOTSTRAP = TopicsArgs.DEFAULT_BOOTSTRAP;

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
        System.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, InputStream.nullInputStream(), out, err);
    }

    /**
     * Runs every command but {@code server} (which runs until stopped): writes to the given streams
     * and returns the exit status, 2 for bad usage.
     */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE);
            return TopicsCommand.USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "topics" -> {
                return TopicsCommand.run(rest, out, err);
            }
            case "groups" -> {
                return GroupsCommand.run(rest, out, err);
            }
            case "produce", "consume", "perf" -> {
                return runTool(args[0], rest, in, out, err);
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

    private static int runTool(String command, String[] args, InputStream in, PrintStream out, PrintStream err) {
        try {
            return switch (command) {
                case "produce" -> ProduceCommand.run(args, in, out, err);
                case "consume" -> ConsumeCommand.run(args, out, err);
                default -> PerfCommand.run(args, out, err);
            };
        } catch (Args.UsageException e) {
            err.println("varve " + command + ": " + e.getMessage());
            err.print(command.equals("produce") ? ProduceCommand.USAGE
                : command.equals("consume") ? ConsumeCommand.USAGE : PerfCommand.USAGE);
            return TopicsCommand.USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return TopicsCommand.FAILED;
        } catch (Exception e) {
            err.println("varve " + command + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return TopicsCommand.FAILED;
        }
    }
}
