package dev.jalloc.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jalloc.internal.os.Os;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What the vector contract tests share: the configurations they run over (every element kind of {@link VecKind},
 * each in three modes: the default, a commit step of one page so that growth and shrinking commit and purge all
 * the time, and shared with a commit step that is not a page multiple), a fresh vector per test, and the checks:
 * contents against a model list, the commit rules of {@link Vec}'s class javadoc, and that a refused operation
 * leaves size, contents, capacity and committed bytes exactly as they were.
 */
abstract class VecContract {
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

    /** {@return every kind in every mode} */
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

    /** {@return {@code values} typed for {@code Collections.binarySearch}, in their natural (Arrays.sort) order} */
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
