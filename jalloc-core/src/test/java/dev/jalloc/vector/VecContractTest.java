package dev.jalloc.vector;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.internal.os.Os;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every {@link Vec} keeps, as its javadoc states it, run over every element kind ({@link VecKind})
 * in three modes: the default, a commit step of one page (so growth and shrinking commit and purge all the time),
 * and shared with a commit step that is not a page multiple. Every refused operation is checked to leave the
 * vector exactly as it was: size, contents, capacity and committed bytes.
 */
@ParameterizedClass(name = "{0}, {1}")
@MethodSource("configs")
class VecContractTest {
    static final long PAGE = Os.current().pageSize();

    /** How a vector is built, apart from its kind. */
    record Mode(String name, boolean shared, long commitStep) {
        VecBuilder builder() {
            return Vec.builder().shared(shared).commitStep(commitStep);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> configs() {
        List<Mode> modes = List.of(new Mode("default", false, Vec.DEFAULT_COMMIT_STEP),
                new Mode("one-page step", false, PAGE), new Mode("shared, 10000-byte step", true, 10_000));
        return VecKind.all().stream().flatMap(k -> modes.stream().map(m -> Arguments.of(k, m)));
    }

    @Parameter(0)
    VecKind kind;

    @Parameter(1)
    Mode mode;

    Vec vec;

    @BeforeEach
    void open() {
        vec = kind.create(mode.builder());
    }

    @AfterEach
    void closeIfOpen() {
        if (!vec.toString().endsWith("[closed]")) {
            vec.close();
        }
    }

    // ---- sizes and growth ----

    @Test
    void aNewVectorIsEmptyAndCommitsNothing() {
        assertEquals(0, vec.size());
        assertTrue(vec.isEmpty());
        assertEquals(0, vec.byteSize());
        assertEquals(0, vec.capacity());
        assertEquals(0, vec.committedBytes());
        assertEquals(Vec.DEFAULT_MAX_BYTE_SIZE, vec.reservedBytes());
        assertEquals(vec.reservedBytes() / kind.stride, vec.maxCapacity());
        assertEquals(kind.layout, vec.elementLayout());
        assertEquals(alignUp(mode.commitStep(), PAGE), vec.commitStep());
        assertEquals(0, vec.address() % kind.layout.byteAlignment());
        assertEquals(vec.address(), vec.segment().address());
        assertEquals(0, vec.segment().byteSize());
        assertEquals(List.of(), kind.toList(vec));
        assertEquals(List.of(), kind.streamed(vec));
        assertEquals(List.of(), kind.iterated(vec));
    }

    @Test
    void addAppendsCommitsByTheGrowthRuleAndNeverMoves() {
        long address = vec.address();
        int n = (int) ((3 * vec.commitStep() + PAGE / 2) / kind.stride);
        long committed = 0;
        for (int i = 0; i < n; i++) {
            kind.add(vec, i);
            if (vec.committedBytes() != committed) {
                assertGrewByTheRule(committed, "add #" + i);
                assertEquals(address, vec.address(), "address after growth");
                committed = vec.committedBytes();
            }
        }
        assertEquals(n, vec.size());
        assertFalse(vec.isEmpty());
        assertEquals(n * kind.stride, vec.byteSize());
        for (int i = 0; i < n; i++) {
            Object got = kind.get(vec, i);
            if (!kind.value(i).equals(got)) {
                assertEquals(kind.value(i), got, "get(" + i + ")");
            }
        }
    }

    @Test
    void getAndSetReadAndReplaceOneElement() {
        List<Object> model = append(new ArrayList<>(), 0, 20);
        for (int i = 0; i < 20; i++) {
            assertEquals(model.get(i), kind.set(vec, i, 100 + i), "set returns the old element");
            model.set(i, kind.value(100 + i));
            assertEquals(model.get(i), kind.get(vec, i));
        }
        assertContents(model);
        for (long bad : new long[] {-1, 20, 21, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertRefused(IndexOutOfBoundsException.class, () -> kind.get(vec, bad));
            assertRefused(IndexOutOfBoundsException.class, () -> kind.set(vec, bad, 1));
        }
    }

    @Test
    void insertMovesTheTailUpAcrossPages() {
        int n = (int) (2 * PAGE / kind.stride) + 3;
        List<Object> model = append(new ArrayList<>(), 0, n);
        long address = vec.address();
        SplittableRandom random = new SplittableRandom(5);
        for (int k = 0; k < n; k++) {
            int i = switch (k % 4) {
                case 0 -> 0;
                case 1 -> model.size();
                case 2 -> model.size() - 1;
                default -> random.nextInt(model.size() + 1);
            };
            long before = vec.committedBytes();
            kind.insert(vec, i, 10_000 + k);
            model.add(i, kind.value(10_000 + k));
            assertGrewByTheRule(before, "insert #" + k);
            if (k % 64 == 0) {
                assertContents(model);
            }
        }
        assertContents(model);
        assertEquals(address, vec.address());
        for (long bad : new long[] {-1, model.size() + 1, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertRefused(IndexOutOfBoundsException.class, () -> kind.insert(vec, bad, 1));
        }
        vec.clear();
        kind.insert(vec, 0, 7);
        assertContents(kind.values(7));
    }

    @Test
    void removeMovesTheTailDownAndReturnsTheElement() {
        int n = (int) (2 * PAGE / kind.stride) + 3;
        List<Object> model = append(new ArrayList<>(), 0, n);
        SplittableRandom random = new SplittableRandom(6);
        for (int k = 0; !model.isEmpty(); k++) {
            int i = switch (k % 4) {
                case 0 -> 0;
                case 1 -> model.size() - 1;
                case 2 -> model.size() / 2;
                default -> random.nextInt(model.size());
            };
            assertEquals(model.remove(i), kind.remove(vec, i), "remove(" + i + ")");
            if (k % 64 == 0) {
                assertContents(model);
            }
        }
        assertContents(model);
        append(model, 0, 3);
        for (long bad : new long[] {-1, 3, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertRefused(IndexOutOfBoundsException.class, () -> kind.remove(vec, bad));
        }
    }

    @Test
    void removeLastReturnsTheLastElementAndRefusesWhenEmpty() {
        int n = (int) (2 * PAGE / kind.stride) + 3;
        List<Object> model = append(new ArrayList<>(), 0, n);
        while (!model.isEmpty()) {
            assertEquals(model.removeLast(), kind.removeLast(vec));
        }
        assertContents(model);
        assertRefused(NoSuchElementException.class, () -> kind.removeLast(vec));
    }

    @Test
    void removeRangeRemovesACountAtAnIndex() {
        List<Object> model = append(new ArrayList<>(), 0, 50);
        long[][] ranges = {{0, 0}, {50, 0}, {10, 5}, {0, 3}, {39, 3}, {20, 1}};
        for (long[] r : ranges) {
            vec.removeRange(r[0], r[1]);
            model.subList((int) r[0], (int) (r[0] + r[1])).clear();
            assertContents(model);
        }
        int s = model.size();
        long[][] outOfBounds = {{-1, 1}, {s, 1}, {1, s}, {0, s + 1}, {Long.MAX_VALUE, 1}, {1, Long.MAX_VALUE},
            {Long.MIN_VALUE, 0}, {s + 1, 0}};
        for (long[] r : outOfBounds) {
            assertRefused(IndexOutOfBoundsException.class, () -> vec.removeRange(r[0], r[1]));
        }
        assertRefused(IllegalArgumentException.class, () -> vec.removeRange(0, -1));
        assertRefused(IllegalArgumentException.class, () -> vec.removeRange(s, Long.MIN_VALUE));
        vec.removeRange(0, s);
        assertContents(List.of());
    }

    @Test
    void truncateKeepsThePrefix() {
        List<Object> model = append(new ArrayList<>(), 0, 30);
        vec.truncate(30);
        assertContents(model);
        vec.truncate(12);
        model.subList(12, 30).clear();
        assertContents(model);
        for (long bad : new long[] {-1, 13, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertRefused(IndexOutOfBoundsException.class, () -> vec.truncate(bad));
        }
        vec.truncate(0);
        assertContents(List.of());
    }

    @Test
    void clearRemovesEverythingAndGivesBackPagesAboveTwoSteps() {
        vec.clear();
        assertContents(List.of());
        append(new ArrayList<>(), 0, (int) (4 * vec.commitStep() / kind.stride));
        vec.clear();
        assertContents(List.of());
        assertEquals(vec.commitStep(), vec.committedBytes(), "clear keeps one commit step");
        // Within two steps, clear is a removal like any other: it keeps the pages as slack.
        append(new ArrayList<>(), 0, (int) (3 * vec.commitStep() / kind.stride / 2));
        long committed = vec.committedBytes();
        vec.clear();
        assertEquals(committed, vec.committedBytes(), "clear within two commit steps keeps its pages");
        List<Object> model = append(new ArrayList<>(), 5, 10);
        assertContents(model);
    }

    @Test
    void ensureCapacityCommitsAheadSoAppendsCommitNothing() {
        List<Object> model = append(new ArrayList<>(), 0, 10);
        assertRefused(IllegalArgumentException.class, () -> vec.ensureCapacity(-1));
        assertRefused(OutOfNativeMemoryError.class, () -> vec.ensureCapacity(vec.maxCapacity() + 1));
        assertRefused(OutOfNativeMemoryError.class, () -> vec.ensureCapacity(Long.MAX_VALUE));
        long committed = vec.committedBytes();
        vec.ensureCapacity(0);
        vec.ensureCapacity(vec.capacity());
        assertEquals(committed, vec.committedBytes());
        long wanted = vec.capacity() + 3 * vec.commitStep() / kind.stride + 1;
        vec.ensureCapacity(wanted);
        assertTrue(vec.capacity() >= wanted, vec.capacity() + " < " + wanted);
        assertCommitInvariants("ensureCapacity");
        assertContents(model);
        committed = vec.committedBytes();
        int[] more = seeds(10, (int) wanted - 10);
        for (int seed : more) {
            kind.add(vec, seed);
        }
        model.addAll(kind.values(more));
        assertEquals(committed, vec.committedBytes(), "appends below the ensured capacity commit nothing");
        assertContents(model);
    }

    @Test
    void removalsGiveBackPagesWithSlack() {
        long step = vec.commitStep();
        List<Object> model = append(new ArrayList<>(), 0, (int) (6 * step / kind.stride) + 5);
        int chunk = (int) Math.max(1, step / kind.stride / 3);
        SplittableRandom random = new SplittableRandom(11);
        for (int k = 0; !model.isEmpty(); k++) {
            long before = vec.committedBytes();
            int n = Math.min(chunk, model.size());
            switch (k % 4) {
                case 0 -> {
                    vec.removeRange(model.size() - n, n);
                    model.subList(model.size() - n, model.size()).clear();
                }
                case 1 -> {
                    int i = random.nextInt(model.size() - n + 1);
                    vec.removeRange(i, n);
                    model.subList(i, i + n).clear();
                }
                case 2 -> {
                    vec.truncate(model.size() - n);
                    model.subList(model.size() - n, model.size()).clear();
                }
                default -> {
                    int i = random.nextInt(model.size());
                    assertEquals(model.remove(i), kind.remove(vec, i));
                    if (!model.isEmpty()) {
                        assertEquals(model.removeLast(), kind.removeLast(vec));
                    }
                }
            }
            assertShrankByTheRule(before, "removal #" + k);
            if (k % 8 == 0) {
                assertContents(model);
            }
        }
        assertContents(model);
    }

    @Test
    void trimToSizeKeepsOnlyTheLiveElementsPages() {
        vec.trimToSize();
        assertEquals(0, vec.committedBytes());
        List<Object> model = append(new ArrayList<>(), 0, (int) (5 * vec.commitStep() / kind.stride / 2));
        vec.ensureCapacity(vec.capacity() + 3 * vec.commitStep() / kind.stride);
        vec.truncate(model.size() - 7);
        model.subList(model.size() - 7, model.size()).clear();
        vec.trimToSize();
        assertEquals(alignUp(vec.byteSize(), PAGE), vec.committedBytes());
        assertCommitInvariants("trimToSize");
        assertContents(model);
        append(model, 1000, 3);
        assertContents(model);
        vec.clear();
        vec.trimToSize();
        assertEquals(0, vec.committedBytes());
        assertEquals(0, vec.capacity());
        assertContents(append(new ArrayList<>(), 3, 4));
    }

    @Test
    void aFullReservationRefusesEveryAppendAndChangesNothing() {
        vec.close();
        vec = kind.create(mode.builder().maxByteSize(PAGE));
        long max = vec.maxCapacity();
        assertEquals(vec.reservedBytes() / kind.stride, max);
        List<Object> model = append(new ArrayList<>(), 0, (int) max - 3);
        assertRefused(OutOfNativeMemoryError.class, () -> kind.addAll(vec, kind.heapSegment(seeds(0, 4))));
        assertRefused(OutOfNativeMemoryError.class, () -> kind.addAll(vec, vec));
        append(model, 100, 3);
        assertRefused(OutOfNativeMemoryError.class, () -> kind.add(vec, 1));
        assertRefused(OutOfNativeMemoryError.class, () -> kind.insert(vec, 0, 1));
        assertRefused(OutOfNativeMemoryError.class, () -> kind.addAll(vec, kind.heapSegment(1)));
        assertRefused(OutOfNativeMemoryError.class, () -> vec.ensureCapacity(max + 1));
        if (kind.hasArrays()) {
            assertRefused(OutOfNativeMemoryError.class, () -> kind.addAll(vec, new int[] {1}));
        }
        if (vec instanceof LayoutVec lv) {
            assertRefused(OutOfNativeMemoryError.class, lv::add);
            assertRefused(OutOfNativeMemoryError.class, () -> lv.insert(0));
            assertRefused(OutOfNativeMemoryError.class, () -> lv.add(lv.get(0)));
        }
        assertEquals(model.removeLast(), kind.removeLast(vec));
        kind.add(vec, 9);
        model.add(kind.value(9));
        assertContents(model);
    }

    // ---- segments ----

    @Test
    void segmentIsAZeroCopyViewThatOutlivesGrowth() {
        List<Object> model = append(new ArrayList<>(), 0, 100);
        MemorySegment seg = vec.segment();
        assertEquals(vec.address(), seg.address());
        assertEquals(vec.byteSize(), seg.byteSize());
        kind.write(seg, 7, 1234);
        model.set(7, kind.value(1234));
        assertEquals(kind.value(1234), kind.get(vec, 7), "a write through the segment is seen by get");
        kind.set(vec, 8, 4321);
        model.set(8, kind.value(4321));
        assertEquals(kind.value(4321), kind.read(seg, 8), "set is seen through the segment");
        append(model, 100, (int) (3 * vec.commitStep() / kind.stride));
        assertEquals(seg.address(), vec.address());
        assertEquals(100 * kind.stride, seg.byteSize(), "a segment does not grow with the vector");
        kind.set(vec, 9, 777);
        model.set(9, kind.value(777));
        for (int i = 0; i < 100; i++) {
            assertEquals(model.get(i), kind.read(seg, i), "element " + i + " through the old segment");
        }
        kind.write(vec.segment(), model.size() - 1, 5);
        model.set(model.size() - 1, kind.value(5));
        assertContents(model);
    }

    @Test
    void purgedPagesReadAsZeroThroughOldSegmentsUntilClose() {
        append(new ArrayList<>(), 0, (int) (4 * vec.commitStep() / kind.stride));
        MemorySegment seg = vec.segment();
        vec.clear();
        long kept = vec.committedBytes();
        assertTrue(kept < seg.byteSize());
        for (long offset = 0; offset + 8 <= seg.byteSize(); offset += 8) {
            long v = seg.get(JAVA_LONG, offset);
            if (offset >= kept && v != 0) {
                fail("a purged page reads " + v + " at byte " + offset + ", above the " + kept + " kept");
            }
        }
        seg.set(JAVA_BYTE, seg.byteSize() - 1, (byte) 1);
        vec.close();
        assertFalse(seg.scope().isAlive());
        assertThrows(IllegalStateException.class, () -> seg.get(JAVA_BYTE, 0));
    }

    // ---- fill and addAll ----

    @Test
    void fillSetsEveryElementOrARange() {
        int n = (int) (2 * PAGE / kind.stride) + 5;
        List<Object> model = append(new ArrayList<>(), 0, n);
        kind.fill(vec, 42);
        Collections.fill(model, kind.value(42));
        assertContents(model);
        if (kind.isPrimitive()) {
            long[][] ranges = {{0, 0}, {n, n}, {0, 1}, {n - 1, n}, {3, 5}, {1, 4}, {5, 5 + PAGE / kind.stride + 1},
                {7, 7 + 1000}, {0, n}, {2, n - 1}};
            int seed = 1000;
            for (long[] r : ranges) {
                kind.fill(vec, r[0], r[1], seed);
                Collections.fill(model.subList((int) r[0], (int) r[1]), kind.value(seed++));
                assertContents(model);
            }
            long[][] bad = {{-1, 0}, {0, n + 1}, {2, 1}, {n + 1, n + 1}, {Long.MIN_VALUE, 0}, {0, Long.MAX_VALUE}};
            for (long[] r : bad) {
                assertRefused(IndexOutOfBoundsException.class, () -> kind.fill(vec, r[0], r[1], 1));
            }
        } else {
            LayoutVec lv = (LayoutVec) vec;
            kind.set(vec, n / 2, 77);
            lv.fill(lv.get(n / 2));
            Collections.fill(model, kind.value(77));
            assertContents(model);
            for (long size : new long[] {0, kind.stride - 1, kind.stride + 1, 2 * kind.stride}) {
                MemorySegment wrong = MemorySegment.ofArray(new long[4]).asSlice(0, size);
                assertRefused(IllegalArgumentException.class, () -> lv.fill(wrong));
            }
            MemorySegment dead = closedSegment();
            assertRefused(IllegalStateException.class, () -> lv.fill(dead));
        }
        vec.clear();
        kind.fill(vec, 3);
        assertContents(List.of());
    }

    @Test
    void addAllAppendsArraysWithOffsetAndLength() {
        assumeTrue(kind.hasArrays(), "LayoutVec has no arrays");
        List<Object> model = new ArrayList<>();
        int[] s = seeds(0, 100);
        kind.addAll(vec, s);
        model.addAll(kind.values(s));
        kind.addAll(vec, s, 10, 20);
        model.addAll(kind.values(s).subList(10, 30));
        kind.addAll(vec, s, 100, 0);
        kind.addAll(vec, s, 0, 0);
        kind.addAll(vec, new int[0]);
        assertContents(model);
        int[][] bad = {{-1, 1}, {0, -1}, {90, 11}, {101, 0}, {Integer.MAX_VALUE, 1}, {1, Integer.MAX_VALUE},
            {Integer.MIN_VALUE, 0}};
        for (int[] r : bad) {
            assertRefused(IndexOutOfBoundsException.class, () -> kind.addAll(vec, s, r[0], r[1]));
        }
        int[] big = seeds(1000, (int) (3 * vec.commitStep() / kind.stride));
        long before = vec.committedBytes();
        kind.addAll(vec, big);
        model.addAll(kind.values(big));
        assertGrewByTheRule(before, "addAll of " + big.length);
        assertContents(model);
    }

    @Test
    void addAllAppendsSegmentsIncludingViewsOfItself() {
        List<Object> model = new ArrayList<>();
        kind.addAll(vec, kind.heapSegment(seeds(0, 10)));
        model.addAll(kind.values(seeds(0, 10)));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nat = arena.allocate(kind.layout, 20);
            for (int i = 0; i < 20; i++) {
                kind.write(nat, i, 50 + i);
            }
            kind.addAll(vec, nat);
            model.addAll(kind.values(seeds(50, 20)));
        }
        kind.addAll(vec, kind.heapSegment());
        kind.addAll(vec, vec.segment());
        model.addAll(List.copyOf(model));
        kind.addAll(vec, vec.segment().asSlice(3 * kind.stride, 5 * kind.stride));
        model.addAll(List.copyOf(model.subList(3, 8)));
        assertContents(model);
        // A view of itself large enough that the append must commit while it copies.
        append(model, 100, (int) (PAGE / kind.stride) * 3 / 2);
        long before = vec.committedBytes();
        kind.addAll(vec, vec.segment());
        model.addAll(List.copyOf(model));
        assertGrewByTheRule(before, "addAll(segment())");
        assertContents(model);
        MemorySegment ragged = kind.heapSegment(seeds(0, 3)).asSlice(0, 3 * kind.stride - 1);
        assertRefused(IllegalArgumentException.class, () -> kind.addAll(vec, ragged));
        MemorySegment dead = closedSegment();
        assertRefused(IllegalStateException.class, () -> kind.addAll(vec, dead));
    }

    @Test
    void appendsFromUnreadableSourcesAreRefusedBeforeCommitting() throws Exception {
        // Full to capacity, so that any append must commit first.
        kind.add(vec, 0);
        append(new ArrayList<>(), 1, (int) vec.capacity() - 1);
        assertEquals(vec.capacity(), vec.size());
        MemorySegment dead = closedSegment();
        assertRefused(IllegalStateException.class, () -> kind.addAll(vec, dead));
        assertRefused(IllegalStateException.class, () -> kind.addAll(vec, dead.asSlice(0, 0)));
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Arena theirs = other.submit(Arena::ofConfined).get();
            MemorySegment foreign = other.submit(() -> theirs.allocate(kind.layout, 2)).get();
            assertRefused(WrongThreadException.class, () -> kind.addAll(vec, foreign));
            if (vec instanceof LayoutVec lv) {
                assertRefused(WrongThreadException.class, () -> lv.add(foreign.asSlice(0, kind.stride)));
            }
            other.submit(theirs::close).get();
        } finally {
            other.shutdown();
        }
        if (vec instanceof LayoutVec lv) {
            assertRefused(IllegalStateException.class, () -> lv.add(dead));
            vec.clear();
            assertRefused(IllegalStateException.class, () -> lv.fill(dead));
        }
    }

    @Test
    void addAllAppendsOtherVectorsAndItself() {
        List<Object> model = new ArrayList<>();
        try (Vec other = kind.create(Vec.builder())) {
            kind.addAll(vec, other);
            assertContents(model);
            kind.addAll(other, kind.heapSegment(seeds(0, 20)));
            kind.addAll(vec, other);
            model.addAll(kind.values(seeds(0, 20)));
            kind.addAll(vec, vec);
            model.addAll(List.copyOf(model));
            append(model, 100, (int) (PAGE / kind.stride));
            kind.addAll(vec, vec);
            model.addAll(List.copyOf(model));
            assertContents(model);
            assertEquals(kind.values(seeds(0, 20)), kind.contents(other), "the source is unchanged");
        }
        Vec closed = kind.create(Vec.builder());
        kind.add(closed, 1);
        closed.close();
        assertRefused(IllegalStateException.class, () -> kind.addAll(vec, closed));
        if (vec instanceof LayoutVec lv) {
            MemoryLayout same = MemoryLayout.sequenceLayout(kind.stride, JAVA_BYTE);
            try (LayoutVec otherLayout = LayoutVec.create(same)) {
                otherLayout.add();
                assertRefused(IllegalArgumentException.class, () -> lv.addAll(otherLayout));
            }
        }
    }

    // ---- bulk reads ----

    @Test
    void toArrayStreamAndIteratorSeeTheElementsInOrder() {
        int n = (int) (2 * PAGE / kind.stride) + 3;
        List<Object> model = append(new ArrayList<>(), 0, n);
        assertEquals(model, kind.toList(vec));
        assertEquals(model, kind.streamed(vec));
        assertEquals(model, kind.iterated(vec));
        // A stream reads size() when it is made; an iterator ends with NoSuchElementException.
        switch (vec) {
            case IntVec v -> {
                IntStream s = v.stream();
                v.add(1);
                assertEquals(n, s.count());
                PrimitiveIterator.OfInt it = v.iterator();
                it.forEachRemaining((int x) -> { });
                assertThrows(NoSuchElementException.class, it::nextInt);
            }
            case LongVec v -> {
                LongStream s = v.stream();
                v.add(1);
                assertEquals(n, s.count());
                PrimitiveIterator.OfLong it = v.iterator();
                it.forEachRemaining((long x) -> { });
                assertThrows(NoSuchElementException.class, it::nextLong);
            }
            case DoubleVec v -> {
                var s = v.stream();
                v.add(1);
                assertEquals(n, s.count());
                PrimitiveIterator.OfDouble it = v.iterator();
                it.forEachRemaining((double x) -> { });
                assertThrows(NoSuchElementException.class, it::nextDouble);
            }
            case LayoutVec v -> {
                Stream<MemorySegment> s = v.elements();
                v.add();
                assertEquals(n, s.count());
            }
        }
    }

    // ---- order ----

    @Test
    void sortOrdersLikeArraysSortAndBinarySearchFindsEveryElement() {
        assumeTrue(kind.isPrimitive(), "LayoutVec has no order");
        assertEquals(-1, kind.binarySearch(vec, kind.value(1)), "binarySearch of an empty vector");
        kind.sort(vec);
        SplittableRandom random = new SplittableRandom(3);
        int[] s = random.ints(3000, -400, 400).toArray();
        kind.addAll(vec, kind.heapSegment(s));
        List<Object> expected = arraysSort(vec);
        kind.sort(vec);
        assertContents(expected);
        for (int seed = -450; seed < 450; seed++) {
            Object key = kind.value(seed);
            long at = kind.binarySearch(vec, key);
            int model = Collections.binarySearch(sortable(expected), sortableKey(key));
            if (model >= 0) {
                assertTrue(at >= 0, "binarySearch(" + key + ") missed a present key");
                assertEquals(key, kind.get(vec, at), "binarySearch(" + key + ")");
            } else {
                assertEquals(model, at, "binarySearch(" + key + "): -(insertion point) - 1");
            }
        }
    }

    @Test
    void sortInRunsMergesRunsToWhatArraysSortGives() {
        if (!kind.isPrimitive()) {
            kind.addAll(vec, kind.heapSegment(3, 1, 2));
            assertThrows(UnsupportedOperationException.class, () -> vec.sortInRuns(7));
            return;
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int run : new int[] {1, 7, 1000}) {
            for (int n : new int[] {0, 1, 2, 6, 7, 8, 13, 999, 1000, 1001, 2001, 5003}) {
                vec.clear();
                kind.addAll(vec, kind.heapSegment(random.ints(n, -n, n + 1).toArray()));
                List<Object> expected = arraysSort(vec);
                vec.sortInRuns(run);
                assertEquals(expected, kind.contents(vec), "sortInRuns(" + run + ") of " + n);
            }
        }
    }

    @Test
    void doublesSortNaNsLastAndNegativeZeroFirst() {
        assumeTrue(vec instanceof DoubleVec, "doubles only");
        DoubleVec v = (DoubleVec) vec;
        double[] values = {0.0, Double.NaN, -0.0, 1.0, Double.NEGATIVE_INFINITY, -0.0, Double.longBitsToDouble(
                0xFFF8_0000_0000_0001L), 0.0, Double.POSITIVE_INFINITY, -1.0, Double.NaN, Double.MIN_VALUE};
        for (long run : new long[] {1, 2, 5, Vec.SORT_RUN}) {
            v.clear();
            v.addAll(values);
            double[] expected = values.clone();
            Arrays.sort(expected);
            v.sortInRuns(run);
            assertArraysEqualBitwise(expected, v.toArray(), "sortInRuns(" + run + ")");
        }
        double[] sorted = v.toArray();
        assertEquals(0L, Double.doubleToRawLongBits(v.get(v.binarySearch(0.0))), "binarySearch(0.0) finds 0.0");
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(v.get(v.binarySearch(-0.0))),
                "binarySearch(-0.0) finds -0.0");
        assertTrue(Double.isNaN(v.get(v.binarySearch(Double.NaN))), "binarySearch(NaN) finds a NaN");
        for (double absent : new double[] {Double.MAX_VALUE, 0.5, -2.0, -Double.MIN_VALUE}) {
            assertEquals(Arrays.binarySearch(sorted, absent), v.binarySearch(absent), "binarySearch(" + absent + ")");
        }
    }

    // ---- layouts ----

    @Test
    void layoutAddAndInsertReturnZeroedElementsOverStaleBytes() {
        assumeTrue(vec instanceof LayoutVec, "LayoutVec only");
        LayoutVec lv = (LayoutVec) vec;
        int n = (int) (PAGE / kind.stride) + 5;
        append(new ArrayList<>(), 0, n);
        lv.segment().fill((byte) -1);
        lv.truncate(n / 2);
        for (int i = n / 2; i < n; i++) {
            MemorySegment e = lv.add();
            VecKind.assertZero(e, "add() over stale bytes");
            assertEquals(kind.stride, e.byteSize());
            assertEquals(lv.address() + lv.offsetOf(i), e.address());
            e.fill((byte) -1);
        }
        lv.removeLast();
        lv.removeLast();
        MemorySegment e = lv.insert(1);
        VecKind.assertZero(e, "insert(1)");
        assertEquals(lv.address() + lv.offsetOf(1), e.address());
        Object stale = kind.read(MemorySegment.ofArray(new long[4]).fill((byte) -1), 0);
        Object zero = kind.read(MemorySegment.ofArray(new long[4]), 0);
        List<Object> model = new ArrayList<>(Collections.nCopies(n - 2, stale));
        model.add(1, zero);
        assertContents(model);
        assertRefused(IndexOutOfBoundsException.class, () -> lv.insert(n));
        assertRefused(IndexOutOfBoundsException.class, () -> lv.insert(-1));
    }

    @Test
    void layoutCopiesElementsEvenFromItself() {
        assumeTrue(vec instanceof LayoutVec, "LayoutVec only");
        LayoutVec lv = (LayoutVec) vec;
        List<Object> model = append(new ArrayList<>(), 0, (int) (PAGE / kind.stride));
        lv.add(kind.heapSegment(500));
        model.add(kind.value(500));
        lv.add(lv.get(0));
        model.add(model.get(0));
        lv.insert(0, lv.get(lv.size() - 1));
        model.addFirst(model.getLast());
        lv.insert(model.size() / 2, lv.get(model.size() / 2));
        model.add(model.size() / 2, model.get(model.size() / 2));
        lv.insert(model.size(), lv.get(1));
        model.add(model.get(1));
        lv.set(3, lv.get(model.size() - 2));
        model.set(3, model.get(model.size() - 2));
        assertContents(model);
        for (long size : new long[] {0, kind.stride - 1, kind.stride + 1}) {
            MemorySegment wrong = MemorySegment.ofArray(new long[4]).asSlice(0, size);
            assertRefused(IllegalArgumentException.class, () -> lv.add(wrong));
            assertRefused(IllegalArgumentException.class, () -> lv.insert(0, wrong));
            assertRefused(IllegalArgumentException.class, () -> lv.set(0, wrong));
        }
        MemorySegment dead = closedSegment();
        assertRefused(IllegalStateException.class, () -> lv.add(dead));
        assertRefused(IllegalStateException.class, () -> lv.insert(0, dead));
        assertRefused(IllegalStateException.class, () -> lv.set(0, dead));
        assertRefused(IndexOutOfBoundsException.class, () -> lv.set(model.size(), kind.heapSegment(1)));
        assertRefused(IndexOutOfBoundsException.class, () -> lv.insert(model.size() + 1, kind.heapSegment(1)));
    }

    @Test
    void layoutGetIsAViewAndElementsAreTheLiveOnes() {
        assumeTrue(vec instanceof LayoutVec, "LayoutVec only");
        LayoutVec lv = (LayoutVec) vec;
        List<Object> model = append(new ArrayList<>(), 0, 40);
        for (int i = 0; i <= 40; i++) {
            assertEquals(i * kind.stride, lv.offsetOf(i));
        }
        MemorySegment at5 = lv.get(5);
        assertEquals(lv.address() + lv.offsetOf(5), at5.address());
        kind.write(at5, 0, 999);
        model.set(5, kind.value(999));
        assertContents(model);
        kind.insert(vec, 0, 1234);
        model.addFirst(kind.value(1234));
        assertEquals(model.get(5), kind.read(at5, 0), "get(5) stays over index 5, whatever moves in");
        List<MemorySegment> elements = lv.elements().toList();
        assertEquals(model.size(), elements.size());
        for (int i = 0; i < elements.size(); i++) {
            assertEquals(lv.address() + lv.offsetOf(i), elements.get(i).address());
            assertEquals(model.get(i), kind.read(elements.get(i), 0));
        }
    }

    // ---- summary, close and threads ----

    @Test
    void toStringSummarizesTheVector() {
        append(new ArrayList<>(), 0, 3);
        String name = vec.getClass().getSimpleName();
        String s = vec.toString();
        assertTrue(s.startsWith(name + "[size=3, capacity=" + vec.capacity() + ", committed="), s);
        assertTrue(s.endsWith(", reserved=64 GiB]"), s);
        vec.close();
        assertEquals(name + "[closed]", vec.toString());
    }

    @Test
    void everyVerbAfterCloseThrowsIllegalState() {
        append(new ArrayList<>(), 0, 5);
        MemorySegment seg = vec.segment();
        long max = vec.maxCapacity();
        vec.close();
        assertFalse(seg.scope().isAlive());
        assertThrows(IllegalStateException.class, () -> kind.read(seg, 0));
        for (Map.Entry<String, Executable> verb : verbs(true, true).entrySet()) {
            assertThrows(IllegalStateException.class, verb.getValue(), verb.getKey());
        }
        assertThrows(IllegalStateException.class, vec::close, "close twice");
        assertEquals(max, vec.maxCapacity());
        assertEquals(kind.layout, vec.elementLayout());
        assertEquals(Vec.DEFAULT_MAX_BYTE_SIZE, vec.reservedBytes());
        assertEquals(alignUp(mode.commitStep(), PAGE), vec.commitStep());
        try (Vec other = kind.create(Vec.builder())) {
            kind.add(other, 1);
            assertThrows(IllegalStateException.class, () -> kind.addAll(other, vec));
            assertEquals(kind.values(1), kind.contents(other));
        }
    }

    @Test
    void otherThreadsUseElementsOnlyWhenSharedAndNeverTheStructure() throws Exception {
        List<Object> model = append(new ArrayList<>(), 0, 10);
        State before = state();
        for (Map.Entry<String, Executable> verb : verbs(true, false).entrySet()) {
            assertInstanceOf(WrongThreadException.class, inOtherThread(verb.getValue()), verb.getKey());
            assertEquals(before, state(), verb.getKey() + " from another thread changed the vector");
        }
        MemorySegment seg = vec.segment();
        for (Map.Entry<String, Executable> verb : verbs(false, true).entrySet()) {
            Throwable thrown = inOtherThread(verb.getValue());
            if (mode.shared()) {
                assertNull(thrown, verb.getKey() + " on a shared vector");
            } else {
                assertInstanceOf(WrongThreadException.class, thrown, verb.getKey());
                assertEquals(before, state(), verb.getKey() + " from another thread changed the vector");
            }
        }
        Throwable thrown = inOtherThread(() -> kind.read(seg, 0));
        if (mode.shared()) {
            assertNull(thrown);
        } else {
            assertInstanceOf(WrongThreadException.class, thrown);
        }
        // Appending another thread's vector: only if that thread shared it.
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            for (boolean shared : new boolean[] {false, true}) {
                Vec theirs = other.submit(() -> {
                    Vec v = kind.create(Vec.builder().shared(shared));
                    kind.add(v, 77);
                    return v;
                }).get();
                if (shared) {
                    kind.addAll(vec, theirs);
                    assertEquals(kind.value(77), kind.get(vec, vec.size() - 1));
                } else {
                    assertRefused(WrongThreadException.class, () -> kind.addAll(vec, theirs));
                }
                other.submit(theirs::close).get();
            }
        } finally {
            other.shutdown();
        }
        assertEquals(model.size() + 1, vec.size());
    }

    /** {@return the structural verbs and/or the element verbs, each ready to run on {@link #vec}} */
    Map<String, Executable> verbs(boolean structure, boolean elements) {
        Map<String, Executable> verbs = new LinkedHashMap<>();
        if (structure) {
            verbs.put("add", () -> kind.add(vec, 1));
            verbs.put("insert", () -> kind.insert(vec, 0, 1));
            verbs.put("remove", () -> kind.remove(vec, 0));
            verbs.put("removeLast", () -> kind.removeLast(vec));
            verbs.put("removeRange", () -> vec.removeRange(0, 1));
            verbs.put("truncate", () -> vec.truncate(1));
            verbs.put("clear", vec::clear);
            verbs.put("ensureCapacity", () -> vec.ensureCapacity(100_000));
            verbs.put("trimToSize", vec::trimToSize);
            verbs.put("addAll(segment)", () -> kind.addAll(vec, kind.heapSegment(1, 2)));
            verbs.put("addAll(itself)", () -> kind.addAll(vec, vec));
            if (kind.hasArrays()) {
                verbs.put("addAll(array)", () -> kind.addAll(vec, new int[] {1, 2}));
            }
            if (vec instanceof LayoutVec lv) {
                verbs.put("add()", lv::add);
                verbs.put("insert(0)", () -> lv.insert(0));
            }
            verbs.put("close", vec::close);
        }
        if (elements) {
            verbs.put("size", vec::size);
            verbs.put("isEmpty", vec::isEmpty);
            verbs.put("capacity", vec::capacity);
            verbs.put("byteSize", vec::byteSize);
            verbs.put("committedBytes", vec::committedBytes);
            verbs.put("address", vec::address);
            verbs.put("segment", vec::segment);
            verbs.put("get", () -> kind.get(vec, 0));
            verbs.put("set", () -> kind.set(vec, 0, 5));
            verbs.put("fill", () -> kind.fill(vec, 6));
            verbs.put("toArray", () -> kind.toList(vec));
            verbs.put("stream", () -> kind.streamed(vec));
            verbs.put("iterator", () -> kind.iterated(vec));
            if (kind.isPrimitive()) {
                verbs.put("fill(range)", () -> kind.fill(vec, 0, 1, 7));
                verbs.put("sort", () -> kind.sort(vec));
                verbs.put("binarySearch", () -> kind.binarySearch(vec, kind.value(1)));
            }
        }
        return verbs;
    }

    // ---- helpers ----

    /** What a refused operation must leave as it was. */
    record State(long size, long capacity, long committed, List<Object> contents) {
        @Override
        public String toString() {
            return "size=" + size + ", capacity=" + capacity + ", committed=" + committed + ", contents hash "
                    + contents.hashCode();
        }
    }

    State state() {
        return new State(vec.size(), vec.capacity(), vec.committedBytes(), kind.contents(vec));
    }

    /** Runs {@code op}, which must throw {@code type}, and checks it left the vector exactly as it was. */
    <T extends Throwable> void assertRefused(Class<T> type, Executable op) {
        State before = state();
        assertThrows(type, op);
        assertEquals(before, state(), "a refused operation changed the vector");
    }

    /** Appends the elements of seeds {@code [from, from + count)} in one bulk append, and to {@code model}. */
    List<Object> append(List<Object> model, int from, int count) {
        int[] s = seeds(from, count);
        kind.addAll(vec, kind.heapSegment(s));
        model.addAll(kind.values(s));
        return model;
    }

    void assertContents(List<Object> model) {
        assertEquals(model.size(), vec.size(), "size");
        assertEquals(model.isEmpty(), vec.isEmpty(), "isEmpty");
        assertEquals(model.size() * kind.stride, vec.byteSize(), "byteSize");
        List<Object> actual = kind.contents(vec);
        if (!model.equals(actual)) {
            for (int i = 0; i < model.size(); i++) {
                assertEquals(model.get(i), actual.get(i), "element " + i + " of " + model.size());
            }
        }
        assertCommitInvariants("contents");
    }

    void assertCommitInvariants(String after) {
        long committed = vec.committedBytes();
        if (committed % PAGE != 0 || committed > vec.reservedBytes() || vec.capacity() != committed / kind.stride
                || vec.size() > vec.capacity()) {
            fail("after " + after + ": " + vec + " (committed " + committed + ")");
        }
    }

    /**
     * Checks an append that may have committed: at most one commit step above the live bytes (one page while
     * they are below a page), doubling from one page while small.
     */
    void assertGrewByTheRule(long before, String after) {
        assertCommitInvariants(after);
        long committed = vec.committedBytes();
        if (committed == before) {
            return;
        }
        long bytes = vec.byteSize();
        long step = vec.commitStep();
        if (committed < before || committed - bytes > step || (bytes < PAGE && committed != PAGE)
                || committed > Math.max(alignUp(bytes, PAGE), Math.min(2 * before, before + step))) {
            fail("after " + after + ": committed " + before + " -> " + committed + " for " + bytes
                    + " live bytes, commit step " + step);
        }
    }

    /**
     * Checks a removal: at most two commit steps stay committed above the live bytes, and a shrink goes down to
     * one step above them.
     */
    void assertShrankByTheRule(long before, String after) {
        assertCommitInvariants(after);
        long committed = vec.committedBytes();
        long bytes = vec.byteSize();
        long step = vec.commitStep();
        if (committed > before || committed - bytes > 2 * step
                || (committed < before && committed != alignUp(bytes + step, PAGE))) {
            fail("after " + after + ": committed " + before + " -> " + committed + " for " + bytes
                    + " live bytes, commit step " + step);
        }
    }

    /** {@return the elements sorted by the kind's {@code Arrays.sort}} */
    static List<Object> arraysSort(Vec vec) {
        List<Object> sorted = new ArrayList<>();
        switch (vec) {
            case IntVec v -> {
                int[] a = v.toArray();
                Arrays.sort(a);
                Arrays.stream(a).forEach(sorted::add);
            }
            case LongVec v -> {
                long[] a = v.toArray();
                Arrays.sort(a);
                Arrays.stream(a).forEach(sorted::add);
            }
            case DoubleVec v -> {
                double[] a = v.toArray();
                Arrays.sort(a);
                Arrays.stream(a).forEach(sorted::add);
            }
            case LayoutVec v -> throw new UnsupportedOperationException("LayoutVec has no order");
        }
        return sorted;
    }

    @SuppressWarnings("unchecked")
    static List<Comparable<Object>> sortable(List<Object> values) {
        return (List<Comparable<Object>>) (List<?>) values;
    }

    @SuppressWarnings("unchecked")
    static Comparable<Object> sortableKey(Object key) {
        return (Comparable<Object>) key;
    }

    static void assertArraysEqualBitwise(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToLongBits(expected[i]) != Double.doubleToLongBits(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", Arrays.sort gives " + expected[i]);
            }
        }
    }

    /** {@return a segment whose arena is closed} */
    MemorySegment closedSegment() {
        Arena arena = Arena.ofConfined();
        MemorySegment s = arena.allocate(kind.layout);
        arena.close();
        return s;
    }

    /** {@return what {@code op} threw in a new thread, or null} */
    static Throwable inOtherThread(Executable op) throws InterruptedException {
        Throwable[] thrown = new Throwable[1];
        Thread t = Thread.ofPlatform().name("other").start(() -> {
            try {
                op.execute();
            } catch (Throwable e) {
                thrown[0] = e;
            }
        });
        t.join();
        return thrown[0];
    }

    static int[] seeds(int from, int count) {
        int[] s = new int[count];
        for (int i = 0; i < count; i++) {
            s[i] = from + i;
        }
        return s;
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
