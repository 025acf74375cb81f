package dev.jalloc.vector;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.memory.Region;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.PrimitiveIterator;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;

/**
 * A vector of {@code double}s in native byte order: {@link Vec}'s growth without copying, with the list operations
 * of an {@code double[]}-backed list.
 *
 * {@snippet :
 * try (DoubleVec xs = DoubleVec.create()) {
 *     for (int i = 0; i < 1_000_000; i++) {
 *         xs.add(i * 0.5);
 *     }
 *     long start = xs.address();        // never changes, however far xs grows
 *     xs.sort();
 *     long at = xs.binarySearch(21.0);
 *     double total = xs.stream().sum();
 * }                                       // the reservation goes back to the OS
 * }
 */
public final class DoubleVec extends Vec {

    DoubleVec(Region region, boolean shared, long commitStep) {
        super("DoubleVec", JAVA_DOUBLE, region, shared, commitStep);
    }

    /**
     * {@return an empty confined vector with the default reservation and commit step}
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses the reservation
     */
    public static DoubleVec create() {
        return builder().ofDoubles();
    }

    /**
     * {@return an empty vector on the tail of {@code arena}}: its elements start at the arena's position (aligned)
     * and may grow to the end of the arena's current block, committing through the arena.
     *
     * <p>While the vector is open the arena refuses pushes, pops, clears and temps ({@link IllegalStateException}).
     * Closing the vector gives the tail back with its elements pushed: the arena's position moves past them and
     * they live on as arena memory (segments taken from the vector keep the arena's lifetime). Closing the arena
     * closes the vector. The vector is confined or shared as the arena is; its commit step is the arena's.
     *
     * @param arena the arena to take the tail of
     * @throws IllegalStateException         if the arena is closed or already lends its tail
     * @throws WrongThreadException          if the arena is confined to another thread
     * @throws UnsupportedOperationException if the arena is over heap memory
     * @throws dev.jalloc.OutOfNativeMemoryError if the current block has no room left
     */
    public static DoubleVec onTailOf(LinearArena arena) {
        return new DoubleVec(VecBuilder.tailOf(arena, JAVA_DOUBLE), arena.isShared(), arena.commitStep());
    }

    /**
     * Appends {@code value}.
     *
     * @param value the element
     * @throws dev.jalloc.OutOfNativeMemoryError if the vector is full or the OS refuses to commit
     * @throws IllegalStateException             if closed
     * @throws WrongThreadException              if used from a thread other than the owner
     */
    public void add(double value) {
        long s = size;
        if (s >= capacity || Thread.currentThread() != writer) {
            growForOne();
        }
        all.set(JAVA_DOUBLE, s * Double.BYTES, value);
        size = s + 1;
    }

    /**
     * Appends every element of {@code values}.
     *
     * @param values the elements
     * @throws dev.jalloc.OutOfNativeMemoryError if they do not fit or the OS refuses to commit
     * @throws IllegalStateException             if closed
     * @throws WrongThreadException              if used from a thread other than the owner
     */
    public void addAll(double[] values) {
        addAll(values, 0, values.length);
    }

    /**
     * Appends {@code length} elements of {@code values} from {@code offset}.
     *
     * @param values the elements
     * @param offset the index of the first array element to copy
     * @param length the number of array elements to copy
     * @throws IndexOutOfBoundsException         if the range is not within {@code values}
     * @throws dev.jalloc.OutOfNativeMemoryError if they do not fit or the OS refuses to commit
     * @throws IllegalStateException             if closed
     * @throws WrongThreadException              if used from a thread other than the owner
     */
    public void addAll(double[] values, int offset, int length) {
        checkArrayRange(values.length, offset, length);
        long s = reserveTail(length);
        MemorySegment.copy(values, offset, all, JAVA_DOUBLE, s * Double.BYTES, length);
        size = s + length;
    }

    /**
     * Appends the {@code double}s in {@code source}, read in native byte order; {@code source} may be a view of this
     * vector.
     *
     * @param source a segment holding whole elements
     * @throws IllegalArgumentException          if its size is not a multiple of 8 bytes
     * @throws dev.jalloc.OutOfNativeMemoryError if they do not fit or the OS refuses to commit
     * @throws IllegalStateException             if closed, or {@code source} is
     * @throws WrongThreadException              if used from a thread other than the owner
     */
    public void addAll(MemorySegment source) {
        appendFrom(source, 0, elementsIn(source));
    }

    /**
     * Appends every element of {@code other}, which may be this vector.
     *
     * @param other a vector of the same element layout
     * @throws dev.jalloc.OutOfNativeMemoryError if they do not fit or the OS refuses to commit
     * @throws IllegalStateException             if either vector is closed
     * @throws WrongThreadException              if used from a thread other than the owner, or {@code other} may
     *                                           not be read from this thread
     */
    public void addAll(DoubleVec other) {
        checkSameKind(other);
        appendFrom(other.all, 0, other.size);
    }

    /**
     * {@return the element at {@code index}}
     *
     * @param index the index of the element
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, size())}
     * @throws IllegalStateException     if closed
     * @throws WrongThreadException      if confined to another thread
     */
    public double get(long index) {
        checkReader();
        checkIndex(index);
        return all.get(JAVA_DOUBLE, index * Double.BYTES);
    }

    /**
     * Replaces the element at {@code index} and returns the old one.
     *
     * @param index the index of the element
     * @param value the element
     * @return the element it replaced
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, size())}
     * @throws IllegalStateException     if closed
     * @throws WrongThreadException      if confined to another thread
     */
    public double set(long index, double value) {
        checkReader();
        checkIndex(index);
        double old = all.get(JAVA_DOUBLE, index * Double.BYTES);
        all.set(JAVA_DOUBLE, index * Double.BYTES, value);
        return old;
    }

    /**
     * Inserts {@code value} at {@code index}, moving the elements at and after it up by one.
     *
     * @param index the index of the element
     * @param value the element
     * @throws IndexOutOfBoundsException         if {@code index} is outside {@code [0, size()]}
     * @throws dev.jalloc.OutOfNativeMemoryError if the vector is full or the OS refuses to commit
     * @throws IllegalStateException             if closed
     * @throws WrongThreadException              if used from a thread other than the owner
     */
    public void insert(long index, double value) {
        checkWriter();
        checkInsertIndex(index);
        openGap(index, 1);
        all.set(JAVA_DOUBLE, index * Double.BYTES, value);
    }

    /**
     * Removes the element at {@code index}, moving the elements after it down by one, and returns it.
     *
     * @param index the index of the element
     * @return the element removed
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, size())}
     * @throws IllegalStateException     if closed
     * @throws WrongThreadException      if used from a thread other than the owner
     */
    public double remove(long index) {
        checkWriter();
        checkIndex(index);
        double old = all.get(JAVA_DOUBLE, index * Double.BYTES);
        closeGap(index, 1);
        return old;
    }

    /**
     * Removes the last element and returns it.
     *
     * @return the element removed
     * @throws java.util.NoSuchElementException if empty
     * @throws IllegalStateException            if closed
     * @throws WrongThreadException             if used from a thread other than the owner
     */
    public double removeLast() {
        checkWriter();
        if (size == 0) {
            throw new java.util.NoSuchElementException("DoubleVec is empty");
        }
        double last = all.get(JAVA_DOUBLE, (size - 1) * Double.BYTES);
        size--;
        shrinkIfSlack();
        return last;
    }

    /**
     * Sets every element to {@code value}.
     *
     * @param value the element
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public void fill(double value) {
        checkReader();
        fill(0, size, value);
    }

    /**
     * Sets the elements in {@code [from, to)} to {@code value}.
     *
     * @param from the index of the first element
     * @param to the index past the last element
     * @param value the element
     * @throws IndexOutOfBoundsException if {@code [from, to)} is not within {@code [0, size()]}
     * @throws IllegalStateException     if closed
     * @throws WrongThreadException      if confined to another thread
     */
    public void fill(long from, long to, double value) {
        checkReader();
        checkRange(from, to);
        if (from < to) {
            all.set(JAVA_DOUBLE, from * Double.BYTES, value);
            replicate(from, to);
        }
    }

    /**
     * Sorts the elements in ascending order, in place, in the order of {@link Double#compare}: {@code -0.0}
     * before {@code 0.0}, NaNs last.
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     * @implNote Up to 2<sup>27</sup> elements at a time are sorted with {@link Arrays#sort(double[])} in a heap array
     * (so a sort briefly takes up to 1 GiB of heap); longer vectors are sorted in such runs and merged through a
     * native buffer of the vector's size.
     */
    public void sort() {
        sortInRuns(SORT_RUN);
    }

    @Override
    void sortRun(long from, long to) {
        double[] run = all.asSlice(from * Double.BYTES, (to - from) * Double.BYTES).toArray(JAVA_DOUBLE);
        Arrays.sort(run);
        MemorySegment.copy(run, 0, all, JAVA_DOUBLE, from * Double.BYTES, run.length);
    }

    @Override
    long sortKey(MemorySegment segment, long offset) {
        // Double.compare's order as a signed long: NaNs collapse to one value above +Infinity, -0.0 < 0.0.
        long bits = Double.doubleToLongBits(segment.get(JAVA_DOUBLE, offset));
        return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    /**
     * Searches the sorted elements for {@code key}, comparing as {@link Double#compare} does.
     *
     * @param key the element to look for
     * @return the index of an element equal to {@code key}, or {@code -(insertion point) - 1}
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public long binarySearch(double key) {
        checkReader();
        long lo = 0;
        long hi = size - 1;
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            int order = Double.compare(all.get(JAVA_DOUBLE, mid * Double.BYTES), key);
            if (order < 0) {
                lo = mid + 1;
            } else if (order > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /**
     * {@return a copy of the elements in a new array}
     *
     * @throws IllegalStateException if closed, or the vector holds more than {@code Integer.MAX_VALUE - 8} elements
     * @throws WrongThreadException  if confined to another thread
     */
    public double[] toArray() {
        checkReader();
        return all.asSlice(0, (long) arrayLength() * Double.BYTES).toArray(JAVA_DOUBLE);
    }

    /**
     * {@return a sequential stream of the elements in {@code [0, size())}, with {@code size()} read now}
     *
     * <p>It reads the vector as it is when each element is reached: structural changes during the traversal give
     * unspecified values (never an access outside the reservation). It may be made parallel when the vector is
     * shared.
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public DoubleStream stream() {
        checkReader();
        return LongStream.range(0, size).mapToDouble(i -> all.get(JAVA_DOUBLE, i * Double.BYTES));
    }

    /**
     * {@return an iterator over the elements, as {@link #stream()} traverses them}
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public PrimitiveIterator.OfDouble iterator() {
        return stream().iterator();
    }
}
