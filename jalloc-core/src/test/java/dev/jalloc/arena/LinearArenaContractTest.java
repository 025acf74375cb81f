package dev.jalloc.arena;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.testing.OtherThread;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link LinearArena} keeps, run over every growth mode, confined and shared, and over the
 * caller's native and heap memory.
 */
class LinearArenaContractTest {

    /** The contract; each mode below says how to make an arena and what it can do. */
    abstract static class Contract {
        LinearArena arena;

        /** {@return the builder of this mode's arena} (modes that are not made by a builder override create()) */
        LinearArenaBuilder builder() {
            throw new UnsupportedOperationException("this mode overrides create()");
        }

        /** {@return the arena under test: this mode's builder, shared if the mode is} */
        LinearArena create() {
            return builder().shared(shared()).build();
        }

        /** Whether a push far larger than the first block succeeds. */
        boolean grows() {
            return true;
        }

        /** {@return the caller's segment the arena bumps through, or null for memory of the arena's own} */
        MemorySegment callerMemory() {
            return null;
        }

        /** Whether the memory is native (segments die with the arena, addresses can be pushed). */
        boolean isNative() {
            return true;
        }

        boolean shared() {
            return false;
        }

        @BeforeEach
        void open() {
            arena = create();
        }

        @AfterEach
        void closeIfOpen() {
            if (arena.scope().isAlive() && !arena.isClosed()) {
                arena.close();
            }
        }

        // ---- pushes ----

        @Test
        void pushReturnsZeroedAlignedSegmentsAndMovesPosByPaddingAndSize() {
            for (long size : new long[] {0, 1, 7, 8, 31, 100, 4096}) {
                for (long align : new long[] {1, 2, 8, 16, 64, 4096}) {
                    long before = arena.pos();
                    MemorySegment s = arena.push(size, align);
                    assertEquals(size, s.byteSize());
                    assertEquals(0, s.address() % align, "address of push(" + size + ", " + align + ")");
                    assertAllBytes(s, (byte) 0);
                    assertEquals(alignUp(before, align) + size, arena.pos(),
                            "pos after push(" + size + ", " + align + ")");
                    s.fill((byte) 0x5A);
                }
            }
        }

        @Test
        void pushAndAllocateUseAutoAlign() {
            assertEquals(LinearArena.DEFAULT_AUTO_ALIGN, arena.autoAlign());
            arena.push(3);
            assertEquals(0, arena.push(1).address() % 8);
            arena.setAutoAlign(256);
            assertEquals(256, arena.autoAlign());
            assertEquals(0, arena.allocate(5).address() % 256);
            assertEquals(0, arena.pushNoInit(5).address() % 256);
            assertEquals(0, arena.push(5).address() % 256);
        }

        /** Every small size zeroed by the fast path's stores, through a segment and as a raw address, over dirty memory. */
        @Test
        void smallPushesOverDirtyMemoryAreZeroedAtEverySize() {
            for (long size = 1; size <= 72; size++) {
                long mark = arena.pos();
                arena.pushNoInit(256, 1).fill((byte) 0x55);
                arena.popTo(mark);
                assertAllBytes(arena.push(size, 1), (byte) 0);
                arena.popTo(mark);
                if (isNative()) {
                    long address = arena.pushAddress(size, 1);
                    assertAllBytes(MemorySegment.ofAddress(address).reinterpret(size), (byte) 0);
                    arena.popTo(mark);
                }
            }
        }

        @Test
        void allocateKeepsTheArenaContract() {
            MemorySegment s = arena.allocate(40, 16);
            assertEquals(40, s.byteSize());
            assertEquals(0, s.address() % 16);
            assertAllBytes(s, (byte) 0);
            // Segments over the caller's memory keep the caller's lifetime; the arena's own have the arena's scope.
            assertSame(callerMemory() == null ? arena.scope() : callerMemory().scope(), s.scope());
            MemorySegment ints = arena.allocateFrom(JAVA_INT, 1, 2, 3);
            assertArrayEquals(new int[] {1, 2, 3}, ints.toArray(JAVA_INT));
            MemorySegment l = arena.allocateFrom(JAVA_LONG, 42L);
            assertEquals(42L, l.get(JAVA_LONG, 0));
        }

        @Test
        void segmentsGoStraightIntoDowncalls() throws Throwable {
            assumeTrue(isNative(), "heap segments cannot be passed to a downcall");
            Linker linker = Linker.nativeLinker();
            MethodHandle strlen = linker.downcallHandle(linker.defaultLookup().findOrThrow("strlen"),
                    FunctionDescriptor.of(JAVA_LONG, ADDRESS));
            MemorySegment text = arena.allocateFrom("linear arenas");
            assertEquals(13L, (long) strlen.invokeExact(text));
        }

        @Test
        void pushNoInitHasSizeAndAlignment() {
            MemorySegment s = arena.pushNoInit(100, 32);
            assertEquals(100, s.byteSize());
            assertEquals(0, s.address() % 32);
            s.fill((byte) 1);
        }

        @Test
        void pushAddressIsZeroedAndAligned() {
            assumeTrue(isNative());
            long before = arena.pos();
            long a = arena.pushAddress(64, 64);
            assertEquals(0, a % 64);
            assertEquals(alignUp(before, 64) + 64, arena.pos());
            MemorySegment view = MemorySegment.ofAddress(a).reinterpret(64);
            assertAllBytes(view, (byte) 0);
            view.fill((byte) 9);
            long b = arena.pushAddressNoInit(8, 8);
            assertEquals(a + 64, b);
        }

        @Test
        void pushAddressOnHeapMemoryIsUnsupported() {
            assumeTrue(!isNative());
            long pos = arena.pos();
            assertThrows(UnsupportedOperationException.class, () -> arena.pushAddress(8, 8));
            assertThrows(UnsupportedOperationException.class, () -> arena.pushAddressNoInit(8, 8));
            assertEquals(pos, arena.pos());
        }

        @Test
        void reusedMemoryIsZeroedAgain() {
            long mark = arena.pos();
            arena.push(256).fill((byte) 0xFF);
            arena.pushNoInit(256).fill((byte) 0xFF);
            arena.popTo(mark);
            assertAllBytes(arena.push(512), (byte) 0);
            arena.popTo(mark);
            MemorySegment noZero = arena.pushNoInit(256);
            noZero.fill((byte) 0xEE);
            arena.popTo(mark);
            if (isNative()) {
                long a = arena.pushAddress(300, 8);
                assertAllBytes(MemorySegment.ofAddress(a).reinterpret(300), (byte) 0);
            } else {
                assertAllBytes(arena.allocate(300, 8), (byte) 0);
            }
        }

        @Test
        void zeroingCoversExactlyThePushedBytes() {
            // Every small size (the stores-by-size-class path) and some larger ones, at every skew.
            long mark = arena.pos();
            for (int n = 0; n <= 130; n++) {
                for (int skew = 0; skew < 16; skew++) {
                    arena.popTo(mark);
                    arena.pushNoInit(400, 1).fill((byte) 0x77);
                    arena.popTo(mark);
                    // Popped bytes hold 0x77, or the poison in checked mode: either way, not zero.
                    byte dirty = arena.isChecked() ? LinearArena.POISON : (byte) 0x77;
                    MemorySegment guardBefore = arena.pushNoInit(16 + skew, 1);
                    guardBefore.fill((byte) 0x55);
                    MemorySegment s = arena.push(n, 1);
                    MemorySegment guardAfter = arena.pushNoInit(16, 1);
                    assertAllBytes(s, (byte) 0);
                    assertAllBytes(guardBefore, (byte) 0x55);
                    assertAllBytes(guardAfter, dirty);
                }
            }
        }

        @Test
        void pushAlignerPadsPosForTheNextPush() {
            arena.push(3, 1);
            arena.pushAligner(64);
            assertEquals(0, arena.pos() % 64);
            long pos = arena.pos();
            MemorySegment s = arena.pushNoInit(1, 1);
            assertEquals(0, s.address() % 64);
            assertEquals(pos + 1, arena.pos());
        }

        // ---- positions ----

        @Test
        void popToPopAndClearMoveThePositionBack() {
            arena.push(10);
            long mark = arena.pos();
            arena.push(100);
            arena.popTo(mark);
            assertEquals(mark, arena.pos());
            arena.popTo(mark);
            assertEquals(mark, arena.pos());
            arena.push(50, 1);
            arena.pop(20);
            assertEquals(mark + 30, arena.pos());
            arena.pop(0);
            assertEquals(mark + 30, arena.pos());
            arena.clear();
            assertEquals(0, arena.pos());
        }

        @Test
        void lowerPushesKeepTheirBytesAcrossPops() {
            List<MemorySegment> kept = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                MemorySegment s = arena.push(64 + i);
                s.fill((byte) i);
                kept.add(s);
            }
            long mark = arena.pos();
            for (int round = 0; round < 10; round++) {
                arena.push(1000).fill((byte) 0x77);
                arena.popTo(mark);
            }
            for (int i = 0; i < kept.size(); i++) {
                assertAllBytes(kept.get(i), (byte) i);
            }
        }

        @Test
        void contentSurvivesGrowth() {
            long total = grows() ? 3L << 20 : 48 << 10;
            List<MemorySegment> segments = new ArrayList<>();
            long pushed = 0;
            for (int i = 0; pushed < total; i++) {
                long size = 1 + (i * 7919L) % 5000;
                MemorySegment s = arena.pushNoInit(size, 1L << (i % 7));
                s.fill((byte) i);
                segments.add(s);
                pushed += size;
            }
            for (int i = 0; i < segments.size(); i++) {
                assertAllBytes(segments.get(i), (byte) i);
            }
        }

        @Test
        void aPushLargerThanABlockSucceedsOrFailsCleanly() {
            arena.push(100).fill((byte) 3);
            long pos = arena.pos();
            long committed = arena.committedBytes();
            long big = 4L << 20;
            if (grows()) {
                MemorySegment s = arena.push(big);
                assertEquals(big, s.byteSize());
                assertEquals(0, s.get(JAVA_BYTE, 0));
                assertEquals(0, s.get(JAVA_BYTE, big - 1));
                s.set(JAVA_BYTE, big - 1, (byte) 1);
                assertTrue(arena.pos() >= pos + big);
            } else {
                OutOfNativeMemoryError e = assertThrows(OutOfNativeMemoryError.class, () -> arena.push(big));
                assertTrue(e.getMessage().contains("arena full"), e.getMessage());
                assertEquals(pos, arena.pos());
                assertEquals(committed, arena.committedBytes());
                assertEquals(0, arena.push(16).get(JAVA_BYTE, 0));
            }
        }

        // ---- temps ----

        @Test
        void tempRestoresPosAndNests() {
            arena.push(10);
            long start = arena.pos();
            try (Temp outer = arena.temp()) {
                assertEquals(start, outer.startPos());
                assertEquals(1, outer.depth());
                assertSame(arena, outer.arena());
                outer.allocate(100);
                long middle = arena.pos();
                try (Temp inner = arena.temp()) {
                    assertEquals(2, inner.depth());
                    inner.allocateFrom(JAVA_INT, 1, 2, 3, 4);
                    arena.push(1000);
                }
                assertEquals(middle, arena.pos());
            }
            assertEquals(start, arena.pos());
        }

        @Test
        void tempsClosedOutOfOrderAreRefusedAndCanStillBeClosedInOrder() {
            Temp outer = arena.temp();
            arena.push(10);
            Temp inner = arena.temp();
            arena.push(20);
            long pos = arena.pos();
            IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
            assertTrue(e.getMessage().contains("out of order: this temp (depth 1"), e.getMessage());
            assertTrue(e.getMessage().contains("close the temp of depth 2"), e.getMessage());
            assertEquals(pos, arena.pos());
            inner.close();
            outer.close();
            assertEquals(outer.startPos(), arena.pos());
            assertThrows(IllegalStateException.class, inner::close);
            assertThrows(IllegalStateException.class, () -> inner.allocate(8));
        }

        @Test
        void tempAllocateNoInitAndAddressesPushOnTheArenaAndAreTakenBackOnClose() {
            assumeTrue(isNative());
            arena.push(3);
            long start = arena.pos();
            long a;
            try (Temp temp = arena.temp()) {
                a = temp.allocateAddress(40, 64);
                assertEquals(0, a % 64);
                assertEquals(alignUp(start, 64) + 40, arena.pos());
                MemorySegment view = MemorySegment.ofAddress(a).reinterpret(40);
                assertAllBytes(view, (byte) 0);
                view.fill((byte) 5);
                long b = temp.allocateAddressNoInit(8, 8);
                assertEquals(a + 40, b);
                MemorySegment s = temp.allocateNoInit(100, 32);
                assertEquals(100, s.byteSize());
                assertEquals(0, s.address() % 32);
                assertEquals(alignUp(b + 8, 32), s.address());
                long mid = arena.pos();
                Temp inner = arena.temp();
                assertEquals(2, inner.depth());
                inner.allocateAddressNoInit(1000, 8);
                inner.close();
                assertEquals(mid, arena.pos());
                assertThrows(IllegalStateException.class, () -> inner.allocateAddress(8, 8));
                assertThrows(IllegalStateException.class, () -> inner.allocateAddressNoInit(8, 8));
                assertEquals(mid, arena.pos());
                assertEquals(5, view.get(JAVA_BYTE, 39), "the outer temp's bytes survive the inner temp");
            }
            assertEquals(start, arena.pos());
            try (Temp temp = arena.temp()) {
                long again = temp.allocateAddress(40, 64);
                assertEquals(a, again, "the same memory, handed out again");
                assertAllBytes(MemorySegment.ofAddress(again).reinterpret(40), (byte) 0);
            }
        }

        @Test
        void tempAddressesOnHeapMemoryAreUnsupported() {
            assumeTrue(!isNative());
            try (Temp temp = arena.temp()) {
                long pos = arena.pos();
                assertThrows(UnsupportedOperationException.class, () -> temp.allocateAddress(8, 8));
                assertThrows(UnsupportedOperationException.class, () -> temp.allocateAddressNoInit(8, 8));
                assertEquals(pos, arena.pos());
                assertEquals(8, temp.allocateNoInit(8, 8).byteSize());
            }
        }

        @Test
        void aClosedTempRefusesEveryAllocationWithOneMessage() {
            Temp temp = arena.temp();
            temp.close();
            long pos = arena.pos();
            List<Runnable> calls = new ArrayList<>(List.of(() -> temp.allocate(8, 8), () -> temp.allocate(8),
                    () -> temp.allocateNoInit(8, 8), () -> temp.allocateAddress(8, 8),
                    () -> temp.allocateAddressNoInit(8, 8), () -> temp.allocateFrom("x"), temp::close));
            for (Runnable call : calls) {
                IllegalStateException e = assertThrows(IllegalStateException.class, call::run);
                assertEquals("temp begun at pos " + temp.startPos() + " already closed", e.getMessage());
                assertEquals(pos, arena.pos());
            }
            arena.push(8);   // the arena itself is still open
        }

        @Test
        void tempAllocationsCheckSizesAndAlignmentsAndChangeNothing() {
            try (Temp temp = arena.temp()) {
                long pos = arena.pos();
                List<Runnable> bad = List.of(() -> temp.allocateNoInit(-1, 8), () -> temp.allocateNoInit(8, 3),
                        () -> temp.allocateAddress(-1, 8), () -> temp.allocateAddress(8, 0),
                        () -> temp.allocateAddressNoInit(Long.MAX_VALUE, 8), () -> temp.allocateAddressNoInit(8, 24));
                for (Runnable r : bad) {
                    assertThrows(IllegalArgumentException.class, r::run);
                    assertEquals(pos, arena.pos());
                }
            }
        }

        @Test
        void tempAllocationsFromAnotherThreadAreRefusedUnlessShared() throws Exception {
            assumeTrue(isNative());
            try (Temp temp = arena.temp()) {
                long pos = arena.pos();
                List<Runnable> calls = List.of(() -> temp.allocate(8, 8), () -> temp.allocateNoInit(8, 8),
                        () -> temp.allocateAddress(8, 8), () -> temp.allocateAddressNoInit(8, 8));
                for (Runnable call : calls) {
                    Throwable t = OtherThread.thrownBy(call);
                    if (shared()) {
                        assertEquals(null, t);
                    } else {
                        assertTrue(t instanceof WrongThreadException, String.valueOf(t));
                        assertEquals(pos, arena.pos());
                    }
                }
            }
        }

        // ---- errors ----

        @Test
        void badSizesAndAlignmentsThrowAndChangeNothing() {
            arena.push(24);
            long pos = arena.pos();
            long committed = arena.committedBytes();
            List<Runnable> bad = List.of(
                    () -> arena.push(-1), () -> arena.push(Long.MAX_VALUE), () -> arena.push((1L << 46) + 1),
                    () -> arena.pushNoInit(-8), () -> arena.allocate(-1, 8), () -> arena.push(8, 0),
                    () -> arena.push(8, 3), () -> arena.push(8, 24), () -> arena.push(8, -8),
                    () -> arena.push(8, 1L << 31), () -> arena.allocate(8, 12), () -> arena.pushNoInit(8, 6),
                    () -> arena.pushAddress(-1, 8), () -> arena.pushAddressNoInit(8, 5),
                    () -> arena.pushAligner(0), () -> arena.pushAligner(48), () -> arena.setAutoAlign(7),
                    () -> arena.pop(-1));
            for (Runnable r : bad) {
                assertThrows(IllegalArgumentException.class, r::run);
                assertEquals(pos, arena.pos());
                assertEquals(committed, arena.committedBytes());
            }
            assertEquals(LinearArena.DEFAULT_AUTO_ALIGN, arena.autoAlign());
            assertEquals(0, arena.push(8).get(JAVA_LONG, 0));
        }

        @Test
        void badPositionsThrowAndChangeNothing() {
            arena.push(100);
            long pos = arena.pos();
            assertThrows(IndexOutOfBoundsException.class, () -> arena.popTo(pos + 1));
            assertThrows(IndexOutOfBoundsException.class, () -> arena.popTo(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> arena.popTo(Long.MAX_VALUE));
            assertThrows(IndexOutOfBoundsException.class, () -> arena.pop(pos + 1));
            assertEquals(pos, arena.pos());
            arena.pop(pos);
            assertEquals(0, arena.pos());
        }

        @Test
        void everyVerbAfterCloseThrowsIllegalState() {
            MemorySegment s = arena.push(16);
            Temp temp = arena.temp();
            arena.close();
            assertFalse(arena.scope().isAlive());
            if (callerMemory() == null) {
                assertThrows(IllegalStateException.class, () -> s.get(JAVA_BYTE, 0));
            } else {
                s.get(JAVA_BYTE, 0);   // the caller's memory outlives the arena
            }
            for (Runnable r : verbs(arena)) {
                assertThrows(IllegalStateException.class, r::run);
            }
            assertThrows(IllegalStateException.class, temp::close);
            assertThrows(IllegalStateException.class, arena::close);
            assertEquals(0, arena.committedBytes());
            assertEquals(0, arena.reservedBytes());
            assertEquals(0, arena.blockCount());
        }

        @Test
        void otherThreadsAreRefusedUnlessShared() throws Exception {
            arena.push(8);
            long pos = arena.pos();
            MemorySegment mine = arena.push(8);
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                for (Runnable verb : verbs(arena)) {
                    Future<?> f = other.submit(verb);
                    if (shared()) {
                        f.get();
                    } else {
                        Exception e = assertThrows(Exception.class, f::get);
                        assertTrue(e.getCause() instanceof WrongThreadException, e.getCause().toString());
                    }
                }
                if (!shared()) {
                    assertEquals(pos + 8, arena.pos());
                    Future<?> close = other.submit(arena::close);
                    assertTrue(assertThrows(Exception.class, close::get).getCause() instanceof WrongThreadException);
                    assertTrue(arena.scope().isAlive());
                } else {
                    assertEquals(7, other.submit(() -> {
                        mine.set(JAVA_INT, 0, 7);
                        return mine.get(JAVA_INT, 0);
                    }).get());
                }
            } finally {
                other.shutdown();
            }
        }

        @Test
        void concurrentPushesOnASharedArenaNeverOverlap() throws Exception {
            assumeTrue(shared());
            int threads = 4;
            int pushes = grows() ? 5_000 : 400;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<List<MemorySegment>>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    byte tag = (byte) (t + 1);
                    Callable<List<MemorySegment>> job = () -> {
                        List<MemorySegment> mine = new ArrayList<>();
                        for (int i = 0; i < pushes; i++) {
                            MemorySegment s = arena.push(16 + i % 48);
                            assertAllBytes(s, (byte) 0);
                            s.fill(tag);
                            mine.add(s);
                        }
                        return mine;
                    };
                    results.add(pool.submit(job));
                }
                for (int t = 0; t < threads; t++) {
                    for (MemorySegment s : results.get(t).get()) {
                        assertAllBytes(s, (byte) (t + 1));
                    }
                }
            } finally {
                pool.shutdown();
            }
        }

        @Test
        void toStringNamesTheGrowthMode() {
            assertTrue(arena.toString().contains(arena.growth().name()), arena.toString());
        }

        /** Every verb, each called once with arguments that are fine on an open arena. */
        List<Runnable> verbs(LinearArena a) {
            List<Runnable> verbs = new ArrayList<>(List.of(
                    () -> a.push(8), () -> a.push(8, 8), () -> a.pushNoInit(8), () -> a.pushNoInit(8, 8),
                    () -> a.allocate(8), () -> a.allocate(8, 8), () -> a.pushAligner(16), a::pos,
                    () -> a.popTo(0), () -> a.pop(0), a::clear, () -> a.setAutoAlign(8),
                    () -> a.setChaining(a.isChaining()), () -> a.temp().close()));
            if (isNative()) {
                verbs.add(() -> a.pushAddress(8, 8));
                verbs.add(() -> a.pushAddressNoInit(8, 8));
            }
            return verbs;
        }
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    static void assertAllBytes(MemorySegment s, byte expected) {
        for (long i = 0; i < s.byteSize(); i++) {
            if (s.get(JAVA_BYTE, i) != expected) {
                throw new AssertionError("byte " + i + " of " + s + " is " + s.get(JAVA_BYTE, i) + ", expected "
                        + expected);
            }
        }
    }

    // ---- the modes ----

    @Nested
    class FixedConfined extends Contract {
        @Override
        LinearArenaBuilder builder() {
            return LinearArena.builder().reserveSize(1 << 20).commitStep(1 << 20).chaining(false);
        }

        @Override
        boolean grows() {
            return false;
        }
    }

    @Nested
    class FixedShared extends FixedConfined {
        @Override
        boolean shared() {
            return true;
        }
    }

    @Nested
    class FixedOverNativeMemory extends Contract {
        final Arena owner = Arena.ofShared();
        MemorySegment memory;

        @Override
        LinearArena create() {
            memory = owner.allocate(1 << 20, 4096);
            return LinearArena.ofFixed(memory);
        }

        @Override
        MemorySegment callerMemory() {
            return memory;
        }

        @Override
        boolean grows() {
            return false;
        }

        @AfterEach
        void freeOwner() {
            owner.close();
        }
    }

    @Nested
    class FixedOverHeapMemory extends Contract {
        MemorySegment memory;

        @Override
        LinearArena create() {
            memory = MemorySegment.ofArray(new long[(1 << 20) / 8]);
            return LinearArena.ofFixed(memory);
        }

        @Override
        MemorySegment callerMemory() {
            return memory;
        }

        @Override
        boolean grows() {
            return false;
        }

        @Override
        boolean isNative() {
            return false;
        }
    }

    @Nested
    class ChainedConfined extends Contract {
        @Override
        LinearArenaBuilder builder() {
            return LinearArena.builder().reserveSize(64 << 10).commitStep(64 << 10).chaining(true);
        }
    }

    @Nested
    class ChainedShared extends ChainedConfined {
        @Override
        boolean shared() {
            return true;
        }
    }

    @Nested
    class VirtualConfined extends Contract {
        @Override
        LinearArenaBuilder builder() {
            return LinearArena.builder().commitStep(64 << 10);
        }
    }

    @Nested
    class VirtualShared extends VirtualConfined {
        @Override
        boolean shared() {
            return true;
        }
    }

    @Nested
    class VirtualChainedConfined extends Contract {
        @Override
        LinearArenaBuilder builder() {
            return LinearArena.builder().reserveSize(256 << 10).commitStep(16 << 10).chaining(true);
        }
    }

    @Nested
    class VirtualChainedShared extends VirtualChainedConfined {
        @Override
        boolean shared() {
            return true;
        }
    }

    @Nested
    class CheckedVirtual extends Contract {
        @Override
        LinearArenaBuilder builder() {
            return LinearArena.builder().commitStep(64 << 10).checked(true);
        }
    }

    @Nested
    class LargePagesVirtual extends Contract {
        @Override
        LinearArenaBuilder builder() {
            return LinearArena.builder().largePages(true);
        }
    }

}
