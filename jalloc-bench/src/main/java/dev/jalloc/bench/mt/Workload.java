package dev.jalloc.bench.mt;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One multithreaded benchmark: the {@code --bench} values. A run gets a fresh contender and a duration, drives
 * the contender's blocks from its threads until the deadline, frees every block (untimed) and returns what it
 * counted.
 */
interface Workload {
    /** Every benchmark, in table order. */
    List<String> NAMES = List.of("larson", "xmalloc", "cache-scratch", "cache-thrash", "mstress", "rptest");

    /**
     * What a run counted.
     *
     * @param ops     the ops done (each benchmark defines its op)
     * @param nanos   the wall time of the timed part
     * @param metric  the number to report: ops per second, or nanoseconds per op
     * @param unit    the metric's unit: {@code ops/s}, {@code frees/s} or {@code ns/op}
     * @param note    what else the benchmark observed, for people (empty if nothing)
     */
    record Result(long ops, long nanos, double metric, String unit, String note) {
        /** {@return a throughput result: {@code ops} per second of {@code nanos}} */
        static Result perSecond(long ops, long nanos, String unit) {
            return new Result(ops, nanos, ops * 1e9 / Math.max(1, nanos), unit, "");
        }
    }

    /**
     * Runs the benchmark on {@code contender} with {@code threads} threads for {@code nanos} of wall time, every
     * random choice drawn from sequences seeded by {@code seed}.
     *
     * @throws Exception if a worker failed (a correctness check, an allocator's exception)
     */
    Result run(Contender contender, int threads, long nanos, long seed) throws Exception;

    /**
     * {@return the random sequence number {@code stream} (a thread's, a lineage's) of a run seeded with {@code seed}}:
     * the same for every contender.
     */
    static SplittableRandom random(long seed, int stream) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + stream);
    }

    /** {@return the benchmark named {@code name}; {@code crossEvery} is rptest's cross-thread rate} */
    static Workload of(String name, int crossEvery) {
        return switch (name) {
            case "larson" -> new Larson();
            case "xmalloc" -> new XmallocTest();
            case "cache-scratch" -> new CacheScratch();
            case "cache-thrash" -> new CacheThrash();
            case "mstress" -> new Mstress();
            case "rptest" -> new Rptest(crossEvery);
            default -> throw new IllegalArgumentException("bench: " + name + " (expected one of: "
                    + String.join(", ", NAMES) + ")");
        };
    }

    /** {@return why {@code contender} does not run {@code bench}, or null if it does} */
    static String skipReason(String bench, String contender) {
        if (contender.equals("arenaShared") && !bench.equals("xmalloc") && !bench.equals("rptest")) {
            return "Arena.ofShared() per block only where blocks cross threads (xmalloc, rptest): here most frees are"
                    + " local and each close() of a shared arena synchronizes with every thread, so the run would"
                    + " measure the JDK's arena lifetime handshakes, not allocation";
        }
        return null;
    }
}
