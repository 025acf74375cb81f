package dev.jalloc.cli;

import dev.jalloc.cli.replay.ReplayCommand;
import dev.jalloc.heap.Heap;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * Entry point of the {@code jalloc} command. The {@code ./jalloc} launcher builds on first use and runs this
 * class on JDK 25; {@code ./jalloc bench} is handled by the launcher itself (it runs the JMH jar).
 * {@code replay} is {@link ReplayCommand}.
 */
public final class Main {
    private Main() {
    }

    static final String USAGE = """
            usage: jalloc COMMAND [ARGS]

              demo            walk through every kind of linear arena and vector on real memory (seconds)
              bench [ARGS]    run the JMH benchmarks against their peers (ARGS go to JMH; -h lists them)
              mtbench [OPTS]  run the multithreaded benchmarks (larson, xmalloc-test, cache-scratch, cache-thrash,
                              mstress, rptest) on the shared heap and its peers, one child JVM per run (-h lists OPTS)
              replay [--allocator NAME]... [--csv] [--repeat N] TRACE...
                              replay malloc-lab traces on jalloc and its peers (glibc, jemalloc, mimalloc),
                              checking every payload byte; prints speed, peak live bytes, footprint, utilization
              sizeclasses     print the heap's size-class table
              help            this text
            """;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (command) {
            case "demo" -> {
                new Demo(out).run(rest);
                return 0;
            }
            case "replay" -> {
                return ReplayCommand.run(rest, out, err);
            }
            case "sizeclasses" -> {
                out.print(Heap.sizeClasses());
                return 0;
            }
            case "help", "-h", "--help" -> {
                out.print(USAGE);
                return 0;
            }
            default -> {
                err.println("jalloc: unknown command '" + command + "'");
                err.print(USAGE);
                return 2;
            }
        }
    }
}
