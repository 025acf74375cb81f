package dev.jalloc.internal.hardened;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The hardened heap's random numbers: a new seed per heap, and draws that stay spread across reseeds. */
class RandomnessTest {
    @Test
    void twoHeapsDrawDifferently() {
        Randomness a = new Randomness();
        Randomness b = new Randomness();
        long[] x = new long[8];
        long[] y = new long[8];
        for (int i = 0; i < 8; i++) {
            x[i] = a.nextLong();
            y[i] = b.nextLong();
        }
        assertNotEquals(Arrays.toString(x), Arrays.toString(y));
    }

    /** Three reseeds' worth of bounded draws: every bucket of 64 filled close to its share (a loose bound). */
    @Test
    void drawsStaySpreadAcrossReseeds() {
        Randomness r = new Randomness();
        int draws = 3 * Randomness.RESEED_DRAWS + 12_345;
        int[] buckets = new int[64];
        for (int i = 0; i < draws; i++) {
            buckets[r.nextInt(64)]++;
        }
        double expected = draws / 64.0;
        for (int n : buckets) {
            assertTrue(Math.abs(n - expected) < 0.02 * expected, "bucket " + n + ", expected about " + expected);
        }
    }
}
