package dev.jalloc.vector;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.SystemCallException;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.os.Os;
import dev.jalloc.testing.MemInfo;
import dev.jalloc.testing.OtherThread;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every misuse gets its documented exception and leaves the vector exactly as it was, and still usable: one row
 * per misuse, each checked for the exception type, its message, unchanged size, contents and committed bytes,
 * and a working append afterwards.
 */
class VecWrongUsageTest {
    private static final long PAGE = 4096;
    /** A vector whose reservation is one page: 1024 ints. */
    private static final int SMALL_MAX = 1024;

    private record Misuse(String name, Class<? extends Throwable> type, String message, Consumer<IntVec> action) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Misuse> misuses() {
        MemorySegment threeBytes = MemorySegment.ofArray(new byte[3]);
        return List.of(
                new Misuse("get(-1)", IndexOutOfBoundsException.class, "index: -1 (expected: 0 <= index < size = 10)",
                        v -> v.get(-1)),
                new Misuse("get(size)", IndexOutOfBoundsException.class, "index: 10 (expected: 0 <= index < size = 10)",
                        v -> v.get(10)),
                new Misuse("set(size)", IndexOutOfBoundsException.class, "index: 10", v -> v.set(10, 1)),
                new Misuse("set(Long.MIN_VALUE)", IndexOutOfBoundsException.class, "index: " + Long.MIN_VALUE,
                        v -> v.set(Long.MIN_VALUE, 1)),
                new Misuse("insert(-1)", IndexOutOfBoundsException.class, "index: -1 (expected: 0 <= index <= size",
                        v -> v.insert(-1, 1)),
                new Misuse("insert(size + 1)", IndexOutOfBoundsException.class, "index: 11", v -> v.insert(11, 1)),
                new Misuse("remove(size)", IndexOutOfBoundsException.class, "index: 10", v -> v.remove(10)),
                new Misuse("remove(-1)", IndexOutOfBoundsException.class, "index: -1", v -> v.remove(-1)),
                new Misuse("removeRange past the end", IndexOutOfBoundsException.class, "index: 8",
                        v -> v.removeRange(8, 3)),
                new Misuse("removeRange(-1, 2)", IndexOutOfBoundsException.class, "index: -1",
                        v -> v.removeRange(-1, 2)),
                new Misuse("removeRange, negative count", IllegalArgumentException.class, "count: -1",
                        v -> v.removeRange(0, -1)),
                new Misuse("truncate(size + 1)", IndexOutOfBoundsException.class, "newSize: 11",
                        v -> v.truncate(11)),
                new Misuse("truncate(-1)", IndexOutOfBoundsException.class, "newSize: -1", v -> v.truncate(-1)),
                new Misuse("fill(5, 4)", IndexOutOfBoundsException.class, "range: [5, 4)", v -> v.fill(5, 4, 1)),
                new Misuse("fill(0, size + 1)", IndexOutOfBoundsException.class, "range: [0, 11)",
                        v -> v.fill(0, 11, 1)),
                new Misuse("addAll(array, bad range)", IndexOutOfBoundsException.class,
                        "within an array of length 4", v -> v.addAll(new int[4], 2, 3)),
                new Misuse("addAll(array, negative length)", IndexOutOfBoundsException.class, "range",
                        v -> v.addAll(new int[4], 0, -1)),
                new Misuse("addAll(segment of 3 bytes)", IllegalArgumentException.class,
                        "source.byteSize(): 3 (expected: a multiple of the element size 4)", v -> v.addAll(threeBytes)),
                new Misuse("ensureCapacity(-1)", IllegalArgumentException.class, "minCapacity: -1",
                        v -> v.ensureCapacity(-1)),
                new Misuse("add past the reservation", OutOfNativeMemoryError.class,
                        "IntVec is full: 1 more element(s) asked for, 1024 held, at most 1024 fit", v -> {
                            while (v.size() < SMALL_MAX) {
                                v.add(0);   // these succeed; the state is compared from here on
                            }
                            throw new Snapshot.Retake(() -> v.add(1));
                        }),
                new Misuse("addAll past the reservation", OutOfNativeMemoryError.class,
                        "IntVec is full: 1015 more element(s) asked for, 10 held", v -> v.addAll(new int[1015])),
                new Misuse("insert past the reservation", OutOfNativeMemoryError.class, "IntVec is full", v -> {
                    v.addAll(new int[SMALL_MAX - 10]);
                    throw new Snapshot.Retake(() -> v.insert(0, 1));
                }),
                new Misuse("ensureCapacity past the reservation", OutOfNativeMemoryError.class, "at most 1024 fit",
                        v -> v.ensureCapacity(SMALL_MAX + 1)),
                new Misuse("addAll of a closed vector", IllegalStateException.class, "Already closed", v -> {
                    IntVec other = IntVec.create();
                    other.close();
                    v.addAll(other);
                }),
                new Misuse("addAll of a closed segment", IllegalStateException.class, "Already closed", v -> {
                    MemorySegment gone;
                    try (Arena a = Arena.ofConfined()) {
                        gone = a.allocate(16);
                    }
                    v.addAll(gone);
                }),
                new Misuse("addAll of a closed segment, when it would have to grow", IllegalStateException.class,
                        "Already closed", v -> {
                            v.addAll(new int[(int) (v.capacity() - v.size())]);
                            MemorySegment gone;
                            try (Arena a = Arena.ofConfined()) {
                                gone = a.allocate(16);
                            }
                            MemorySegment closed = gone;
                            throw new Snapshot.Retake(() -> v.addAll(closed));
                        }),
                new Misuse("addAll of a segment confined to another thread", WrongThreadException.class,
                        "confined to another thread", v -> {
                            MemorySegment foreign = CompletableFuture.supplyAsync(
                                    () -> Arena.ofConfined().allocate(16), r -> Thread.ofPlatform().start(r)).join();
                            v.addAll(foreign);
                        }));
    }

    /** The observable state of a vector. */
    private record Snapshot(long size, int[] contents, long committed, long address) {
        /** Thrown by a row that first prepares the vector: the state is snapshotted again, then the action runs. */
        static final class Retake extends RuntimeException {
            final Runnable action;

            Retake(Runnable action) {
                super(null, null, false, false);
                this.action = action;
            }
        }

        static Snapshot of(IntVec v) {
            return new Snapshot(v.size(), v.toArray(), v.committedBytes(), v.address());
        }

        void assertSame(IntVec v, String what) {
            assertEquals(size, v.size(), what + ": size changed");
            assertArrayEquals(contents, v.toArray(), what + ": contents changed");
            assertEquals(committed, v.committedBytes(), what + ": committed bytes changed");
            assertEquals(address, v.address(), what + ": address changed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misuses")
    void misuseIsRefusedAndChangesNothing(Misuse misuse) {
        try (IntVec v = Vec.builder().reserveSize(SMALL_MAX * 4L).commitStep(PAGE).ofInts()) {
            for (int i = 0; i < 10; i++) {
                v.add(i * 3);
            }
            Snapshot before = Snapshot.of(v);
            Throwable thrown;
            try {
                misuse.action().accept(v);
                throw new AssertionError(misuse.name() + ": nothing thrown");
            } catch (Snapshot.Retake retake) {
                before = Snapshot.of(v);
                thrown = assertThrows(Throwable.class, retake.action::run);
            } catch (Throwable t) {
                if (t instanceof AssertionError) {
                    throw (AssertionError) t;
                }
                thrown = t;
            }
            assertInstanceOf(misuse.type(), thrown, misuse.name() + ": " + thrown);
            assertTrue(thrown.getMessage().contains(misuse.message()),
                    misuse.name() + ": message \"" + thrown.getMessage() + "\" lacks \"" + misuse.message() + "\"");
            before.assertSame(v, misuse.name());
            if (v.size() < SMALL_MAX) {
                v.add(77);
                assertEquals(77, v.get(v.size() - 1), misuse.name() + ": unusable afterwards");
            }
        }
    }

    @Test
    void removeLastOfAnEmptyVector() {
        try (IntVec v = IntVec.create(); LayoutVec l = LayoutVec.create(JAVA_LONG)) {
            assertEquals("IntVec is empty", assertThrows(NoSuchElementException.class, v::removeLast).getMessage());
            assertThrows(NoSuchElementException.class, l::removeLast);
            v.add(1);
            assertEquals(1, v.removeLast());
        }
    }

    @Test
    void layoutVecRefusesElementsOfTheWrongSize() {
        MemoryLayout pair = MemoryLayout.structLayout(JAVA_INT, JAVA_INT);
        try (LayoutVec v = LayoutVec.create(pair)) {
            v.add().set(JAVA_INT, 0, 5);
            MemorySegment twelve = MemorySegment.ofArray(new byte[12]);
            for (Runnable misuse : List.<Runnable>of(() -> v.add(twelve), () -> v.set(0, twelve),
                    () -> v.insert(0, twelve), () -> v.fill(twelve), () -> v.addAll(twelve))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, misuse::run);
                assertTrue(e.getMessage().contains("12"), e.getMessage());
                assertEquals(1, v.size());
                assertEquals(5, v.get(0).get(JAVA_INT, 0));
            }
            try (LayoutVec longs = LayoutVec.create(JAVA_LONG)) {
                assertThrows(IllegalArgumentException.class, () -> v.addAll(longs));
            }
        }
    }

    @Test
    void badBuilderArgumentsAndLayouts() {
        assertEquals("reserveSize: 0 (expected: > 0)",
                assertThrows(IllegalArgumentException.class, () -> Vec.builder().reserveSize(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Vec.builder().reserveSize(-1));
        assertThrows(IllegalArgumentException.class, () -> Vec.builder().reserveSize(1L << 50));
        assertThrows(IllegalArgumentException.class, () -> Vec.builder().commitStep(0));
        assertThrows(IllegalArgumentException.class, () -> Vec.builder().commitStep(-4096));
        // A struct of 9 bytes aligned to 8 cannot be an array element.
        MemoryLayout nine = MemoryLayout.structLayout(JAVA_LONG, JAVA_BYTE);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LayoutVec.create(nine)).getMessage()
                .contains("a multiple of its alignment"));
        assertThrows(IllegalArgumentException.class, () -> LayoutVec.create(MemoryLayout.structLayout()));
        assertThrows(IllegalArgumentException.class,
                () -> LayoutVec.create(MemoryLayout.paddingLayout(8192).withByteAlignment(8192)));
        assertThrows(IllegalArgumentException.class,
                () -> Vec.builder().reserveSize(8).of(MemoryLayout.sequenceLayout(1024, JAVA_LONG)));
        // A reservation is rounded up to the page first: one that small still holds an element of a few bytes.
        try (var small = Vec.builder().reserveSize(8).of(MemoryLayout.sequenceLayout(4, JAVA_LONG))) {
            assertEquals(Os.current().pageSize() / 32, small.maxCapacity());
        }
    }

    /** Every public method, each run on a closed vector: {@link IllegalStateException}. */
    private static List<Consumer<IntVec>> everyMethod() {
        List<Consumer<IntVec>> all = new ArrayList<>(List.of(
                v -> v.add(1), v -> v.addAll(new int[] {1}), v -> v.addAll(MemorySegment.ofArray(new int[1])),
                v -> v.get(0), v -> v.set(0, 1), v -> v.insert(0, 1), v -> v.remove(0), IntVec::removeLast,
                v -> v.fill(1), v -> v.fill(0, 0, 1), IntVec::sort, v -> v.binarySearch(1), IntVec::toArray,
                IntVec::stream, IntVec::iterator, IntVec::size, IntVec::isEmpty, IntVec::capacity,
                IntVec::byteSize, IntVec::committedBytes, IntVec::address, IntVec::segment,
                v -> v.ensureCapacity(10), IntVec::clear, v -> v.truncate(0), v -> v.removeRange(0, 0),
                IntVec::trimToSize, IntVec::close));
        all.add(v -> {
            try (IntVec other = IntVec.create()) {
                other.addAll(v);
            }
        });
        return all;
    }

    @Test
    void everyUseAfterCloseThrowsIllegalState() {
        List<Consumer<IntVec>> methods = everyMethod();
        for (int i = 0; i < methods.size(); i++) {
            IntVec v = IntVec.create();
            v.add(1);
            MemorySegment view = v.segment();
            v.close();
            Consumer<IntVec> method = methods.get(i);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> method.accept(v),
                    "method #" + i);
            assertTrue(e.getMessage().startsWith("Already closed"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> view.get(JAVA_INT, 0), "a segment outlived close");
            assertEquals("IntVec[closed]", v.toString());
        }
    }

    @Test
    void everyUseOfAConfinedVectorFromAnotherThreadThrowsWrongThread() throws Exception {
        List<Consumer<IntVec>> methods = everyMethod();
        try (IntVec v = IntVec.create()) {
            for (int i = 0; i < 5; i++) {
                v.add(i);
            }
            Snapshot before = Snapshot.of(v);
            for (int i = 0; i < methods.size(); i++) {
                Consumer<IntVec> method = methods.get(i);
                Throwable t = OtherThread.thrownBy(() -> method.accept(v));
                assertInstanceOf(WrongThreadException.class, t, "method #" + i + ": " + t);
                before.assertSame(v, "method #" + i);
            }
            MemorySegment view = v.segment();
            assertInstanceOf(WrongThreadException.class, OtherThread.thrownBy(() -> view.get(JAVA_INT, 0)));
        }
    }

    @Test
    void aSharedVectorIsReadableAndWritableAnywhereButOnlyItsOwnerChangesTheStructure() throws Exception {
        try (IntVec v = Vec.builder().shared(true).ofInts()) {
            v.addAll(new int[] {3, 1, 2});
            assertEquals(null, OtherThread.thrownBy(() -> {
                v.set(0, 30);
                assertEquals(33, v.stream().sum());
                v.sort();
                v.segment().set(JAVA_INT, 0, 10);
            }));
            assertArrayEquals(new int[] {10, 2, 30}, v.toArray());
            for (Consumer<IntVec> structural : List.<Consumer<IntVec>>of(w -> w.add(1), w -> w.insert(0, 1),
                    w -> w.remove(0), IntVec::removeLast, IntVec::clear, w -> w.ensureCapacity(100),
                    IntVec::trimToSize, IntVec::close)) {
                Throwable t = OtherThread.thrownBy(() -> structural.accept(v));
                assertInstanceOf(WrongThreadException.class, t);
                assertTrue(t.getMessage().contains("only its owner changes its structure"), t.getMessage());
            }
            assertArrayEquals(new int[] {10, 2, 30}, v.toArray());
        }
    }

    @Test
    void whenTheOsRefusesACommitTheVectorIsUnchanged() throws Exception {
        assumeTrue(MemInfo.refusesOversizedCommits(), "skipped: vm.overcommit_memory=1 accepts any commit");
        long tooMuch = MemInfo.physicalPlusSwapBytes() * 2;
        try (LongVec v = Vec.builder().reserveSize(tooMuch * 2).ofLongs()) {
            v.add(1);
            long committed = v.committedBytes();
            OutOfNativeMemoryError e = assertThrows(OutOfNativeMemoryError.class,
                    () -> v.ensureCapacity(tooMuch / Long.BYTES));
            assertInstanceOf(SystemCallException.class, e.getCause());
            assertTrue(e.getMessage().contains("ENOMEM"), e.getMessage());
            assertEquals(committed, v.committedBytes());
            assertEquals(1, v.size());
            v.add(2);
            assertEquals(2, v.get(1));
        }
    }

    @Test
    void anArenaLendingItsTailRefusesWhatWouldMoveIt() {
        try (LinearArena arena = LinearArena.ofVirtual()) {
            arena.push(24);
            var openTemp = arena.temp();
            IntVec v = IntVec.onTailOf(arena);
            v.add(1);
            long pos = arena.pos();
            for (Runnable refused : List.<Runnable>of(() -> arena.push(8), () -> arena.pushNoInit(8),
                    () -> arena.pushAddress(8, 8), () -> arena.popTo(0), () -> arena.pop(8), arena::clear,
                    arena::temp, openTemp::close, () -> arena.pushAligner(64), () -> IntVec.onTailOf(arena))) {
                IllegalStateException e = assertThrows(IllegalStateException.class, refused::run);
                assertTrue(e.getMessage().contains("holds this arena's tail"), e.getMessage());
                assertEquals(pos, arena.pos());
                assertEquals(1, v.get(0));
            }
            v.close();
            openTemp.close();
            assertEquals(24, arena.pos());
        }
        MemorySegment heap = MemorySegment.ofArray(new byte[1024]);
        try (LinearArena overHeap = LinearArena.ofFixed(heap)) {
            assertThrows(UnsupportedOperationException.class, () -> IntVec.onTailOf(overHeap));
            overHeap.push(8);   // still usable
        }
    }
}
