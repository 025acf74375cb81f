package dev.jalloc.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jalloc.internal.os.Os;
import dev.jalloc.testing.Seeds;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Randomized model test: {@value #OPERATIONS} random operations per run, six runs over the element kinds, each
 * done to a vector and to a {@link java.util.ArrayList} model. After every operation the whole contents and the
 * size are compared with the model (through the segment, and in turn through get, toArray, stream and iterator),
 * and the committed bytes are checked against the growth and shrink rules. Sizes follow a random walk towards a
 * target that is redrawn every thousand operations, with bursts into the thousands and clears; most runs commit
 * one page at a time, so growth and shrinking cross page boundaries all the time. The seed is printed; replay
 * with {@code -Djalloc.test.seed=N}.
 */
class VecModelTest {
    static final int OPERATIONS = 200_000;
    static final long PAGE = Os.current().pageSize();

    static List<Arguments> runs() {
        Supplier<VecBuilder> onePage = () -> Vec.builder().commitStep(PAGE);
        return List.of(
                Arguments.of(VecKind.INTS, "one-page step", onePage),
                Arguments.of(VecKind.INTS, "default", (Supplier<VecBuilder>) Vec::builder),
                Arguments.of(VecKind.LONGS, "one-page step", onePage),
                Arguments.of(VecKind.DOUBLES, "shared, three-page step",
                        (Supplier<VecBuilder>) () -> Vec.builder().shared(true).commitStep(3 * PAGE)),
                Arguments.of(VecKind.XYZ, "one-page step", onePage),
                Arguments.of(VecKind.PADDED, "one-page step", onePage));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("runs")
    void randomOperationsAgreeWithArrayList(VecKind kind, String mode, Supplier<VecBuilder> builder) {
        SplittableRandom random = Seeds.random("VecModelTest[" + kind + ", " + mode + "]");
        try (Vec vec = kind.create(builder.get()); Vec other = kind.create(Vec.builder())) {
            Model model = new Model(kind, vec, other, random);
            model.run(OPERATIONS);
            System.out.println("VecModelTest[" + kind + ", " + mode + "]: " + model.summary());
        }
    }

    /** The operations, each with the structural effect the commit checks expect of it. */
    enum Op {
        ADD(Effect.GROWS), INSERT(Effect.GROWS), ADD_ALL_ARRAY(Effect.GROWS), ADD_ALL_SEGMENT(Effect.GROWS),
        ADD_ALL_VEC(Effect.GROWS),
        SET(Effect.NONE), FILL_RANGE(Effect.NONE), FILL(Effect.NONE), SORT(Effect.NONE),
        REMOVE(Effect.SHRINKS), REMOVE_LAST(Effect.SHRINKS), REMOVE_RANGE(Effect.SHRINKS),
        TRUNCATE(Effect.SHRINKS), CLEAR(Effect.SHRINKS),
        ENSURE_CAPACITY(Effect.COMMITS_AHEAD), TRIM_TO_SIZE(Effect.TRIMS);

        final Effect effect;

        Op(Effect effect) {
            this.effect = effect;
        }
    }

    enum Effect { GROWS, NONE, SHRINKS, COMMITS_AHEAD, TRIMS }

    /** Weights out of 1000, growing ops first; the walk scales the growing or shrinking ones down. */
    static final Map<Op, Integer> WEIGHTS = new EnumMap<>(Map.ofEntries(
            Map.entry(Op.ADD, 200), Map.entry(Op.INSERT, 80), Map.entry(Op.ADD_ALL_ARRAY, 30),
            Map.entry(Op.ADD_ALL_SEGMENT, 30), Map.entry(Op.ADD_ALL_VEC, 15),
            Map.entry(Op.SET, 90), Map.entry(Op.FILL_RANGE, 40), Map.entry(Op.FILL, 3), Map.entry(Op.SORT, 8),
            Map.entry(Op.REMOVE, 80), Map.entry(Op.REMOVE_LAST, 120), Map.entry(Op.REMOVE_RANGE, 30),
            Map.entry(Op.TRUNCATE, 10), Map.entry(Op.CLEAR, 2),
            Map.entry(Op.ENSURE_CAPACITY, 10), Map.entry(Op.TRIM_TO_SIZE, 10)));

    /** The model and the driver. */
    static final class Model {
        final VecKind kind;
        final Vec vec;
        final Vec other;
        final SplittableRandom random;
        final List<Object> model = new ArrayList<>();
        final List<Object> otherModel = new ArrayList<>();
        final long address;
        final long stride;
        final long step;
        final Object zero;
        final Map<Op, Long> counts = new EnumMap<>(Op.class);
        long operation;
        String what;
        int target;
        /** Whether ensureCapacity committed beyond the growth rule, until the next growth or shrink. */
        boolean committedAhead;
        long ensured;
        /** The capacity ensureCapacity asked for: removals keep it until trimToSize. */
        long kept;
        long sizeSum;
        int maxSize;
        long maxCommitted;

        Model(VecKind kind, Vec vec, Vec other, SplittableRandom random) {
            this.kind = kind;
            this.vec = vec;
            this.other = other;
            this.random = random;
            this.address = vec.address();
            this.stride = kind.stride;
            this.step = vec.commitStep();
            this.zero = kind.read(MemorySegment.ofArray(new long[4]), 0);
        }

        void run(int operations) {
            for (operation = 0; operation < operations; operation++) {
                if (operation % 1000 == 0) {
                    int r = random.nextInt(10);
                    target = random.nextInt(r < 6 ? 100 : r < 9 ? 1000 : 6000);
                }
                Op op = pick();
                long committedBefore = vec.committedBytes();
                long capacityBefore = vec.capacity();
                what = op.name();
                apply(op);
                counts.merge(op, 1L, Long::sum);
                checkContents();
                checkCommitted(op, committedBefore, capacityBefore);
                sizeSum += model.size();
                maxSize = Math.max(maxSize, model.size());
                maxCommitted = Math.max(maxCommitted, vec.committedBytes());
            }
        }

        Op pick() {
            boolean grow = model.size() < target;
            int total = 0;
            for (Op op : Op.values()) {
                total += weight(op, grow);
            }
            int r = random.nextInt(total);
            for (Op op : Op.values()) {
                r -= weight(op, grow);
                if (r < 0) {
                    return op;
                }
            }
            throw new AssertionError();
        }

        static int weight(Op op, boolean grow) {
            int w = WEIGHTS.get(op);
            if (op.effect == Effect.GROWS && !grow || op.effect == Effect.SHRINKS && grow) {
                return w / 2;
            }
            return w;
        }

        /** {@return a seed: often one of a few (so sorts see duplicates), else any int} */
        int seed() {
            return random.nextBoolean() ? random.nextInt(1000) : random.nextInt();
        }

        int[] seeds(int count) {
            int[] s = new int[count];
            for (int i = 0; i < count; i++) {
                s[i] = seed();
            }
            return s;
        }

        /** {@return a bulk length: mostly short, sometimes hundreds, now and then a burst of thousands} */
        int count() {
            int r = random.nextInt(100);
            return random.nextInt(r < 90 ? 16 : r < 99 ? 256 : 4000);
        }

        void apply(Op op) {
            int size = model.size();
            LayoutVec layout = vec instanceof LayoutVec lv ? lv : null;
            switch (op) {
                case ADD -> {
                    int s = seed();
                    if (layout != null && size > 0 && random.nextInt(3) == 0) {
                        int j = random.nextInt(size);
                        what = "add(get(" + j + "))";
                        layout.add(layout.get(j));
                        model.add(model.get(j));
                    } else {
                        kind.add(vec, s);
                        model.add(kind.value(s));
                    }
                }
                case INSERT -> {
                    int i = random.nextInt(size + 1);
                    int s = seed();
                    int how = layout == null ? 0 : random.nextInt(3);
                    if (how == 1) {
                        what = "insert(" + i + ")";
                        VecKind.assertZero(layout.insert(i), "insert(" + i + ")");
                        model.add(i, zero);
                    } else if (how == 2 && size > 0) {
                        int j = random.nextInt(size);
                        what = "insert(" + i + ", get(" + j + "))";
                        layout.insert(i, layout.get(j));
                        model.add(i, model.get(j));
                    } else {
                        what = "insert(" + i + ")";
                        kind.insert(vec, i, s);
                        model.add(i, kind.value(s));
                    }
                }
                case ADD_ALL_ARRAY -> {
                    int[] s = seeds(count());
                    if (!kind.hasArrays()) {
                        kind.addAll(vec, kind.heapSegment(s));
                        model.addAll(kind.values(s));
                    } else if (random.nextBoolean()) {
                        kind.addAll(vec, s);
                        model.addAll(kind.values(s));
                    } else {
                        int offset = random.nextInt(s.length + 1);
                        int length = random.nextInt(s.length - offset + 1);
                        what = "addAll(array, " + offset + ", " + length + ")";
                        kind.addAll(vec, s, offset, length);
                        model.addAll(kind.values(s).subList(offset, offset + length));
                    }
                }
                case ADD_ALL_SEGMENT -> {
                    int how = random.nextInt(3);
                    if (how == 0 && size > 0) {
                        int i = random.nextInt(size);
                        int n = Math.min(random.nextInt(size - i + 1), 4000);
                        what = "addAll(segment().asSlice(" + i + ", " + n + " elements))";
                        kind.addAll(vec, vec.segment().asSlice(i * stride, n * stride));
                        model.addAll(List.copyOf(model.subList(i, i + n)));
                    } else if (how == 1) {
                        int[] s = seeds(count());
                        try (Arena arena = Arena.ofConfined()) {
                            MemorySegment source = arena.allocate(kind.layout, s.length);
                            for (int i = 0; i < s.length; i++) {
                                kind.write(source, i, s[i]);
                            }
                            kind.addAll(vec, source);
                        }
                        model.addAll(kind.values(s));
                    } else {
                        int[] s = seeds(count());
                        kind.addAll(vec, kind.heapSegment(s));
                        model.addAll(kind.values(s));
                    }
                }
                case ADD_ALL_VEC -> {
                    if (random.nextInt(3) == 0 && size <= 3000) {
                        what = "addAll(itself)";
                        kind.addAll(vec, vec);
                        model.addAll(List.copyOf(model));
                    } else {
                        if (random.nextInt(4) == 0) {
                            int[] s = seeds(count());
                            other.clear();
                            kind.addAll(other, kind.heapSegment(s));
                            otherModel.clear();
                            otherModel.addAll(kind.values(s));
                        }
                        kind.addAll(vec, other);
                        model.addAll(otherModel);
                    }
                }
                case SET -> {
                    if (size == 0) {
                        return;
                    }
                    int i = random.nextInt(size);
                    int s = seed();
                    int how = random.nextInt(5);
                    if (how == 0) {
                        what = "write through segment() at " + i;
                        kind.write(vec.segment(), i, s);
                        model.set(i, kind.value(s));
                    } else if (how == 1 && layout != null) {
                        int j = random.nextInt(size);
                        what = "set(" + i + ", get(" + j + "))";
                        layout.set(i, layout.get(j));
                        model.set(i, model.get(j));
                    } else {
                        what = "set(" + i + ")";
                        Object old = kind.set(vec, i, s);
                        assertEquals(model.set(i, kind.value(s)), old, this::where);
                    }
                }
                case FILL_RANGE -> {
                    int from = random.nextInt(size + 1);
                    int to = from + random.nextInt(size - from + 1);
                    int s = seed();
                    what = "fill(" + from + ", " + to + ")";
                    if (kind.isPrimitive()) {
                        kind.fill(vec, from, to, s);
                        Collections.fill(model.subList(from, to), kind.value(s));
                    } else {
                        // LayoutVec fills whole only: fill the range element by element.
                        for (int i = from; i < to; i++) {
                            kind.set(vec, i, s);
                        }
                        Collections.fill(model.subList(from, to), kind.value(s));
                    }
                }
                case FILL -> {
                    int s = seed();
                    if (layout != null && size > 0 && random.nextBoolean()) {
                        int j = random.nextInt(size);
                        what = "fill(get(" + j + "))";
                        layout.fill(layout.get(j));
                        Collections.fill(model, model.get(j));
                    } else {
                        kind.fill(vec, s);
                        Collections.fill(model, kind.value(s));
                    }
                }
                case SORT -> {
                    if (!kind.isPrimitive()) {
                        what = "bulk reads";
                        assertEquals(model, kind.toList(vec), this::where);
                        return;
                    }
                    if (random.nextBoolean()) {
                        kind.sort(vec);
                    } else {
                        int run = 1 + random.nextInt(64);
                        what = "sortInRuns(" + run + ")";
                        vec.sortInRuns(run);
                    }
                    model.sort(null);
                    checkContents();
                    for (int k = 0; k < 4; k++) {
                        Object key = size > 0 && random.nextBoolean() ? model.get(random.nextInt(size))
                                : kind.value(seed());
                        long at = kind.binarySearch(vec, key);
                        int expected = Collections.binarySearch(VecContract.sortable(model),
                                VecContract.sortableKey(key));
                        what = "binarySearch(" + key + ")";
                        if (expected >= 0 ? at < 0 || !model.get((int) at).equals(key) : at != expected) {
                            fail(where() + ": " + at + ", the model says " + expected);
                        }
                    }
                }
                case REMOVE -> {
                    if (size == 0) {
                        what = "removeRange(0, 0)";
                        vec.removeRange(0, 0);
                        return;
                    }
                    int i = random.nextInt(size);
                    what = "remove(" + i + ")";
                    assertEquals(model.remove(i), kind.remove(vec, i), this::where);
                }
                case REMOVE_LAST -> {
                    if (size == 0) {
                        what = "truncate(0)";
                        vec.truncate(0);
                        return;
                    }
                    assertEquals(model.removeLast(), kind.removeLast(vec), this::where);
                }
                case REMOVE_RANGE -> {
                    int n = Math.min(count(), size);
                    int i = random.nextInt(size - n + 1);
                    what = "removeRange(" + i + ", " + n + ")";
                    vec.removeRange(i, n);
                    model.subList(i, i + n).clear();
                }
                case TRUNCATE -> {
                    int n = random.nextInt(size + 1);
                    what = "truncate(" + n + ")";
                    vec.truncate(n);
                    model.subList(n, size).clear();
                }
                case CLEAR -> {
                    vec.clear();
                    model.clear();
                }
                case ENSURE_CAPACITY -> {
                    ensured = random.nextBoolean() ? random.nextInt(size + 1) : size + count();
                    what = "ensureCapacity(" + ensured + ")";
                    vec.ensureCapacity(ensured);
                    kept = Math.max(kept, ensured);
                }
                case TRIM_TO_SIZE -> {
                    vec.trimToSize();
                    kept = 0;
                }
            }
        }

        void checkContents() {
            if (vec.size() != model.size()) {
                fail(where() + ": size " + vec.size() + ", the model says " + model.size());
            }
            if (operation % 97 == 0) {
                VecStats stats = vec.stats();
                assertEquals(model.size(), stats.size(), this::where);
                assertEquals(model.size() * vec.elementLayout().byteSize(), stats.liveBytes(), this::where);
                assertEquals(vec.capacity(), stats.capacity(), this::where);
                assertEquals(vec.committedBytes(), stats.committedBytes(), this::where);
                if (stats.peakCommittedBytes() < stats.committedBytes()
                        || stats.residentBytes() > stats.committedBytes()) {
                    fail(where() + ": " + stats);
                }
            }
            List<Object> actual = null;
            switch ((int) (operation % 101)) {
                case 0 -> actual = kind.toList(vec);
                case 1 -> actual = kind.streamed(vec);
                case 2 -> actual = kind.iterated(vec);
                default -> {
                    if (operation % 11 == 0) {
                        for (int i = 0; i < model.size(); i++) {
                            checkElement(i, kind.get(vec, i), "get");
                        }
                    } else {
                        MemorySegment s = vec.segment();
                        for (int i = 0; i < model.size(); i++) {
                            checkElement(i, kind.read(s, i), "segment()");
                        }
                    }
                }
            }
            if (actual != null) {
                assertEquals(model.size(), actual.size(), this::where);
                for (int i = 0; i < model.size(); i++) {
                    checkElement(i, actual.get(i), "bulk read");
                }
            }
        }

        void checkElement(int i, Object actual, String how) {
            if (!model.get(i).equals(actual)) {
                fail(where() + ": element " + i + " of " + model.size() + " read through " + how + " is " + actual
                        + ", the model says " + model.get(i));
            }
        }

        void checkCommitted(Op op, long before, long capacityBefore) {
            long committed = vec.committedBytes();
            long bytes = vec.byteSize();
            if (committed % PAGE != 0 || committed > vec.reservedBytes() || vec.capacity() != committed / stride
                    || vec.size() > vec.capacity() || vec.address() != address) {
                fail(where() + ": " + vec + ", committed " + committed + ", address " + vec.address());
            }
            String wrong = switch (op.effect) {
                case GROWS -> {
                    if (committed == before) {
                        yield null;
                    }
                    committedAhead = false;
                    yield committed < before ? "an append purged"
                            : committed - bytes > step ? "more than one commit step above the live bytes"
                            : bytes < PAGE && committed != PAGE ? "more than one page for less than a page"
                            : committed > Math.max(alignUp(bytes, PAGE), Math.min(2 * before, before + step))
                            ? "more than doubled, or more than a step" : null;
                }
                case NONE -> committed != before ? "an element write changed the committed bytes" : null;
                case SHRINKS -> {
                    committedAhead = false;
                    yield committed > before ? "a removal committed"
                            : committed - bytes > 2 * step && committed > alignUp(kept * stride, PAGE)
                            ? "more than two commit steps kept above the live bytes and the ensured capacity"
                            : committed < before && committed != alignUp(Math.max(bytes + step, kept * stride), PAGE)
                            ? "a shrink did not keep exactly one step above the live bytes (or the ensured capacity)"
                            : vec.capacity() < kept ? "a removal shrank below the ensured capacity" : null;
                }
                case COMMITS_AHEAD -> {
                    committedAhead |= committed > before;
                    yield vec.capacity() < ensured ? "capacity below what was ensured"
                            : ensured <= capacityBefore && committed != before ? "committed with room enough" : null;
                }
                case TRIMS -> {
                    committedAhead = false;
                    yield committed != alignUp(bytes, PAGE) ? "not trimmed to the live bytes' pages" : null;
                }
            };
            if (wrong == null && !committedAhead && committed - bytes > 2 * step
                    && committed > alignUp(kept * stride, PAGE)) {
                wrong = "more than two commit steps above the live bytes";
            }
            if (wrong != null) {
                fail(where() + ": " + wrong + ": committed " + before + " -> " + committed + " for " + bytes
                        + " live bytes, commit step " + step);
            }
        }

        String where() {
            return "operation " + operation + " (" + what + ", size " + model.size() + ")";
        }

        String summary() {
            return operation + " operations, mean size " + sizeSum / Math.max(1, operation) + ", max size " + maxSize
                    + ", max committed " + maxCommitted + " B; " + counts;
        }
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
