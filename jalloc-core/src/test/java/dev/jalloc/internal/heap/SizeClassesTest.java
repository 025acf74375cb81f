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
}
