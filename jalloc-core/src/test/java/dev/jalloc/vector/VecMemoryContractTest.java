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

import dev.jalloc.OutOfNativeMemoryError;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The memory and lifecycle contract of every {@link Vec}, as its javadoc states it, over every element kind and
 * mode (see {@link VecContract}): what is committed as it grows and shrinks, ensureCapacity and trimToSize, a full
 * reservation, segments that outlive growth and shrinking, close, and other threads.
 */
@ParameterizedClass(name = "{0}, {1}")
@MethodSource("dev.jalloc.vector.VecContract#configs")
class VecMemoryContractTest extends VecContract {
    @Test
    void aNewVectorIsEmptyAndCommitsNothing() {
        assertEquals(0, vec.size());
        assertTrue(vec.isEmpty());
        assertEquals(0, vec.byteSize());
        assertEquals(0, vec.capacity());
        assertEquals(0, vec.committedBytes());
        assertEquals(Vec.DEFAULT_RESERVE_SIZE, vec.reservedBytes());
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
        vec = kind.create(mode.builder().reserveSize(PAGE));
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
        assertEquals(Vec.DEFAULT_RESERVE_SIZE, vec.reservedBytes());
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
}
