package dev.jalloc.internal.hardened;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.internal.heap.SizeClasses;
import dev.jalloc.testing.Seeds;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The per-class slot quarantine against a model: what it holds, what leaves and when, its bytes bound and its
 * membership bitmap.
 */
class SlotQuarantineTest {
    private static final long BASE = 1L << 32;

    /** Seeded frees of random classes: every slot leaves after more frees of its class than the ring holds. */
    @Test
    void slotsLeaveOnlyAfterTheirClassPassedTheRing() {
        SplittableRandom rnd = Seeds.random("SlotQuarantineTest");
        int randomLength = 8;
        int ringLength = 8;
        SlotQuarantine q = new SlotQuarantine(BASE, randomLength, ringLength, 8L << 20, new Randomness());
        Map<Long, long[]> entered = new HashMap<>();   // address -> {class, frees of its class when it entered}
        long[] frees = new long[SizeClasses.COUNT];
        Set<Long> held = new HashSet<>();
        long next = BASE;
        for (int i = 0; i < 200_000; i++) {
            // Classes up to 8 KiB: their parts are not cut by the bound (theBoundCutsTheLargestClasses).
            int c = rnd.nextInt(8) == 0 ? rnd.nextInt(SizeClasses.index(8192) + 1) : rnd.nextInt(6);
            long a = next;
            next += 16L * (1 + rnd.nextInt(4));
            assertFalse(q.contains(a));
            long out = q.put(c, a);
            frees[c]++;
            entered.put(a, new long[] {c, frees[c]});
            held.add(a);
            assertTrue(q.contains(a));
            if (out != 0) {
                long[] e = entered.remove(out);
                assertEquals(c, e[0], "a slot of another class left");
                assertTrue(frees[c] - e[1] > ringLength, "left after " + (frees[c] - e[1]) + " frees of its class");
                assertTrue(held.remove(out));
                assertFalse(q.contains(out));
            }
            if (i % 9973 == 0) {
                assertEquals(held.size(), q.count());
                long bytes = 0;
                for (long[] e : entered.values()) {
                    bytes += SizeClasses.size((int) e[0]);
                }
                assertEquals(bytes, q.bytes());
                assertTrue(q.bytes() <= q.maxBytes(), q.bytes() + " > " + q.maxBytes());
                Set<Long> visited = new HashSet<>();
                q.forEach((address, size) -> visited.add(address));
                assertEquals(held, visited);
            }
        }
    }

    /** With no random part the quarantine is exactly a FIFO queue per class. */
    @Test
    void aRingAloneIsFifoPerClass() {
        SlotQuarantine q = new SlotQuarantine(BASE, 0, 4, 8L << 20, new Randomness());
        ArrayDeque<Long> model = new ArrayDeque<>();
        for (int i = 0; i < 100; i++) {
            long a = BASE + 16L * i;
            long out = q.put(3, a);
            model.add(a);
            long expected = model.size() > 4 ? model.poll() : 0;
            assertEquals(expected, out);
        }
        assertEquals(4, q.count(3));
        assertEquals(0, q.count(2));
    }

    /** The largest classes get shorter parts, so the whole stays under the policy's bytes; none gets less than one. */
    @Test
    void theBoundCutsTheLargestClasses() {
        SlotQuarantine q = new SlotQuarantine(BASE, 8, 8, 8L << 20, new Randomness());
        assertTrue(q.maxBytes() <= 8L << 20, "max " + q.maxBytes());
        int biggest = SizeClasses.COUNT - 1;
        long a = BASE;
        int leaves = 0;
        for (int i = 0; i < 100; i++) {
            if (q.put(biggest, a) != 0) {
                leaves++;
            }
            a += SizeClasses.size(biggest);
        }
        int held = q.count(biggest);
        assertTrue(held >= 2 && held < 16, "the largest class holds " + held);
        assertEquals(100 - held, leaves);
        SlotQuarantine tiny = new SlotQuarantine(BASE, 8, 8, 1, new Randomness());
        tiny.put(biggest, BASE);
        assertEquals(1, tiny.count(biggest), "one entry at least in the random part");
        assertFalse(new SlotQuarantine(BASE, 0, 0, 8L << 20, new Randomness()).maxBytes() > 0);
        assertTrue(new SlotQuarantine(BASE, 0, 0, 8L << 20, new Randomness()).isDisabled());
    }
}
