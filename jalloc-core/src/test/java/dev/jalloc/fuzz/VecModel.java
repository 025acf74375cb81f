package dev.jalloc.fuzz;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.jalloc.vector.DoubleVec;
import dev.jalloc.vector.IntVec;
import dev.jalloc.vector.LongVec;
import dev.jalloc.vector.Vec;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The model of one vector: a list of elements, each a {@code long} (an int or long value, a double's raw bits, or
 * for a {@link dev.jalloc.vector.LayoutVec} a seed whose bytes are {@link #pattern}: seed 0 is a zeroed element).
 */
final class VecModel implements ArenaModel.TailHolder {
    static final int INTS = 0;
    static final int LONGS = 1;
    static final int DOUBLES = 2;
    static final int LAYOUT = 3;

    final Vec vec;
    final int kind;
    final MemoryLayout layout;
    final long stride;
    final String name;
    final boolean shared;
    final ArenaModel arena;
    final long address;
    boolean closed;
    boolean sorted;
    long[] elems = new long[16];
    int size;

    private final Memory memory;

    VecModel(Vec vec, int kind, String name, boolean shared, ArenaModel arena, Memory memory) {
        this.memory = memory;
        this.vec = vec;
        this.kind = kind;
        this.layout = vec.elementLayout();
        this.stride = layout.byteSize();
        this.name = name;
        this.shared = shared;
        this.arena = arena;
        this.address = vec.address();
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public void takenAway() {
        closed = true;
        memory.release(address);
    }

    long[] observe() {
        return closed ? new long[] {-1, arenaCommitted()}
                : new long[] {vec.size(), vec.capacity(), vec.committedBytes(), arenaCommitted()};
    }

    private long arenaCommitted() {
        return arena == null ? 0 : arena.arena.committedBytes();
    }

    // ---- the list ----

    long get(long i) {
        return elems[(int) i];
    }

    void add(long v) {
        insert(size, v);
    }

    void insert(long index, long v) {
        if (size == elems.length) {
            elems = Arrays.copyOf(elems, size * 2);
        }
        int i = (int) index;
        System.arraycopy(elems, i, elems, i + 1, size - i);
        elems[i] = v;
        size++;
        sorted = false;
    }

    void removeRange(long index, long count) {
        int i = (int) index;
        int n = (int) count;
        System.arraycopy(elems, i + n, elems, i, size - i - n);
        size -= n;
    }

    void truncate(long n) {
        size = (int) n;
    }

    // ---- elements in memory ----

    static long pattern(long seed, long i) {
        if (seed == 0) {
            return 0;
        }
        long x = seed * 0x9E3779B97F4A7C15L + (i >>> 3);
        x ^= x >>> 29;
        return (x * 0xBF58476D1CE4E5B9L) >>> (8 * (i & 7));
    }

    /** Writes the element {@code v} at byte {@code offset} of {@code s}. */
    void write(MemorySegment s, long offset, long v) {
        switch (kind) {
            case INTS -> s.set(JAVA_INT_UNALIGNED, offset, (int) v);
            case LONGS -> s.set(JAVA_LONG_UNALIGNED, offset, v);
            case DOUBLES -> s.set(JAVA_DOUBLE_UNALIGNED, offset, Double.longBitsToDouble(v));
            default -> {
                for (long i = 0; i < stride; i++) {
                    s.set(JAVA_BYTE, offset + i, (byte) pattern(v, i));
                }
            }
        }
    }

    /** {@return whether the element at byte {@code offset} of {@code s} is {@code v}} */
    boolean matches(MemorySegment s, long offset, long v) {
        switch (kind) {
            case INTS -> {
                return s.get(JAVA_INT_UNALIGNED, offset) == (int) v;
            }
            case LONGS, DOUBLES -> {
                return s.get(JAVA_LONG_UNALIGNED, offset) == v;
            }
            default -> {
                for (long i = 0; i < stride; i++) {
                    if (s.get(JAVA_BYTE, offset + i) != (byte) pattern(v, i)) {
                        return false;
                    }
                }
                return true;
            }
        }
    }

    /** A heap segment holding {@code count} elements starting with model values {@code values}. */
    MemorySegment elements(long[] values, int from, int count) {
        MemorySegment s = MemorySegment.ofArray(new byte[(int) (count * stride)]);
        for (int i = 0; i < count; i++) {
            write(s, i * stride, values[from + i]);
        }
        return s;
    }

    /** Checks every element (or {@code sample} random ones) through a segment of the live elements. */
    void verify(Fuzz fuzz, int sample, String when) {
        if (closed) {
            return;
        }
        Fuzz.check(vec.size() == size, name + ": size() " + vec.size() + ", model says " + size + " (" + when + ")");
        long capacity = vec.capacity();
        Fuzz.check(capacity >= size && capacity <= vec.maxCapacity() && vec.committedBytes() >= capacity * stride,
                name + ": capacity " + capacity + " with size " + size + ", committed " + vec.committedBytes()
                        + ", max " + vec.maxCapacity() + " (" + when + ")");
        Fuzz.check(vec.address() == address, name + ": address moved");
        MemorySegment all = vec.segment();
        int n = sample <= 0 || size <= sample ? size : sample;
        for (int k = 0; k < n; k++) {
            int i = n == size ? k : fuzz.draw.nextInt(size);
            if (!matches(all, i * stride, elems[i])) {
                throw new Violation(name + ": element " + i + " of " + size + " is not the model's " + elems[i]
                        + " (" + when + ")");
            }
        }
    }

    /** Reads the vector back into the model: after concurrent element writes, whose winners are unknown. */
    void resync() {
        MemorySegment all = vec.segment();
        size = (int) vec.size();
        elems = Arrays.copyOf(elems, Math.max(16, size));
        for (int i = 0; i < size; i++) {
            elems[i] = switch (kind) {
                case INTS -> all.get(JAVA_INT, i * stride);
                case LONGS, DOUBLES -> all.get(JAVA_LONG, i * stride);
                default -> throw new IllegalStateException("layout vectors are not written concurrently");
            };
        }
        sorted = false;
    }

    static long value(Vec v, long i) {
        return switch (v) {
            case IntVec iv -> iv.get(i);
            case LongVec lv -> lv.get(i);
            case DoubleVec dv -> Double.doubleToRawLongBits(dv.get(i));
            default -> throw new IllegalArgumentException();
        };
    }
}
