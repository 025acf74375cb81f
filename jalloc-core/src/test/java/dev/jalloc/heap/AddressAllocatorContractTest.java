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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@link AddressAllocator}, run over the {@link Heap} and the {@link BestFitAllocator}: zeroed and
 * aligned allocation, reallocation keeping the bytes, every kind of bad input refused without a change, use after
 * close, other threads, sub-lifetimes in an arena, and nothing mapped after close.
 */
class AddressAllocatorContractTest {

    /** One implementation: how to make it with a given reservation, and on an arena's tail. */
    record Kind(String name, LongFunction<AddressAllocator> withMax, Function<LinearArena, AddressAllocator> onTail,
            boolean anyThread) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Kind> kinds() {
        return List.of(
                new Kind("heap", Heap::create, Heap::onTailOf, false),
                new Kind("shared heap", max -> Heap.builder().reserveSize(max).shared(true).build(),
                        arena -> Heap.builder().onTailOf(arena).shared(true).build(), true),
                new Kind("bestfit", max -> BestFitAllocator.builder().reserveSize(max).commitStep(64 << 10).build(),
                        BestFitAllocator::onTailOf, false));
    }

    static List<Arguments> kindArguments() {
        return kinds().stream().map(Arguments::of).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kindArguments")
    void allocatesZeroedAlignedMemoryOfEverySize(Kind kind) {
        try (AddressAllocator a = kind.withMax().apply(1L << 32)) {
            List<MemorySegment> live = new ArrayList<>();
            for (long size : new long[] {0, 1, 15, 16, 17, 100, 1000, 1024, 1025, 5000, 32 << 10, (32 << 10) + 1,
                    100_000, 3 << 20}) {
                MemorySegment s = a.allocate(size, 16);
                assertEquals(size, s.byteSize());
                assertEquals(0, s.address() % 16);
                assertTrue(a.usableSize(s.address()) >= size);
                for (long i = 0; i + 8 <= size; i += 8) {
                    assertEquals(0, s.get(JAVA_LONG, i), "allocate() zeroes: size " + size + ", byte " + i);
                }
                s.fill((byte) 0x5A);
                live.add(s);
            }
            for (long alignment = 32; alignment <= 1 << 22; alignment <<= 1) {
                long p = a.allocateAddressNoInit(10, alignment);
                assertEquals(0, p % alignment, "alignment " + alignment);
                a.free(p);
            }
            a.check();
            for (MemorySegment s : live) {
                if (s.byteSize() > 0) {
                    assertEquals(0x5A, s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, s.byteSize() - 1) & 0xFF,
                            "intact: " + s);
                }
                a.free(s.address());
            }
            a.check();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kindArguments")
    void reallocateKeepsTheBytesAcrossEveryKindOfMove(Kind kind) {
        try (AddressAllocator a = kind.withMax().apply(1L << 32)) {
            long p = a.allocateAddressNoInit(24, 16);
            MemorySegment.ofAddress(p).reinterpret(24).fill((byte) 7);
            long size = 24;
            for (long to : new long[] {40, 200, 3000, 40_000, 1 << 20, 20 << 20, 100, 8, 70_000}) {
                long q = a.reallocate(p, to);
                MemorySegment s = MemorySegment.ofAddress(q).reinterpret(Math.min(size, to));
                for (long i = 0; i < s.byteSize(); i++) {
                    assertEquals(7, s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i), "byte " + i + " after " + to);
                }
                MemorySegment.ofAddress(q).reinterpret(to).fill((byte) 7);
                if (q != p) {
                    final long old = p;
                    assertThrows(IllegalArgumentException.class, () -> a.free(old), "the old address was freed");
                }
                p = q;
                size = to;
                a.check();
            }
            a.free(p);
            a.check();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kindArguments")
    void badInputIsRefusedAndChangesNothing(Kind kind) throws Exception {
        try (AddressAllocator a = kind.withMax().apply(8 << 20)) {
            long p = a.allocateAddressNoInit(48, 16);
            long big = a.allocateAddressNoInit(100_000, 16);
            long q = a.allocateAddressNoInit(48, 16);
            a.free(q);
            long committed = a.committedBytes();
            String before = a.toString();
            List<Consumer<AddressAllocator>> misuses = List.of(
                    x -> x.allocate(-1, 16), x -> x.allocate(1L << 47, 16), x -> x.allocate(8, 24),
                    x -> x.allocate(8, 0), x -> x.allocate(8, 1L << 31), x -> x.free(q), x -> x.free(p + 16),
                    x -> x.free(p + 1), x -> x.free(0), x -> x.free(p - (1L << 30)), x -> x.free(big + 4096),
                    x -> x.reallocate(q, 10), x -> x.reallocate(p, -5), x -> x.usableSize(q),
                    x -> x.usableSize(big + 16));
            for (int i = 0; i < misuses.size(); i++) {
                Consumer<AddressAllocator> m = misuses.get(i);
                assertThrows(IllegalArgumentException.class, () -> m.accept(a), "misuse #" + i);
                assertEquals(before, a.toString(), "misuse #" + i);
                assertEquals(committed, a.committedBytes(), "misuse #" + i);
            }
            assertTrue(assertThrows(IllegalArgumentException.class, () -> a.free(q)).getMessage().contains("freed"));
            assertThrows(OutOfNativeMemoryError.class, () -> a.allocate(9 << 20, 16));
            assertEquals(before, a.toString());
            Throwable wrong = CompletableFuture.runAsync(() -> a.allocate(8, 8), r -> Thread.ofPlatform().start(r))
                    .handle((v, t) -> t == null ? null : t.getCause()).get();
            if (kind.anyThread()) {
                assertEquals(null, wrong, "a shared allocator serves another thread");
            } else {
                assertTrue(wrong instanceof WrongThreadException, String.valueOf(wrong));
            }
            a.check();
            a.free(p);
            a.free(big);
            a.allocate(100, 16);   // still usable
        }
        AddressAllocator closed = kind.withMax().apply(1 << 20);
        closed.close();
        for (Consumer<AddressAllocator> use : List.<Consumer<AddressAllocator>>of(x -> x.allocate(8, 8),
                x -> x.free(16), x -> x.reallocate(16, 8), x -> x.usableSize(16), AddressAllocator::committedBytes,
                AddressAllocator::check, AddressAllocator::close)) {
            assertThrows(IllegalStateException.class, () -> use.accept(closed));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kindArguments")
    void aSubLifetimeInAnArena(Kind kind) {
        LinearArena arena = kind.anyThread() ? LinearArena.builder().shared(true).build() : LinearArena.ofVirtual();
        arena.push(40);
        AddressAllocator a = kind.onTail().apply(arena);
        MemorySegment s = a.allocate(5000, 4096);
        assertEquals(0, s.address() % 4096);
        a.allocate(100, 16);
        assertThrows(IllegalStateException.class, () -> arena.push(8));
        a.close();
        arena.push(8);
        AddressAllocator again = kind.onTail().apply(arena);
        again.allocate(100, 16);
        arena.close();
        assertThrows(IllegalStateException.class, () -> again.allocate(8, 8));
        assertThrows(IllegalStateException.class, again::close);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kindArguments")
    void closeReturnsEveryMapping(Kind kind) {
        assumeTrue(ProcMaps.available(), "no /proc/self/maps on this system");
        AddressAllocator a = kind.withMax().apply(1L << 30);
        List<Long> addresses = new ArrayList<>();
        for (long size : new long[] {16, 3000, 100_000, 3 << 20, 20 << 20}) {
            addresses.add(a.allocateAddressNoInit(size, 16));
        }
        var before = ProcMaps.read();
        for (long p : addresses) {
            assertTrue(ProcMaps.coveredBytes(before, p & -4096L, (p & -4096L) + 4096) > 0, "mapped before close");
        }
        a.close();
        var after = ProcMaps.read();
        for (long p : addresses) {
            assertEquals(List.of(), ProcMaps.leftovers(before, after, p & -4096L, (p & -4096L) + 4096),
                    "left mapped after close: " + Long.toHexString(p));
        }
    }
}
