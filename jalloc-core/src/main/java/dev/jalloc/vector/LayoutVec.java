package dev.jalloc.vector;

import dev.jalloc.internal.util.Checks;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.internal.memory.Region;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * A vector whose element is any {@link MemoryLayout}, structs included: elements are
 * {@code elementLayout().byteSize()} bytes apart, as in a {@link java.lang.foreign.SequenceLayout}, and are read
 * and written through segments and the layout's var handles.
 *
 * {@snippet :
 * StructLayout point = MemoryLayout.structLayout(
 *         ValueLayout.JAVA_INT.withName("x"), ValueLayout.JAVA_INT.withName("y"));
 * VarHandle x = point.varHandle(MemoryLayout.PathElement.groupElement("x"));
 * try (LayoutVec points = LayoutVec.create(point)) {
 *     MemorySegment p = points.add();          // a zeroed element, in place
 *     x.set(p, 0L, 42);
 *     int first = (int) x.get(points.get(0), 0L);
 * }
 * }
 */
public final class LayoutVec extends Vec {

    LayoutVec(MemoryLayout elementLayout, Region region, boolean shared, long commitStep) {
        super("LayoutVec", elementLayout, region, shared, commitStep);
    }

    /**
     * {@return an empty confined vector of {@code elementLayout} with the default reservation and commit step}
     *
     * @param elementLayout the layout of one element
     * @throws IllegalArgumentException          if the layout cannot be an array element here (see
     *                                           {@link VecBuilder#of(MemoryLayout)})
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses the reservation
     */
    public static LayoutVec create(MemoryLayout elementLayout) {
        return builder().of(elementLayout);
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
     * @param elementLayout the layout of one element
     * @throws IllegalArgumentException      if the layout cannot be an array element here
     * @throws IllegalStateException         if the arena is closed or already lends its tail
     * @throws WrongThreadException          if the arena is confined to another thread
     * @throws UnsupportedOperationException if the arena is over heap memory
     * @throws dev.jalloc.OutOfNativeMemoryError if the current block has no room left
     */
    public static LayoutVec onTailOf(LinearArena arena, MemoryLayout elementLayout) {
        return new LayoutVec(elementLayout, VecBuilder.tailOf(arena, elementLayout), arena.isShared(),
                arena.commitStep());
    }

    /**
     * Appends a zeroed element and returns it.
     *
     * @return a segment over the new element, with this vector's lifetime
     * @throws dev.jalloc.OutOfNativeMemoryError if the vector is full or the OS refuses to commit
     * @throws IllegalStateException             if closed
     * @throws WrongThreadException              if used from a thread other than the owner
     */
    public MemorySegment add() {
        long s = reserveTail(1);
        MemorySegment element = all.asSlice(s * stride, stride).fill((byte) 0);
        size = s + 1;
        return element;
    }

    /**
     * Appends a copy of {@code element}, which may be one of this vector's own.
     *
     * @param element a segment holding one element, of the element layout's size
     * @throws IllegalArgumentException          if {@code element} is not exactly one element long
     * @throws dev.jalloc.OutOfNativeMemoryError if the vector is full or the OS refuses to commit
     * @throws IllegalStateException             if closed, or {@code element} is
     * @throws WrongThreadException              if used from a thread other than the owner
     */
    public void add(MemorySegment element) {
        checkElement(element);
        appendFrom(element, 0, 1);
    }

    /**
     * Appends the elements in {@code source}, laid out as a sequence of this vector's layout; it may be a view of
     * this vector.
     *
     * @param source a segment holding whole elements
     * @throws IllegalArgumentException          if its size is not a multiple of the element size
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
     * @throws IllegalArgumentException          if {@code other} has another element layout
     * @throws dev.jalloc.OutOfNativeMemoryError if they do not fit or the OS refuses to commit
     * @throws IllegalStateException             if either vector is closed
     * @throws WrongThreadException              if used from a thread other than the owner, or {@code other} may
     *                                           not be read from this thread
     */
    public void addAll(LayoutVec other) {
        checkSameKind(other);
        appendFrom(other.all, 0, other.size);
    }

    /**
     * {@return a segment over the element at {@code index}}: not a copy; it has this vector's lifetime and stays
     * over the same address, whatever moves into it later.
     *
     * @param index the index of the element
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, size())}
     * @throws IllegalStateException     if closed
     * @throws WrongThreadException      if confined to another thread
     */
    public MemorySegment get(long index) {
        checkReader();
        checkIndex(index);
        return all.asSlice(index * stride, stride);
    }

    /**
     * Copies {@code element} over the element at {@code index}.
     *
     * @param index the index of the element
     * @param element a segment holding one element, of the element layout's size
     * @throws IllegalArgumentException  if {@code element} is not exactly one element long
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, size())}
     * @throws IllegalStateException     if closed, or {@code element} is
     * @throws WrongThreadException      if confined to another thread
     */
    public void set(long index, MemorySegment element) {
        checkReader();
        checkElement(element);
        checkIndex(index);
        MemorySegment.copy(element, 0, all, index * stride, stride);
    }

    /**
     * Inserts a zeroed element at {@code index}, moving the elements at and after it up by one, and returns it.
     *
     * @param index the index of the element
     * @return a segment over the new element
     * @throws IndexOutOfBoundsException         if {@code index} is outside {@code [0, size()]}
     * @throws dev.jalloc.OutOfNativeMemoryError if the vector is full or the OS refuses to commit
     * @throws IllegalStateException             if closed
     * @throws WrongThreadException              if used from a thread other than the owner
     */
    public MemorySegment insert(long index) {
        checkWriter();
        checkInsertIndex(index);
        openGap(index, 1);
        return all.asSlice(index * stride, stride).fill((byte) 0);
    }

    /**
     * Inserts a copy of {@code element} (which may be one of this vector's own) at {@code index}, moving the
     * elements at and after it up by one.
     *
     * @param index the index of the element
     * @param element a segment holding one element, of the element layout's size
     * @throws IllegalArgumentException          if {@code element} is not exactly one element long
     * @throws IndexOutOfBoundsException         if {@code index} is outside {@code [0, size()]}
     * @throws dev.jalloc.OutOfNativeMemoryError if the vector is full or the OS refuses to commit
     * @throws IllegalStateException             if closed, or {@code element} is
     * @throws WrongThreadException              if used from a thread other than the owner
     */
    public void insert(long index, MemorySegment element) {
        checkWriter();
        checkElement(element);
        checkInsertIndex(index);
        // The gap moves the tail, and element may lie in it: copy it out first.
        byte[] copy = element.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        openGap(index, 1);
        MemorySegment.copy(MemorySegment.ofArray(copy), 0, all, index * stride, stride);
    }

    /**
     * Removes the element at {@code index}, moving the elements after it down by one.
     *
     * @param index the index of the element
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, size())}
     * @throws IllegalStateException     if closed
     * @throws WrongThreadException      if used from a thread other than the owner
     */
    public void remove(long index) {
        checkWriter();
        checkIndex(index);
        closeGap(index, 1);
    }

    /**
     * Removes the last element.
     *
     * @throws NoSuchElementException if empty
     * @throws IllegalStateException  if closed
     * @throws WrongThreadException   if used from a thread other than the owner
     */
    public void removeLast() {
        checkWriter();
        if (size == 0) {
            throw new NoSuchElementException("LayoutVec is empty");
        }
        size--;
        shrinkIfSlack();
    }

    /**
     * Copies {@code element} over every element.
     *
     * @param element a segment holding one element, of the element layout's size
     * @throws IllegalArgumentException if {@code element} is not exactly one element long
     * @throws IllegalStateException    if closed, or {@code element} is
     * @throws WrongThreadException     if confined to another thread
     */
    public void fill(MemorySegment element) {
        checkReader();
        checkElement(element);
        checkReadable(element);
        if (size > 0) {
            MemorySegment.copy(element, 0, all, 0, stride);
            replicate(0, size);
        }
    }

    /**
     * {@return the byte offset of element {@code index} in {@link #segment()}: {@code index * elementLayout().byteSize()}}
     *
     * @param index the index of the element
     */
    public long offsetOf(long index) {
        return index * stride;
    }

    /**
     * {@return the live elements as segments, in order}: {@code segment().elements(elementLayout())}.
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public Stream<MemorySegment> elements() {
        return segment().elements(elementLayout());
    }

    private void checkElement(MemorySegment element) {
        if (element.byteSize() != stride) {
            throw Checks.illegalArgument("element.byteSize()", element.byteSize(), "the element size " + stride);
        }
    }
}
