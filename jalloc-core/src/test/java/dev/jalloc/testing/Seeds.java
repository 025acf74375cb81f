package dev.jalloc.testing;

import java.util.SplittableRandom;

/**
 * Seeds for randomized tests: {@code -Djalloc.test.seed=N} replays a run; otherwise a fresh seed is drawn. The
 * seed is printed either way, so any failure can be replayed.
 */
public final class Seeds {
    private Seeds() {
    }

    /** {@return a random generator for {@code testName}, printing its seed} */
    public static SplittableRandom random(String testName) {
        return new SplittableRandom(seed(testName));
    }

    /** {@return the seed for {@code testName}: {@code -Djalloc.test.seed}, or a fresh one; printed either way} */
    public static long seed(String testName) {
        String fixed = System.getProperty("jalloc.test.seed");
        long seed = fixed != null ? Long.decode(fixed) : System.nanoTime() ^ Double.doubleToLongBits(Math.random());
        System.out.println(testName + ": seed " + seed + " (replay with -Djalloc.test.seed=" + seed + ")");
        return seed;
    }
}
