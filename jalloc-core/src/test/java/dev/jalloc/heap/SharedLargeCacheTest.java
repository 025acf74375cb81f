package dev.jalloc.heap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.internal.heap.SizeClasses;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared heap's per-thread cache of freed large spans: a large pair reuses its span without the central lock,
 * and a kept span is nobody's payload: not live in the statistics, not freeable, not resizable, zeroed when handed
 * out zeroed, aligned when asked, given back by trim and by the collection periods.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedLargeCacheTest {
    private static final long LARGE = 64 << 10;

    @Test
    void aFreedLargeSpanIsTakenAgainByTheSameSizeAndCountsAsFree() {
        try (Heap heap = Heap.ofShared()) {
            long a = heap.allocateAddressNoInit(LARGE, 16);
            heap.free(a);
            assertEquals(0, heap.liveAllocations());
            assertEquals(0, heap.liveBytes());
            assertEquals(0, heap.liveAllocations(SizeClasses.COUNT));
            heap.check();
            long b = heap.allocateAddressNoInit(LARGE, 16);
            assertEquals(a, b, "the kept span is taken again");
            assertEquals(1, heap.liveAllocations(SizeClasses.COUNT));
            assertEquals(LARGE, heap.liveBytes());
            heap.check();
            heap.free(b);
            heap.check();
        }
    }

    @Test
    void aKeptSpanIsNotALivePayload() {
        try (Heap heap = Heap.ofShared()) {
            long a = heap.allocateAddressNoInit(LARGE, 16);
            heap.free(a);
            assertThrows(IllegalArgumentException.class, () -> heap.free(a));
            assertThrows(IllegalArgumentException.class, () -> heap.usableSize(a));
            assertThrows(IllegalArgumentException.class, () -> heap.reallocate(a, 2 * LARGE));
            heap.check();
            assertEquals(0, heap.liveAllocations());
        }
    }

    @Test
    void aKeptSpanHandedOutZeroedIsZero() {
        try (Heap heap = Heap.ofShared()) {
            MemorySegment s = heap.allocateNoInit(LARGE, 16);
            s.fill((byte) 0x5A);
            long a = s.address();
            heap.free(s);
            MemorySegment z = heap.allocate(LARGE, 16);
            assertEquals(a, z.address());
            assertEquals(-1, z.mismatch(MemorySegment.ofArray(new byte[(int) LARGE])), "not zeroed");
            heap.free(z);
        }
    }

    @Test
    void anAlignedRequestNeverGetsAnUnalignedKeptSpan() {
        try (Heap heap = Heap.ofShared()) {
            for (int round = 0; round < 64; round++) {
                long plain = heap.allocateAddressNoInit(LARGE, 16);
                long aligned = heap.allocateAddressNoInit(LARGE, LARGE);
                assertEquals(0, aligned % LARGE, "misaligned: round " + round);
                heap.free(plain);
                heap.free(aligned);
            }
            heap.check();
            assertEquals(0, heap.liveAllocations());
        }
    }

    @Test
    void trimGivesKeptSpansBack() {
        try (Heap heap = Heap.ofShared()) {
            long[] blocks = new long[8];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = heap.allocateAddressNoInit(LARGE * (i + 1), 16);
                heap.segment(blocks[i], LARGE * (i + 1)).fill((byte) 1);
            }
            for (long b : blocks) {
                heap.free(b);
            }
            long before = heap.committedBytes();
            heap.trim();
            heap.check();
            assertTrue(heap.committedBytes() <= before - 4 * LARGE, "trim kept the spans: " + before + " -> "
                    + heap.committedBytes());
        }
    }

    @Test
    void aSpanFreedByAnotherThreadIsKeptByThatThreadAndCheckedAsSuch() throws Exception {
        try (Heap heap = Heap.ofShared()) {
            long a = heap.allocateAddressNoInit(LARGE, 16);
            AtomicLong second = new AtomicLong();
            Thread t = Thread.ofPlatform().start(() -> {
                heap.free(a);   // kept in this thread's cache
                second.set(heap.allocateAddressNoInit(LARGE, 16));
            });
            t.join();
            assertEquals(a, second.get(), "the freeing thread takes its kept span again");
            long mine = heap.allocateAddressNoInit(LARGE, 16);
            assertNotEquals(a, mine);
            heap.free(second.get());   // into this thread's cache now; the dead thread's cache may keep nothing
            heap.free(mine);
            heap.check();
            assertEquals(0, heap.liveAllocations());
        }
    }

    @Test
    void manySizesFreedAndTakenStayConsistent() {
        try (Heap heap = Heap.ofShared()) {
            long[] live = new long[32];
            long[] size = new long[32];
            for (int step = 0; step < 20_000; step++) {
                int i = (int) ((step * 0x9E3779B97F4A7C15L) >>> 59);
                if (live[i] != 0) {
                    MemorySegment s = heap.segment(live[i], size[i]);
                    assertEquals((byte) i, s.get(JAVA_BYTE, size[i] - 1), "damaged");
                    heap.free(live[i]);
                    live[i] = 0;
                } else {
                    size[i] = (long) (1 + (step % 7)) * 20_000;
                    live[i] = heap.allocateAddressNoInit(size[i], 16);
                    heap.segment(live[i], size[i]).set(JAVA_BYTE, size[i] - 1, (byte) i);
                }
                if (step % 1000 == 0) {
                    heap.check();
                }
            }
            for (long b : live) {
                if (b != 0) {
                    heap.free(b);
                }
            }
            heap.check();
            assertEquals(0, heap.liveAllocations());
        }
    }
}
