package dev.jalloc.vector;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.memory.Region;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.PrimitiveIterator;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * A vector of {@code int}s in native byte order: {@link Vec}'s growth without copying, with the list operations
 * of an {@code int[]}-backed list.
 *
 * {@snippet :
 * try (IntVec ids = IntVec.create()) {
 *     for (int i = 0; i < 1_000_000; i++) {
 *         ids.add(i * 7 % 1000);
 *     }
 *     long start = ids.address();       // never changes, however far ids grows
 *     ids.sort();
 *     long at = ids.binarySearch(42);
 *     int total = ids.stream().sum();
 * }                                       // the reservation goes back to the OS
 * }
 */
public final class IntVec extends Vec {

    IntVec(Region region, boolean shared, long commitStep) {
        super("IntVec", JAVA_INT, region, shared, commitStep);
    }

    /**
     * {@return an empty confined vector with the default reservation and commit step}
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses the reservation
     */
    public static IntVec create() {
        return builder().ofInts();
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
    public static IntVec onTailOf(LinearArena arena) {
        return new IntVec(VecBuilder.tailOf(arena, JAVA_INT), arena.isShared(), arena.commitStep());
    }

    /**
     * Appends {@code value}.
     *
     * @param value the element
     * @throws dev.jalloc.OutOfNativeMemoryError if the vector is full or the OS refuses to commit
     * @throws IllegalStateException             if closed
     * @throws WrongThreadException              if used from a thread other than the owner
     */
    public void add(int value) {
        long s = size;
        if (s >= capacity || Thread.currentThread() != writer) {
            growForOne();
        }
        all.set(JAVA_INT, s * Integer.BYTES, value);
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
    public void addAll(int[] values) {
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
    public void addAll(int[] values, int offset, int length) {
        checkArrayRange(values.length, offset, length);
        long s = reserveTail(length);
        MemorySegment.copy(values, offset, all, JAVA_INT, s * Integer.BYTES, length);
        size = s + length;
    }

    /**
     * Appends the {@code int}s in {@code source}, read in native byte order; {@code source} may be a view of this
     * vector.
     *
     * @param source a segment holding whole elements
     * @throws IllegalArgumentException          if its size is not a multiple of 4 bytes
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
    public void addAll(IntVec other) {
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
    public int get(long index) {
        checkReader();
        checkIndex(index);
        return all.get(JAVA_INT, index * Integer.BYTES);
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
    public int set(long index, int value) {
        checkReader();
        checkIndex(index);
        int old = all.get(JAVA_INT, index * Integer.BYTES);
        all.set(JAVA_INT, index * Integer.BYTES, value);
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
    public void insert(long index, int value) {
        checkWriter();
        checkInsertIndex(index);
        openGap(index, 1);
        all.set(JAVA_INT, index * Integer.BYTES, value);
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
    public int remove(long index) {
        checkWriter();
        checkIndex(index);
        int old = all.get(JAVA_INT, index * Integer.BYTES);
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
    public int removeLast() {
        checkWriter();
        if (size == 0) {
            throw new java.util.NoSuchElementException("IntVec is empty");
        }
        int last = all.get(JAVA_INT, (size - 1) * Integer.BYTES);
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
    public void fill(int value) {
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
    public void fill(long from, long to, int value) {
        checkReader();
        checkRange(from, to);
        if (from < to) {
            all.set(JAVA_INT, from * Integer.BYTES, value);
            replicate(from, to);
        }
    }

    /**
     * Sorts the elements in ascending order, in place.
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     * @implNote Up to 2<sup>27</sup> elements at a time are sorted with {@link Arrays#sort(int[])} in a heap array
     * (so a sort briefly takes up to 512 MiB of heap); longer vectors are sorted in such runs and merged through a
     * native buffer of the vector's size.
     */
    public void sort() {
        sortInRuns(SORT_RUN);
    }

    @Override
    void sortRun(long from, long to) {
        int[] run = all.asSlice(from * Integer.BYTES, (to - from) * Integer.BYTES).toArray(JAVA_INT);
        Arrays.sort(run);
        MemorySegment.copy(run, 0, all, JAVA_INT, from * Integer.BYTES, run.length);
    }

    @Override
    long sortKey(MemorySegment segment, long offset) {
        return segment.get(JAVA_INT, offset);
    }

    /**
     * Searches the sorted elements for {@code key}.
     *
     * @param key the element to look for
     * @return the index of an element equal to {@code key}, or {@code -(insertion point) - 1}
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public long binarySearch(int key) {
        checkReader();
        long lo = 0;
        long hi = size - 1;
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            int v = all.get(JAVA_INT, mid * Integer.BYTES);
            if (v < key) {
                lo = mid + 1;
            } else if (v > key) {
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
    public int[] toArray() {
        checkReader();
        return all.asSlice(0, (long) arrayLength() * Integer.BYTES).toArray(JAVA_INT);
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
    public IntStream stream() {
        checkReader();
        return LongStream.range(0, size).mapToInt(i -> all.get(JAVA_INT, i * Integer.BYTES));
    }

    /**
     * {@return an iterator over the elements, as {@link #stream()} traverses them}
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public PrimitiveIterator.OfInt iterator() {
        return stream().iterator();
    }
}
