package dev.jalloc.examples.redis;

import dev.jalloc.DebugLevel;
import dev.jalloc.heap.Hardening;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./jalloc redis}: runs a {@link RedisServer} until a client sends {@code SHUTDOWN} or the process is
 * interrupted, then prints its shutdown report (the leak report of the jalloc heap). Exit status 0, or 2 for a
 * usage error, 1 if the port cannot be bound.
 */
public final class RedisMain {
    private static final String USAGE = """
            Usage: ./jalloc redis [--port N] [--storage jalloc|byte-arrays|netty] [--hardening LEVEL]
                                  [--debug LEVEL] [--event-loops N] [--max-value-bytes N] [--picture FILE]
            Runs a Redis-protocol (RESP2) server on 127.0.0.1 whose keys, values and lists live in a shared
            jalloc heap. Stop it with `redis-cli -p N shutdown` or Ctrl-C: it prints what was live and the
            heap's leak report after every key is freed.
              --port N             TCP port (default 6379; 0 picks a free one)
              --storage KIND       jalloc (default), byte-arrays (byte[] on the Java heap) or netty (Netty's
                                   pooled direct buffers): the variants docs/EXAMPLES.md compares
              --hardening LEVEL    the heap's hardening: none (default), light, standard, full
              --debug LEVEL        the heap's debug level: off (default), leaks, sampled, all, paranoid
              --event-loops N      event-loop threads (default: the cores, at most 4)
              --max-value-bytes N  the longest key or value a client may send (default 536870912)
              --picture FILE       at shutdown, write the heap's picture (HTML) to FILE before freeing the keys
            """;

    private static final Set<String> OPTIONS = Set.of("--port", "--storage", "--hardening", "--debug",
            "--event-loops", "--max-value-bytes", "--picture");

    private RedisMain() {
    }

    /**
     * Runs the command.
     *
     * @param args the command line, as the usage says
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        RedisConfig config = RedisConfig.defaults();
        Hardening hardening = Hardening.NONE;
        DebugLevel debug = DebugLevel.OFF;
        Path picture = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (option.equals("--help") || option.equals("-h")) {
                    out.print(USAGE);
                    return 0;
                }
                if (!OPTIONS.contains(option)) {
                    throw new IllegalArgumentException("unknown option " + option);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "--port" -> config = config.withPort(intValue(option, value));
                    case "--storage" -> config = config.withStorage(StorageKind.ofOption(value));
                    case "--hardening" -> hardening = hardening(value);
                    case "--debug" -> debug = DebugLevel.parse(value);
                    case "--event-loops" -> config = config.withEventLoops(intValue(option, value));
                    case "--max-value-bytes" -> config = config.withMaxValueBytes(longValue(option, value));
                    case "--picture" -> picture = Path.of(value);
                    default -> throw new AssertionError(option);
                }
            }
            config = config.withHeap(hardening, debug);
            if (picture != null && config.storage() != StorageKind.JALLOC) {
                throw new IllegalArgumentException("--picture draws the jalloc heap: storage "
                        + config.storage().option() + " has none");
            }
        } catch (IllegalArgumentException e) {
            err.println("jalloc redis: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        RedisServer server;
        try {
            server = RedisServer.start(config);
        } catch (IOException e) {
            err.println("jalloc redis: cannot listen on " + config.host() + ":" + config.port() + ": " + e);
            return 1;
        }
        server.writePictureAtShutdown(picture);
        AtomicBoolean reported = new AtomicBoolean();
        Runnable report = () -> {
            server.close();
            if (reported.compareAndSet(false, true)) {
                out.println(server.shutdownReport());
                out.flush();
            }
        };
        Thread hook = new Thread(report, "redis-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("jalloc redis: " + server + " (stop: redis-cli -p " + server.port() + " shutdown, or Ctrl-C)");
        out.flush();
        try {
            server.awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        report.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);   // run() may be called again in this JVM (tests do)
        } catch (IllegalStateException e) {
            // the JVM is shutting down (Ctrl-C): the hook has run
        }
        return 0;
    }

    /** {@return the option's value as an {@code int}} (its range is checked where it is used) */
    private static int intValue(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": " + value + " (expected: an integer)");
        }
    }

    /** {@return the option's value as a {@code long}} (its range is checked where it is used) */
    private static long longValue(String option, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": " + value + " (expected: an integer)");
        }
    }

    private static Hardening hardening(String name) {
        try {
            return Hardening.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no hardening level '" + name + "': none, light, standard or full");
        }
    }
}
