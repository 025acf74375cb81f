package dev.jalloc.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link ReplayAllocator} contract, over every registered allocator that can run here and the test
 * allocator: blocks are usable, aligned and distinct, realloc keeps the bytes, the footprint grows with the
 * memory handed out and counts from the baseline. Each case runs on a fresh thread, as the replay does.
 */
class ReplayAllocatorContractTest {
    private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    static List<Allocators.Entry> allocators() {
        return ReplayEngineTest.available();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void blocksAreUsableAlignedAndDistinctAndReallocKeepsTheirBytes(Allocators.Entry entry) throws Exception {
        onFreshThread(() -> {
            try (ReplayAllocator allocator = entry.opener().open()) {
                long a = allocator.allocate(100);
                long b = allocator.allocate(1);
                assertNotEquals(0, a);
                assertNotEquals(0, b);
                assertNotEquals(a, b);
                assertEquals(0, a % allocator.byteAlignment());
                assertEquals(0, b % allocator.byteAlignment());
                EVERYTHING.asSlice(a, 100).fill((byte) 7);
                EVERYTHING.set(ValueLayout.JAVA_BYTE, b, (byte) 9);
                long grown = allocator.reallocate(a, 100_000);
                assertEquals(-1, EVERYTHING.asSlice(grown, 100).mismatch(MemorySegment.ofArray(filled(100, 7))));
                EVERYTHING.asSlice(grown, 100_000).fill((byte) 3);
                long shrunk = allocator.reallocate(grown, 10);
                assertEquals(-1, EVERYTHING.asSlice(shrunk, 10).mismatch(MemorySegment.ofArray(filled(10, 3))));
                assertEquals(9, EVERYTHING.get(ValueLayout.JAVA_BYTE, b));
                allocator.free(shrunk);
                allocator.free(b);
            }
            return null;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allocators")
    void theFootprintCountsFromTheBaselineAndGrowsWithTheMemoryHandedOut(Allocators.Entry entry) throws Exception {
        onFreshThread(() -> {
            try (ReplayAllocator allocator = entry.opener().open()) {
                allocator.markFootprintBaseline();
                long atBaseline = allocator.committedBytes();
                assertTrue(Math.abs(atBaseline) < 1 << 20, entry.name() + ": " + atBaseline + " at the baseline");
                long[] blocks = new long[48];
                for (int i = 0; i < blocks.length; i++) {
                    blocks[i] = allocator.allocate(1 << 20);
                    EVERYTHING.asSlice(blocks[i], 1 << 20).fill((byte) i);
                }
                long grown = allocator.committedBytes();
                assertTrue(grown >= 40 << 20, entry.name() + ": " + grown + " after 48 MiB handed out");
                long peak = allocator.peakCommittedBytes();
                assertTrue(peak == -1 || peak >= grown, entry.name() + ": peak " + peak + " < current " + grown);
                for (long block : blocks) {
                    allocator.free(block);
                }
            }
            return null;
        });
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static void onFreshThread(java.util.concurrent.Callable<Void> test) throws Exception {
        FutureTask<Void> task = new FutureTask<>(test);
        Thread thread = Thread.ofPlatform().start(task);
        thread.join();
        try {
            task.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (Exception) e.getCause();
        }
    }
}
