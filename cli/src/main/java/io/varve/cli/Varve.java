package io.varve.cli;

import io.varve.broker.VarveMain;
import java.util.Arrays;

/** Entry point of {@code ./varve}: {@code varve <command> [options]}. */
public final class Varve {

    private static final String USAGE = """
        usage: varve <command> [options]

          server [--config FILE] [--override name=value]...
                 run a node (broker + controller); no options: data in ./varve-data, clients on 127.0.0.1:9092
          help   this text
        """;

    private Varve() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.print(USAGE);
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "server" -> VarveMain.main(rest);
            case "help", "--help", "-h" -> System.out.print(USAGE);
            default -> {
                System.err.println("varve: unknown command " + args[0]);
                System.err.print(USAGE);
                System.exit(2);
            }
        }
    }
}
