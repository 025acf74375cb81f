package dev.jalloc.internal.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SizeClassesTest {

    @Test
    void everyRequestGetsTheSmallestClassThatHoldsIt() {
        for (long n = 1; n <= SizeClasses.MEDIUM_MAX; n++) {
            int i = SizeClasses.index(n);
            assertTrue(SizeClasses.size(i) >= n, "class " + i + " too small for " + n);
            assertTrue(i == 0 || SizeClasses.size(i - 1) < n, "class " + (i - 1) + " would hold " + n);
            assertEquals(0, SizeClasses.size(i) % SizeClasses.QUANTUM);
            if (n > 128) {
                assertTrue(SizeClasses.size(i) < 1.25 * n, "waste of " + n + " -> " + SizeClasses.size(i));
            }
        }
        assertEquals(SizeClasses.MEDIUM_MAX, SizeClasses.size(SizeClasses.COUNT - 1));
    }

    @Test
    void slotsNeverCrossAPageInSmallSlabs() {
        for (int i = 0; i < SizeClasses.COUNT; i++) {
            if (SizeClasses.isSmall(i)) {
                assertEquals(SizeClasses.PAGE, SizeClasses.spanBytes(i));
                assertTrue(SizeClasses.slots(i) * SizeClasses.size(i) <= SizeClasses.PAGE);
            }
            assertTrue(SizeClasses.slots(i) >= 2, "class " + i + " has " + SizeClasses.slots(i) + " slots");
        }
        assertTrue(SizeClasses.table().contains("large: above 32768 bytes"));
    }

    @Test
    void mediumPoolsHaveNoTailAndGrowWithTheirClass() {
        for (int i = 0; i < SizeClasses.COUNT; i++) {
            int size = SizeClasses.size(i);
            int bytes = SizeClasses.spanBytes(i);
            assertEquals(0, bytes % SizeClasses.PAGE, "class " + i);
            assertTrue(bytes <= SizeClasses.POOL_BYTES, "class " + i);
            if (SizeClasses.isSmall(i)) {
                continue;
            }
            assertTrue(SizeClasses.slots(i) >= Math.min(SizeClasses.POOL_SLOTS, SizeClasses.POOL_BYTES / size),
                    "class " + i + " (" + size + " B): " + SizeClasses.slots(i) + " slots");
            // Every medium size is a multiple of 256 bytes, so some run of at most 16 pages tiles exactly.
            assertEquals(0, bytes % size, "class " + i + " (" + size + " B) wastes " + bytes % size + " of " + bytes);
            int first = SizeClasses.spanBytes(i, 0);
            int second = SizeClasses.spanBytes(i, 1);
            assertTrue(first >= size && first - size < SizeClasses.PAGE, "class " + i + ": first pool " + first);
            assertTrue(second >= Math.min(2 * size, bytes) && second <= bytes, "class " + i + ": second " + second);
            assertEquals(bytes, SizeClasses.spanBytes(i, 2));
        }
    }
}
