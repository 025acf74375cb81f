package dev.jalloc.vector;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.testing.ProcMaps;
import dev.jalloc.testing.Resident;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import org.junit.jupiter.api.Test;

/**
 * Growth without moving: segments and addresses taken early stay valid, and committed memory follows the live
 * bytes, checked against the kernel's own count of resident pages.
 */
class VecGrowthTest {
    private static final long PAGE = 4096;

    @Test
    void segmentTakenAtTheStartStaysValidAndSeesLaterWritesAfterGrowing1000x() {
        try (IntVec v = IntVec.create()) {
            for (int i = 0; i < 1000; i++) {
                v.add(i);
            }
            MemorySegment early = v.segment();
            long address = v.address();
            long committedEarly = v.committedBytes();
            for (int i = 1000; i < 1_000_000; i++) {
                v.add(i);
            }
            assertEquals(1_000_000, v.size());
            assertEquals(address, v.address(), "the vector moved");
            assertEquals(address, early.address());
            assertTrue(v.committedBytes() >= 1000 * committedEarly / 4, "it did grow: " + v);
            for (int i = 0; i < 1000; i++) {
                assertEquals(i, early.get(JAVA_INT, 4L * i));
            }
            v.set(7, -7);                            // a write through the vector after growth...
            assertEquals(-7, early.get(JAVA_INT, 28)); // ...is seen through the early segment
            early.set(JAVA_INT, 36, -9);             // and the other way round
            assertEquals(-9, v.get(9));
            v.insert(0, 42);                         // moving elements is seen too
            assertEquals(42, early.get(JAVA_INT, 0));
            assertEquals(0, early.get(JAVA_INT, 4));
        }
    }

    @Test
    void structElementSegmentsStayValidAsTheVectorGrows() {
        StructLayout point = MemoryLayout.structLayout(JAVA_LONG.withName("x"), JAVA_LONG.withName("y"));
        try (LayoutVec v = LayoutVec.create(point)) {
            MemorySegment first = v.add();
            first.set(JAVA_LONG, 0, 11);
            for (int i = 1; i < 100_000; i++) {
                v.add().set(JAVA_LONG, 8, i);
            }
            assertEquals(first.address(), v.get(0).address());
            assertEquals(11, v.get(0).get(JAVA_LONG, 0));
            v.get(0).set(JAVA_LONG, 8, 99);
            assertEquals(99, first.get(JAVA_LONG, 8));
        }
    }

    @Test
    void growingPast4GiBKeepsCommittedWithinOneStepAndTrimGivesItBack() {
        long target = (4L << 30) + (64L << 20);                // 4 GiB + 64 MiB of longs
        long need = target + (512L << 20);
        long available = Resident.availableBytes();
        assumeTrue(available > need, "skipped: this machine has " + (available >> 20) + " MiB available, the test"
                + " needs " + (need >> 20) + " MiB");
        long elements = target / Long.BYTES;
        try (LongVec v = LongVec.create()) {
            long address = v.address();
            long step = v.commitStep();
            long checkEvery = (256L << 20) / Long.BYTES + 12_345;   // off the commit-step boundaries
            long maxExcess = 0;
            for (long i = 0; i < elements; ) {
                for (long end = Math.min(elements, i + checkEvery); i < end; i++) {
                    v.add(i);
                }
                assertCommittedFollowsSize(v, step);
                maxExcess = Math.max(maxExcess, v.committedBytes() - v.byteSize());
            }
            assertEquals(elements, v.size());
            assertEquals(address, v.address());
            assertCommittedFollowsSize(v, step);
            assertEquals(elements - 1, v.get(elements - 1));
            assertEquals(123_456_789L, v.get(123_456_789L));

            long resident = Resident.bytes(address, v.committedBytes());
            assertTrue(resident >= v.byteSize(), "the live bytes are resident: " + resident + " < " + v.byteSize());
            System.out.printf("VecGrowthTest: %d longs, live %d B, committed %d B, resident %d B,"
                    + " largest committed-live seen %d B (step %d B)%n",
                    v.size(), v.byteSize(), v.committedBytes(), resident, maxExcess, step);

            // Removing half: the automatic shrink keeps one commit step of slack; trimToSize keeps none.
            v.truncate(elements / 2);
            assertTrue(v.committedBytes() <= v.byteSize() + step + PAGE, "after truncate: " + v);
            v.trimToSize();
            assertEquals(align(v.byteSize()), v.committedBytes());
            long residentAfter = Resident.bytes(address, target + step);
            assertTrue(residentAfter <= v.committedBytes(),
                    "pages above the trim went back to the OS: resident " + residentAfter + " > " + v.committedBytes());
            System.out.printf("VecGrowthTest: after truncate to %d and trimToSize: live %d B, committed %d B,"
                    + " resident %d B%n", v.size(), v.byteSize(), v.committedBytes(), residentAfter);
            assertEquals(elements / 2 - 1, v.get(elements / 2 - 1));
            // The purged range stays accessible (reads zero) to a stale segment: no crash.
            MemorySegment stale = MemorySegment.ofAddress(address).reinterpret(target);
            assertEquals(0, stale.get(JAVA_LONG, target - 8));
        }
    }

    private static void assertCommittedFollowsSize(Vec v, long step) {
        long committed = v.committedBytes();
        long live = v.byteSize();
        assertEquals(0, committed % PAGE, "committed is whole pages");
        assertTrue(committed >= live, "committed " + committed + " < live " + live);
        assertTrue(committed - live <= Math.max(step, PAGE), "committed " + committed + " exceeds live " + live
                + " by more than one commit step " + step);
    }

    private static long align(long bytes) {
        return (bytes + PAGE - 1) & -PAGE;
    }

    @Test
    void anEnsuredCapacitySurvivesRemovalsUntilTrimToSize() {
        try (IntVec v = Vec.builder().commitStep(PAGE).ofInts()) {
            v.ensureCapacity(100_000);
            long ensured = v.committedBytes();
            v.addAll(new int[50_000]);
            v.truncate(10);
            v.removeRange(0, 0);
            v.clear();
            assertEquals(ensured, v.committedBytes(), "removals kept the ensured capacity");
            v.trimToSize();
            assertEquals(0, v.committedBytes());
            v.addAll(new int[50_000]);
            v.clear();
            assertTrue(v.committedBytes() <= PAGE, "without an ensured capacity a clear shrinks: " + v);
        }
    }

    @Test
    void closeReturnsTheWholeReservation() {
        assumeTrue(ProcMaps.available(), "no /proc/self/maps on this system");
        IntVec v = Vec.builder().commitStep(PAGE).ofInts();
        for (int i = 0; i < 300_000; i++) {
            v.add(i);
        }
        v.truncate(1000);        // purged ranges split the mapping
        v.ensureCapacity(200_000);
        long from = v.address();
        long to = from + v.reservedBytes();
        var before = ProcMaps.read();
        assertEquals(v.reservedBytes(), ProcMaps.coveredBytes(before, from, to), "mapped before close");
        v.close();
        assertEquals(java.util.List.of(), ProcMaps.leftovers(before, ProcMaps.read(), from, to));
    }
}
