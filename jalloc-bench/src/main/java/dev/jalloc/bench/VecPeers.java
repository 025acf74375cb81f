package dev.jalloc.bench;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The copying peers of the vectors that no library provides, written as a user would write them: a primitive array
 * that doubles, and a native segment from {@code Arena.ofConfined()} that doubles by allocate-and-copy. Each keeps
 * the theoretical peak of its backing memory: at the last growth both the old and the new backing are live.
 *
 * <pre>
 *   capacity:   16, 32, 64, ... (doubling; a growth copies size elements into a new backing twice as large)
 *   peakBytes:  max over growths of (old capacity + new capacity) * element size
 * </pre>
 *
 * <p>{@code ArrayList} and fastutil's lists grow by 1.5x instead; {@link #arrayListCapacities} and
 * {@link #fastutilCapacities} reproduce their growth so that their theoretical peak can be computed too.
 */
final class VecPeers {
    /** The first capacity of the doubling peers, in elements. */
    static final int INITIAL_CAPACITY = 16;

    private VecPeers() {
    }

    /** An {@code int[]} with a size, doubled by {@link Arrays#copyOf} when full. */
    static final class DoublingIntArray {
        int[] elements = new int[INITIAL_CAPACITY];
        int size;
        long peakBytes = (long) INITIAL_CAPACITY * Integer.BYTES;

        void add(int value) {
            if (size == elements.length) {
                grow();
            }
            elements[size++] = value;
        }

        private void grow() {
            int[] bigger = Arrays.copyOf(elements, Math.multiplyExact(elements.length, 2));
            peakBytes = Math.max(peakBytes, ((long) elements.length + bigger.length) * Integer.BYTES);
            elements = bigger;
        }
    }

    /** A {@code long[]} with a size, doubled by {@link Arrays#copyOf} when full. */
    static final class DoublingLongArray {
        long[] elements = new long[INITIAL_CAPACITY];
        int size;
        long peakBytes = (long) INITIAL_CAPACITY * Long.BYTES;

        void add(long value) {
            if (size == elements.length) {
                grow();
            }
            elements[size++] = value;
        }

        private void grow() {
            long[] bigger = Arrays.copyOf(elements, Math.multiplyExact(elements.length, 2));
            peakBytes = Math.max(peakBytes, ((long) elements.length + bigger.length) * Long.BYTES);
            elements = bigger;
        }
    }

    /**
     * {@code int}s in a native segment of its own {@code Arena.ofConfined()}; growing allocates a segment twice as
     * large in a new arena (which zeroes it), copies, and closes the old arena (which frees the old segment).
     */
    static final class DoublingIntSegment implements AutoCloseable {
        Arena arena = Arena.ofConfined();
        MemorySegment elements = arena.allocate((long) INITIAL_CAPACITY * Integer.BYTES, Integer.BYTES);
        long capacity = INITIAL_CAPACITY;
        long size;
        long peakBytes = elements.byteSize();

        void add(int value) {
            if (size == capacity) {
                grow();
            }
            elements.set(JAVA_INT, size * Integer.BYTES, value);
            size++;
        }

        private void grow() {
            Arena next = Arena.ofConfined();
            MemorySegment bigger = next.allocate(2 * elements.byteSize(), Integer.BYTES);
            MemorySegment.copy(elements, 0, bigger, 0, elements.byteSize());
            peakBytes = Math.max(peakBytes, elements.byteSize() + bigger.byteSize());
            arena.close();
            arena = next;
            elements = bigger;
            capacity = bigger.byteSize() / Integer.BYTES;
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /** {@code long}s in a native segment, grown as {@link DoublingIntSegment} grows. */
    static final class DoublingLongSegment implements AutoCloseable {
        Arena arena = Arena.ofConfined();
        MemorySegment elements = arena.allocate((long) INITIAL_CAPACITY * Long.BYTES, Long.BYTES);
        long capacity = INITIAL_CAPACITY;
        long size;
        long peakBytes = elements.byteSize();

        void add(long value) {
            if (size == capacity) {
                grow();
            }
            elements.set(JAVA_LONG, size * Long.BYTES, value);
            size++;
        }

        private void grow() {
            Arena next = Arena.ofConfined();
            MemorySegment bigger = next.allocate(2 * elements.byteSize(), Long.BYTES);
            MemorySegment.copy(elements, 0, bigger, 0, elements.byteSize());
            peakBytes = Math.max(peakBytes, elements.byteSize() + bigger.byteSize());
            arena.close();
            arena = next;
            elements = bigger;
            capacity = bigger.byteSize() / Long.BYTES;
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /**
     * {@return the backing array lengths an {@code ArrayList()} goes through while {@code n} elements are added one
     * by one}: 10 at the first add, then {@code old + (old >> 1)} (JDK 25 {@code ArrayList.grow} with
     * {@code ArraysSupport.newLength}).
     */
    static long[] arrayListCapacities(long n) {
        return capacities(n, 10);
    }

    /**
     * {@return the backing array lengths a fastutil {@code IntArrayList()} or {@code LongArrayList()} goes through
     * while {@code n} elements are added one by one}: 10 at the first add, then {@code old + (old >> 1)}
     * (fastutil 8.5 {@code grow}).
     */
    static long[] fastutilCapacities(long n) {
        return capacities(n, 10);
    }

    private static long[] capacities(long n, long first) {
        long[] out = new long[64];
        int count = 0;
        long capacity = first;
        out[count++] = capacity;
        while (capacity < n) {
            capacity = capacity + Math.max(1, capacity >> 1);
            out[count++] = capacity;
        }
        return Arrays.copyOf(out, count);
    }
}
