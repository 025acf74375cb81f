package dev.jalloc.vector;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Checks;
import java.lang.foreign.MemoryLayout;
import org.junit.jupiter.api.Test;

/** {@link VecBuilder}: its options, how it rounds them, and the layouts it refuses. */
class VecBuilderTest {
    static final long PAGE = Os.current().pageSize();

    @Test
    void theFactoriesMakeDefaultConfinedVectors() {
        try (IntVec ints = IntVec.create(); LongVec longs = LongVec.create(); DoubleVec doubles = DoubleVec.create();
                LayoutVec bytes = LayoutVec.create(JAVA_BYTE)) {
            for (Vec v : new Vec[] {ints, longs, doubles, bytes}) {
                assertEquals(Vec.DEFAULT_RESERVE_SIZE, v.reservedBytes());
                assertEquals(Vec.DEFAULT_COMMIT_STEP, v.commitStep());
                assertEquals(0, v.committedBytes());
            }
            assertEquals(JAVA_INT, ints.elementLayout());
            assertEquals(Vec.DEFAULT_RESERVE_SIZE, bytes.maxCapacity());
        }
    }

    @Test
    void optionsAreRoundedUpToThePage() {
        try (IntVec v = Vec.builder().reserveSize(PAGE + 1).commitStep(1).ofInts()) {
            assertEquals(2 * PAGE, v.reservedBytes());
            assertEquals(PAGE, v.commitStep());
            assertEquals(2 * PAGE / 4, v.maxCapacity());
        }
    }

    @Test
    void aBuilderCanBeReusedAndEachVectorHasItsOwnReservation() {
        VecBuilder builder = Vec.builder().commitStep(PAGE).populate(false);
        try (LongVec a = builder.ofLongs(); LongVec b = builder.ofLongs()) {
            assertNotEquals(a.address(), b.address());
            for (int i = 0; i < 3000; i++) {
                a.add(i);
                b.add(-i);
            }
            assertEquals(2999, a.get(2999));
            assertEquals(-2999, b.get(2999));
        }
    }

    @Test
    void badOptionsAreRefused() {
        VecBuilder builder = Vec.builder();
        for (long bad : new long[] {0, -1, Checks.MAX_BYTE_SIZE + 1, Long.MIN_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> builder.reserveSize(bad));
            assertThrows(IllegalArgumentException.class, () -> builder.commitStep(bad));
        }
    }

    @Test
    void layoutsThatCannotBeArrayElementsAreRefused() {
        MemoryLayout[] bad = {
            MemoryLayout.structLayout(),                                     // zero bytes
            JAVA_INT.withByteAlignment(8),                                   // 4 bytes, aligned to 8
            MemoryLayout.structLayout(JAVA_LONG, JAVA_BYTE),                 // 9 bytes, aligned to 8
            MemoryLayout.structLayout(MemoryLayout.paddingLayout(2 * PAGE))
                    .withByteAlignment(2 * PAGE),                            // aligned above the page
        };
        for (MemoryLayout layout : bad) {
            assertThrows(IllegalArgumentException.class, () -> Vec.builder().of(layout), layout.toString());
        }
        MemoryLayout large = MemoryLayout.sequenceLayout(PAGE + 8, JAVA_BYTE);
        assertThrows(IllegalArgumentException.class, () -> Vec.builder().reserveSize(PAGE).of(large));
        MemoryLayout pageAligned = MemoryLayout.structLayout(MemoryLayout.paddingLayout(PAGE)).withByteAlignment(PAGE);
        try (LayoutVec v = Vec.builder().of(pageAligned)) {
            v.add();
            v.add();
            assertEquals(0, v.get(1).address() % PAGE);
        }
    }
}
