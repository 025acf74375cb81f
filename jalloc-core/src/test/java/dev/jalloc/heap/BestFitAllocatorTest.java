package dev.jalloc.heap;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.testing.ProcMaps;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The public best-fit allocator: its contract, misuse, arena sub-lifetimes and what close returns. */
class BestFitAllocatorTest {

    @Test
    void allocatesZeroedAlignedMemoryAndReusesFreedBlocks() {
        try (BestFitAllocator heap = BestFitAllocator.create()) {
            MemorySegment a = heap.allocate(100, 16);
            assertEquals(100, a.byteSize());
            assertEquals(0, a.address() % 16);
            a.fill((byte) 1);
            heap.free(a);
            MemorySegment b = heap.allocate(100, 16);
            assertEquals(a.address(), b.address(), "best fit takes the freed block back");
            assertEquals(0, b.get(JAVA_LONG, 0), "allocate() zeroes");
            for (long alignment = 32; alignment <= 1 << 20; alignment <<= 1) {
                long p = heap.allocateAddress(10, alignment);
                assertEquals(0, p % alignment, "alignment " + alignment);
                assertTrue(heap.usableSize(p) >= 10);
            }
            heap.check();
            assertTrue(heap.committedBytes() >= heap.allocatedBytes() + heap.freeBytes());
        }
    }

    @Test
    void reallocateKeepsTheBytesAndGrowsInPlaceWhenItCan() {
        try (BestFitAllocator heap = BestFitAllocator.create()) {
            MemorySegment s = heap.allocate(64, 16);
            for (int i = 0; i < 8; i++) {
                s.set(JAVA_LONG, 8L * i, i * 11L);
            }
            MemorySegment grown = heap.reallocate(s, 100_000);  // the last block: grows the region in place
            assertEquals(s.address(), grown.address());
            long blocker = heap.allocateAddress(16, 16);
            MemorySegment moved = heap.reallocate(grown, 200_000);
            for (int i = 0; i < 8; i++) {
                assertEquals(i * 11L, moved.get(JAVA_LONG, 8L * i));
            }
            MemorySegment shrunk = heap.reallocate(moved, 8);
            assertEquals(moved.address(), shrunk.address());
            heap.free(blocker);
            heap.free(shrunk);
            heap.check();
            assertEquals(0, heap.allocatedBlocks());
            assertEquals(1, heap.freeBlocks());
        }
    }

    @Test
    void badInputIsRefusedAndChangesNothing() throws Exception {
        try (BestFitAllocator heap = BestFitAllocator.create(1 << 20, 64 << 10)) {
            long p = heap.allocateAddress(48, 16);
            long q = heap.allocateAddress(48, 16);
            heap.free(q);
            String before = heap.toString();
            List<Consumer<BestFitAllocator>> misuses = List.of(
                    h -> h.allocate(-1, 16), h -> h.allocate(1L << 47, 16), h -> h.allocate(8, 24),
                    h -> h.allocate(8, 0), h -> h.allocate(8, 1L << 31), h -> h.free(q), h -> h.free(p + 16),
                    h -> h.free(p + 1), h -> h.free(0), h -> h.free(p - (1L << 30)), h -> h.reallocate(q, 10),
                    h -> h.reallocate(p, -5), h -> h.usableSize(q));
            for (Consumer<BestFitAllocator> m : misuses) {
                assertThrows(IllegalArgumentException.class, () -> m.accept(heap));
                assertEquals(before, heap.toString());
            }
            assertTrue(assertThrows(IllegalArgumentException.class, () -> heap.free(q)).getMessage()
                    .contains("already freed"));
            OutOfNativeMemoryError e = assertThrows(OutOfNativeMemoryError.class, () -> heap.allocate(2 << 20, 16));
            assertTrue(e.getMessage().contains("no room for 2097152 bytes"), e.getMessage());
            assertEquals(before, heap.toString());
            Throwable wrong = CompletableFuture.runAsync(() -> heap.allocate(8, 8), r -> Thread.ofPlatform().start(r))
                    .handle((v, t) -> t.getCause()).get();
            assertTrue(wrong instanceof WrongThreadException, String.valueOf(wrong));
            heap.check();
            heap.free(p);
        }
        BestFitAllocator closed = BestFitAllocator.create();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.allocate(8, 8));
        assertThrows(IllegalStateException.class, closed::close);
        assertThrows(IllegalArgumentException.class, () -> BestFitAllocator.create(0, 4096));
        assertThrows(IllegalArgumentException.class, () -> BestFitAllocator.create(1 << 20, 2 << 20));
    }

    @Test
    void aSubLifetimeInAnArena() {
        LinearArena arena = LinearArena.ofVirtual();
        {
            arena.push(40);
            long pos = arena.pos();
            BestFitAllocator heap = BestFitAllocator.onTailOf(arena);
            MemorySegment s = heap.allocate(5000, 4096);
            assertEquals(0, s.address() % 4096);
            assertThrows(IllegalStateException.class, () -> arena.push(8));
            heap.close();
            assertEquals(48, arena.pos(), "the tail went back to the arena (pos " + pos + ", aligned to 16)");
            arena.push(8);
            BestFitAllocator again = BestFitAllocator.onTailOf(arena);
            again.allocate(100, 16);
            arena.close();
            assertThrows(IllegalStateException.class, () -> again.allocate(8, 8));
        }
    }

    @Test
    void closeReturnsTheMapping() {
        assumeTrue(ProcMaps.available(), "no /proc/self/maps on this system");
        BestFitAllocator heap = BestFitAllocator.create(1L << 30, 64 << 10);
        long first = heap.allocateAddress(3 << 20, 16);
        long from = first & -4096L;
        var before = ProcMaps.read();
        assertTrue(ProcMaps.coveredBytes(before, from, from + (1L << 30) - 4096) > 0);
        heap.close();
        assertEquals(List.of(), ProcMaps.leftovers(before, ProcMaps.read(), from, from + (1L << 30) - 4096));
    }
}
