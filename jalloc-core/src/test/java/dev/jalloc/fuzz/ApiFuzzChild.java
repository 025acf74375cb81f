package dev.jalloc.fuzz;

import java.util.Map;

/**
 * One fuzzing run, in a child JVM of {@link ApiFuzzTest}: {@code ApiFuzzChild <seed> <calls> [hardened]} makes at
 * least {@code calls} random calls of jalloc's public API from the seed (with {@code hardened}, most of them on
 * hardened heaps), checking each against the contract and the
 * models. It prints its progress and ends with {@code PASS}; on a contract violation it prints the seed, the call
 * number, what went wrong and the last calls, and exits with status 1. A watchdog turns a hang (no call for
 * {@value #HANG_SECONDS} seconds) into a thread dump and exit status 3; a crash ends the JVM, which the parent
 * reports with the seed. {@code -Djalloc.fuzz.trace=true} prints every call.
 */
public final class ApiFuzzChild {
    static final int HANG_SECONDS = 60;

    private ApiFuzzChild() {
    }

    public static void main(String[] args) {
        long seed = Long.decode(args[0]);
        long calls = Long.parseLong(args[1]);
        Fuzz fuzz = new Fuzz(seed, Boolean.getBoolean("jalloc.fuzz.trace"));
        fuzz.hardenedFocus = args.length > 2 && args[2].equals("hardened");
        System.out.println("ApiFuzzChild: seed " + seed + ", " + calls + " calls");
        watchdog(fuzz);
        long start = System.nanoTime();
        long nextReport = start + 15_000_000_000L;
        try {
            World world = new World(fuzz);
            while (fuzz.calls < calls) {
                world.step();
                long now = System.nanoTime();
                if (now > nextReport) {
                    nextReport = now + 15_000_000_000L;
                    System.out.printf("seed %d: %,d calls, %,.0f calls/s%n", seed, fuzz.calls,
                            fuzz.calls / ((now - start) / 1e9));
                }
            }
            world.closeAll();
        } catch (Throwable t) {
            System.out.println("FUZZ FAILURE: seed " + seed + ", at call #" + (fuzz.calls - 1) + ": "
                    + (t instanceof Violation ? "contract violation: " : "fuzzer failure: ") + t.getMessage());
            System.out.println("last calls, oldest first:\n" + fuzz.lastCalls());
            t.printStackTrace(System.out);
            System.out.println("replay: -Djalloc.test.seed=" + seed + " -Djalloc.fuzz.children=1 -Djalloc.fuzz.calls="
                    + fuzz.calls + " (add -Djalloc.fuzz.trace=true to print every call)");
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("PASS seed %d: %d calls in %.1f s, %.0f calls/s, %d on hardened heaps%n", seed, fuzz.calls,
                seconds, fuzz.calls / seconds, fuzz.hardenedCalls);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    private static void watchdog(Fuzz fuzz) {
        Thread t = new Thread(() -> {
            long last = -1;
            long since = System.nanoTime();
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                long now = fuzz.calls;
                if (now != last) {
                    last = now;
                    since = System.nanoTime();
                } else if (System.nanoTime() - since > HANG_SECONDS * 1_000_000_000L) {
                    System.out.println("FUZZ HANG: seed " + fuzz.seed + ", no call returned for " + HANG_SECONDS
                            + " s after call #" + (now - 1) + "\nlast calls, oldest first:\n" + fuzz.lastCalls());
                    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                        System.out.println("thread " + e.getKey().getName());
                        for (StackTraceElement el : e.getValue()) {
                            System.out.println("    at " + el);
                        }
                    }
                    System.out.flush();
                    Runtime.getRuntime().halt(3);
                }
            }
        }, "fuzz-watchdog");
        t.setDaemon(true);
        t.start();
    }
}
