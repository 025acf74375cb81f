package dev.jalloc.vector;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * One element kind as the vector tests drive it. A test names an element by an {@code int} <em>seed</em>; each
 * kind maps the seed to an element of its own ({@link #value}) and reads elements back as values whose
 * {@code equals} compares every field bit for bit ({@code Double.equals} tells {@code -0.0} from {@code 0.0}).
 * The verbs map one to one onto the kind's own methods; what a kind lacks ({@link LayoutVec} has no arrays, no
 * range fill and no order) the capability methods say, and the verb throws {@link UnsupportedOperationException}.
 *
 * <pre>
 *   kind      element                                    stride  align
 *   INTS      int = seed                                      4      4
 *   LONGS     long = seed * 0x9E3779B97F4A7C15                8      8
 *   DOUBLES   double = a special (NaNs, zeros, infinities,    8      8
 *             extremes) for 11 seeds in 97, else seed / 8
 *   XYZ       struct {int x; int y; int z} = (s, ~s, 31s)     12      4
 *   PADDED    struct {long a; byte b; 7 bytes padding}        16      8
 * </pre>
 */
abstract class VecKind {
    static final VecKind INTS = new Ints();
    static final VecKind LONGS = new Longs();
    static final VecKind DOUBLES = new Doubles();
    static final VecKind XYZ = new Xyzs();
    static final VecKind PADDED = new Paddeds();

    /** {@return every kind, primitives first} */
    static List<VecKind> all() {
        return List.of(INTS, LONGS, DOUBLES, XYZ, PADDED);
    }

    final String name;
    final MemoryLayout layout;
    final long stride;

    VecKind(String name, MemoryLayout layout) {
        this.name = name;
        this.layout = layout;
        this.stride = layout.byteSize();
    }

    @Override
    public String toString() {
        return name;
    }

    // ---- elements ----

    /** {@return the element {@code seed} names, as the model holds it} */
    abstract Object value(int seed);

    /** Writes the element {@code seed} names at element {@code index} of {@code segment} (padding untouched). */
    abstract void write(MemorySegment segment, long index, int seed);

    /** {@return the element at element {@code index} of {@code segment}} */
    abstract Object read(MemorySegment segment, long index);

    /** {@return a heap segment (over a {@code long[]}, so any field is aligned) holding the elements named} */
    final MemorySegment heapSegment(int... seeds) {
        MemorySegment s = MemorySegment.ofArray(new long[(int) ((seeds.length * stride + 7) / 8)])
                .asSlice(0, seeds.length * stride);
        for (int i = 0; i < seeds.length; i++) {
            write(s, i, seeds[i]);
        }
        return s;
    }

    /** {@return the elements named, as the model holds them} */
    final List<Object> values(int... seeds) {
        List<Object> values = new ArrayList<>(seeds.length);
        for (int seed : seeds) {
            values.add(value(seed));
        }
        return values;
    }

    /** {@return the live elements, read through {@link Vec#segment()}} */
    final List<Object> contents(Vec vec) {
        MemorySegment s = vec.segment();
        long n = s.byteSize() / stride;
        List<Object> values = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            values.add(read(s, i));
        }
        return values;
    }

    // ---- capabilities ----

    /** {@return whether the kind appends from arrays with an offset and a length} */
    boolean hasArrays() {
        return true;
    }

    /** {@return whether the kind fills ranges and has a natural order (sort, binarySearch)} */
    boolean isPrimitive() {
        return true;
    }

    // ---- the kind's verbs ----

    abstract Vec create(VecBuilder builder);

    abstract void add(Vec vec, int seed);

    abstract Object get(Vec vec, long index);

    /** Sets element {@code index} and returns the old one. */
    abstract Object set(Vec vec, long index, int seed);

    abstract void insert(Vec vec, long index, int seed);

    /** Removes element {@code index} and returns it. */
    abstract Object remove(Vec vec, long index);

    /** Removes the last element and returns it. */
    abstract Object removeLast(Vec vec);

    abstract void fill(Vec vec, int seed);

    void fill(Vec vec, long from, long to, int seed) {
        throw new UnsupportedOperationException(name + " has no range fill");
    }

    /** Appends a whole array of the elements named. */
    void addAll(Vec vec, int[] seeds) {
        throw new UnsupportedOperationException(name + " has no arrays");
    }

    /** Appends {@code length} elements of an array of the elements named, from {@code offset}. */
    void addAll(Vec vec, int[] seeds, int offset, int length) {
        throw new UnsupportedOperationException(name + " has no arrays");
    }

    abstract void addAll(Vec vec, MemorySegment source);

    abstract void addAll(Vec vec, Vec other);

    /** {@return the elements through the kind's bulk read: {@code toArray()}, or {@code elements()}} */
    abstract List<Object> toList(Vec vec);

    /** {@return the elements through {@code stream()} (or {@code elements()})} */
    abstract List<Object> streamed(Vec vec);

    /** {@return the elements through {@code iterator()} (or {@code elements()})} */
    abstract List<Object> iterated(Vec vec);

    void sort(Vec vec) {
        throw new UnsupportedOperationException(name + " has no order");
    }

    long binarySearch(Vec vec, Object key) {
        throw new UnsupportedOperationException(name + " has no order");
    }

    // ---- the kinds ----

    private static final class Ints extends VecKind {
        Ints() {
            super("IntVec", JAVA_INT);
        }

        @Override
        Object value(int seed) {
            return seed;
        }

        @Override
        void write(MemorySegment segment, long index, int seed) {
            segment.set(JAVA_INT, index * 4, seed);
        }

        @Override
        Object read(MemorySegment segment, long index) {
            return segment.get(JAVA_INT, index * 4);
        }

        @Override
        Vec create(VecBuilder builder) {
            return builder.ofInts();
        }

        @Override
        void add(Vec vec, int seed) {
            ((IntVec) vec).add(seed);
        }

        @Override
        Object get(Vec vec, long index) {
            return ((IntVec) vec).get(index);
        }

        @Override
        Object set(Vec vec, long index, int seed) {
            return ((IntVec) vec).set(index, seed);
        }

        @Override
        void insert(Vec vec, long index, int seed) {
            ((IntVec) vec).insert(index, seed);
        }

        @Override
        Object remove(Vec vec, long index) {
            return ((IntVec) vec).remove(index);
        }

        @Override
        Object removeLast(Vec vec) {
            return ((IntVec) vec).removeLast();
        }

        @Override
        void fill(Vec vec, int seed) {
            ((IntVec) vec).fill(seed);
        }

        @Override
        void fill(Vec vec, long from, long to, int seed) {
            ((IntVec) vec).fill(from, to, seed);
        }

        @Override
        void addAll(Vec vec, int[] seeds) {
            ((IntVec) vec).addAll(seeds);
        }

        @Override
        void addAll(Vec vec, int[] seeds, int offset, int length) {
            ((IntVec) vec).addAll(seeds, offset, length);
        }

        @Override
        void addAll(Vec vec, MemorySegment source) {
            ((IntVec) vec).addAll(source);
        }

        @Override
        void addAll(Vec vec, Vec other) {
            ((IntVec) vec).addAll((IntVec) other);
        }

        @Override
        List<Object> toList(Vec vec) {
            List<Object> values = new ArrayList<>();
            for (int v : ((IntVec) vec).toArray()) {
                values.add(v);
            }
            return values;
        }

        @Override
        List<Object> streamed(Vec vec) {
            return new ArrayList<>(((IntVec) vec).stream().boxed().toList());
        }

        @Override
        List<Object> iterated(Vec vec) {
            List<Object> values = new ArrayList<>();
            ((IntVec) vec).iterator().forEachRemaining((int v) -> values.add(v));
            return values;
        }

        @Override
        void sort(Vec vec) {
            ((IntVec) vec).sort();
        }

        @Override
        long binarySearch(Vec vec, Object key) {
            return ((IntVec) vec).binarySearch((Integer) key);
        }
    }

    private static final class Longs extends VecKind {
        Longs() {
            super("LongVec", JAVA_LONG);
        }

        @Override
        Object value(int seed) {
            return seed * 0x9E3779B97F4A7C15L;
        }

        @Override
        void write(MemorySegment segment, long index, int seed) {
            segment.set(JAVA_LONG, index * 8, (Long) value(seed));
        }

        @Override
        Object read(MemorySegment segment, long index) {
            return segment.get(JAVA_LONG, index * 8);
        }

        @Override
        Vec create(VecBuilder builder) {
            return builder.ofLongs();
        }

        @Override
        void add(Vec vec, int seed) {
            ((LongVec) vec).add((Long) value(seed));
        }

        @Override
        Object get(Vec vec, long index) {
            return ((LongVec) vec).get(index);
        }

        @Override
        Object set(Vec vec, long index, int seed) {
            return ((LongVec) vec).set(index, (Long) value(seed));
        }

        @Override
        void insert(Vec vec, long index, int seed) {
            ((LongVec) vec).insert(index, (Long) value(seed));
        }

        @Override
        Object remove(Vec vec, long index) {
            return ((LongVec) vec).remove(index);
        }

        @Override
        Object removeLast(Vec vec) {
            return ((LongVec) vec).removeLast();
        }

        @Override
        void fill(Vec vec, int seed) {
            ((LongVec) vec).fill((Long) value(seed));
        }

        @Override
        void fill(Vec vec, long from, long to, int seed) {
            ((LongVec) vec).fill(from, to, (Long) value(seed));
        }

        @Override
        void addAll(Vec vec, int[] seeds) {
            ((LongVec) vec).addAll(array(seeds));
        }

        @Override
        void addAll(Vec vec, int[] seeds, int offset, int length) {
            ((LongVec) vec).addAll(array(seeds), offset, length);
        }

        private long[] array(int[] seeds) {
            long[] values = new long[seeds.length];
            for (int i = 0; i < seeds.length; i++) {
                values[i] = (Long) value(seeds[i]);
            }
            return values;
        }

        @Override
        void addAll(Vec vec, MemorySegment source) {
            ((LongVec) vec).addAll(source);
        }

        @Override
        void addAll(Vec vec, Vec other) {
            ((LongVec) vec).addAll((LongVec) other);
        }

        @Override
        List<Object> toList(Vec vec) {
            List<Object> values = new ArrayList<>();
            for (long v : ((LongVec) vec).toArray()) {
                values.add(v);
            }
            return values;
        }

        @Override
        List<Object> streamed(Vec vec) {
            return new ArrayList<>(((LongVec) vec).stream().boxed().toList());
        }

        @Override
        List<Object> iterated(Vec vec) {
            List<Object> values = new ArrayList<>();
            ((LongVec) vec).iterator().forEachRemaining((long v) -> values.add(v));
            return values;
        }

        @Override
        void sort(Vec vec) {
            ((LongVec) vec).sort();
        }

        @Override
        long binarySearch(Vec vec, Object key) {
            return ((LongVec) vec).binarySearch((Long) key);
        }
    }

    private static final class Doubles extends VecKind {
        /** The values that sort differently from {@code <}: NaNs (one with a payload, one negative), zeros. */
        static final double[] SPECIAL = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE,
            Double.longBitsToDouble(0x7FF0_0000_0000_0123L), Double.longBitsToDouble(0xFFF8_0000_0000_0000L)};

        Doubles() {
            super("DoubleVec", JAVA_DOUBLE);
        }

        @Override
        Object value(int seed) {
            int special = Math.floorMod(seed, 97);
            return special < SPECIAL.length ? SPECIAL[special] : seed / 8.0;
        }

        @Override
        void write(MemorySegment segment, long index, int seed) {
            segment.set(JAVA_DOUBLE, index * 8, (Double) value(seed));
        }

        @Override
        Object read(MemorySegment segment, long index) {
            return segment.get(JAVA_DOUBLE, index * 8);
        }

        @Override
        Vec create(VecBuilder builder) {
            return builder.ofDoubles();
        }

        @Override
        void add(Vec vec, int seed) {
            ((DoubleVec) vec).add((Double) value(seed));
        }

        @Override
        Object get(Vec vec, long index) {
            return ((DoubleVec) vec).get(index);
        }

        @Override
        Object set(Vec vec, long index, int seed) {
            return ((DoubleVec) vec).set(index, (Double) value(seed));
        }

        @Override
        void insert(Vec vec, long index, int seed) {
            ((DoubleVec) vec).insert(index, (Double) value(seed));
        }

        @Override
        Object remove(Vec vec, long index) {
            return ((DoubleVec) vec).remove(index);
        }

        @Override
        Object removeLast(Vec vec) {
            return ((DoubleVec) vec).removeLast();
        }

        @Override
        void fill(Vec vec, int seed) {
            ((DoubleVec) vec).fill((Double) value(seed));
        }

        @Override
        void fill(Vec vec, long from, long to, int seed) {
            ((DoubleVec) vec).fill(from, to, (Double) value(seed));
        }

        @Override
        void addAll(Vec vec, int[] seeds) {
            ((DoubleVec) vec).addAll(array(seeds));
        }

        @Override
        void addAll(Vec vec, int[] seeds, int offset, int length) {
            ((DoubleVec) vec).addAll(array(seeds), offset, length);
        }

        private double[] array(int[] seeds) {
            double[] values = new double[seeds.length];
            for (int i = 0; i < seeds.length; i++) {
                values[i] = (Double) value(seeds[i]);
            }
            return values;
        }

        @Override
        void addAll(Vec vec, MemorySegment source) {
            ((DoubleVec) vec).addAll(source);
        }

        @Override
        void addAll(Vec vec, Vec other) {
            ((DoubleVec) vec).addAll((DoubleVec) other);
        }

        @Override
        List<Object> toList(Vec vec) {
            List<Object> values = new ArrayList<>();
            for (double v : ((DoubleVec) vec).toArray()) {
                values.add(v);
            }
            return values;
        }

        @Override
        List<Object> streamed(Vec vec) {
            return new ArrayList<>(((DoubleVec) vec).stream().boxed().toList());
        }

        @Override
        List<Object> iterated(Vec vec) {
            List<Object> values = new ArrayList<>();
            ((DoubleVec) vec).iterator().forEachRemaining((double v) -> values.add(v));
            return values;
        }

        @Override
        void sort(Vec vec) {
            ((DoubleVec) vec).sort();
        }

        @Override
        long binarySearch(Vec vec, Object key) {
            return ((DoubleVec) vec).binarySearch((Double) key);
        }
    }

    /** A struct kind: {@link LayoutVec} driven through segments; elements are written field by field. */
    private abstract static class Structs extends VecKind {
        Structs(String name, MemoryLayout layout) {
            super(name, layout);
        }

        /** {@return a fresh one-element heap segment holding the element {@code seed} names} */
        final MemorySegment element(int seed) {
            return heapSegment(seed);
        }

        @Override
        final boolean hasArrays() {
            return false;
        }

        @Override
        final boolean isPrimitive() {
            return false;
        }

        @Override
        final Vec create(VecBuilder builder) {
            return builder.of(layout);
        }

        /** Appends through {@link LayoutVec#add()}, checking the new element is all zero before writing it. */
        @Override
        final void add(Vec vec, int seed) {
            MemorySegment e = ((LayoutVec) vec).add();
            assertZero(e, "LayoutVec.add()");
            write(e, 0, seed);
        }

        @Override
        final Object get(Vec vec, long index) {
            return read(((LayoutVec) vec).get(index), 0);
        }

        @Override
        final Object set(Vec vec, long index, int seed) {
            LayoutVec v = (LayoutVec) vec;
            Object old = index >= 0 && index < v.size() ? read(v.get(index), 0) : null;
            v.set(index, element(seed));
            return old;
        }

        /** Inserts through {@link LayoutVec#insert(long, MemorySegment)}. */
        @Override
        final void insert(Vec vec, long index, int seed) {
            ((LayoutVec) vec).insert(index, element(seed));
        }

        @Override
        final Object remove(Vec vec, long index) {
            LayoutVec v = (LayoutVec) vec;
            Object old = index >= 0 && index < v.size() ? read(v.get(index), 0) : null;
            v.remove(index);
            return old;
        }

        @Override
        final Object removeLast(Vec vec) {
            LayoutVec v = (LayoutVec) vec;
            Object old = v.isEmpty() ? null : read(v.get(v.size() - 1), 0);
            v.removeLast();
            return old;
        }

        @Override
        final void fill(Vec vec, int seed) {
            ((LayoutVec) vec).fill(element(seed));
        }

        @Override
        final void addAll(Vec vec, MemorySegment source) {
            ((LayoutVec) vec).addAll(source);
        }

        @Override
        final void addAll(Vec vec, Vec other) {
            ((LayoutVec) vec).addAll((LayoutVec) other);
        }

        @Override
        final List<Object> toList(Vec vec) {
            return new ArrayList<>(((LayoutVec) vec).elements().map(e -> read(e, 0)).toList());
        }

        @Override
        final List<Object> streamed(Vec vec) {
            return toList(vec);
        }

        @Override
        final List<Object> iterated(Vec vec) {
            List<Object> values = new ArrayList<>();
            ((LayoutVec) vec).elements().iterator().forEachRemaining(e -> values.add(read(e, 0)));
            return values;
        }
    }

    /** {@code struct {int x; int y; int z}}: 12 bytes, align 4, no padding. */
    record Xyz(int x, int y, int z) {
    }

    private static final class Xyzs extends Structs {
        Xyzs() {
            super("LayoutVec{int x, y, z}", MemoryLayout.structLayout(JAVA_INT.withName("x"),
                    JAVA_INT.withName("y"), JAVA_INT.withName("z")));
        }

        @Override
        Object value(int seed) {
            return new Xyz(seed, ~seed, seed * 31);
        }

        @Override
        void write(MemorySegment segment, long index, int seed) {
            segment.set(JAVA_INT, index * 12, seed);
            segment.set(JAVA_INT, index * 12 + 4, ~seed);
            segment.set(JAVA_INT, index * 12 + 8, seed * 31);
        }

        @Override
        Object read(MemorySegment segment, long index) {
            return new Xyz(segment.get(JAVA_INT, index * 12), segment.get(JAVA_INT, index * 12 + 4),
                    segment.get(JAVA_INT, index * 12 + 8));
        }
    }

    /** {@code struct {long a; byte b; 7 bytes of padding}}: 16 bytes, align 8. */
    record Padded(long a, byte b) {
    }

    private static final class Paddeds extends Structs {
        Paddeds() {
            super("LayoutVec{long a; byte b}", MemoryLayout.structLayout(JAVA_LONG.withName("a"),
                    JAVA_BYTE.withName("b"), MemoryLayout.paddingLayout(7)));
        }

        @Override
        Object value(int seed) {
            return new Padded(seed * 0x9E3779B97F4A7C15L, (byte) (seed ^ seed >>> 8));
        }

        @Override
        void write(MemorySegment segment, long index, int seed) {
            segment.set(JAVA_LONG, index * 16, seed * 0x9E3779B97F4A7C15L);
            segment.set(JAVA_BYTE, index * 16 + 8, (byte) (seed ^ seed >>> 8));
        }

        @Override
        Object read(MemorySegment segment, long index) {
            return new Padded(segment.get(JAVA_LONG, index * 16), segment.get(JAVA_BYTE, index * 16 + 8));
        }
    }

    /** Fails unless every byte of {@code segment} is zero. */
    static void assertZero(MemorySegment segment, String what) {
        for (long i = 0; i < segment.byteSize(); i++) {
            if (segment.get(JAVA_BYTE, i) != 0) {
                assertEquals(0, segment.get(JAVA_BYTE, i), what + ": byte " + i + " of " + segment.byteSize());
            }
        }
    }
}
