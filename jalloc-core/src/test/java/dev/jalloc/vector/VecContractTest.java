package dev.jalloc.vector;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The list contract of every {@link Vec}, as its javadoc states it, over every element kind and mode (see
 * {@link VecContract}): reading and replacing, inserting and removing, fill, the addAll variants, the bulk reads,
 * order (sort, sortInRuns, binarySearch) and what only {@link LayoutVec} has.
 */
@ParameterizedClass(name = "{0}, {1}")
@MethodSource("dev.jalloc.vector.VecContract#configs")
class VecContractTest extends VecContract {
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
}
