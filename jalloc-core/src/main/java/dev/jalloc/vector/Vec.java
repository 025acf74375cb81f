package dev.jalloc.vector;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.internal.util.Checks;
import dev.jalloc.internal.util.Confinement;
import dev.jalloc.internal.jfr.Jfr;
import dev.jalloc.internal.memory.Region;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A growable array of fixed-size elements in one reservation of virtual memory: it grows by committing pages,
 * never by copying, so the {@linkplain #address() address} of its elements never changes and a
 * {@link MemorySegment} taken from it stays valid, and sees later writes, however much it grows.
 *
 * <p>The kinds: {@link IntVec}, {@link LongVec} and {@link DoubleVec} for primitives, {@link LayoutVec} for any
 * {@link MemoryLayout} (structs included). Build one with {@link #builder()} or a kind's {@code create()}.
 *
 * <h2>Memory</h2>
 * A vector reserves {@link #reservedBytes()} of address space up front ({@value #DEFAULT_RESERVE_SIZE} bytes by
 * default), which costs no memory, and commits pages as it grows: while small, the committed size doubles from one
 * page; from {@link VecBuilder#commitStep(long) the commit step} on ({@value #DEFAULT_COMMIT_STEP} bytes by
 * default) it grows one step at a time. So {@link #committedBytes()} never exceeds the live bytes by more than one
 * commit step (or one page, when the live bytes are below a page).
 *
 * <p>Shrinking gives pages back, with slack so that a vector going back and forth around a boundary does not call
 * the OS each time: a removal that leaves more than two commit steps committed above the live elements purges
 * down to one step above them, but never below a capacity asked for with {@link #ensureCapacity};
 * {@link #trimToSize()} purges everything above the live elements' last page.
 * Purged pages stay readable and writable (they read as zero) until {@link #close()}, so a segment that outlived
 * a shrink reads zeros or stale values, never crashes the JVM.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li><b>Confined</b> (the default): only the thread that built the vector may use it or its segments; any other
 *       gets {@link WrongThreadException} and the vector is unchanged.</li>
 *   <li><b>{@linkplain VecBuilder#shared(boolean) Shared}</b>: any thread may read and write elements
 *       ({@code get}, {@code set}, {@code fill}, {@code sort}, streams, {@link #segment()}), with the usual rules of
 *       the Java memory model for plain accesses: publish what you wrote through a happens-before edge. Only the
 *       building thread may change the structure (add, insert, remove, clear, ensureCapacity, trimToSize, close):
 *       others get {@link WrongThreadException}. An element access that races with a structural change reads or
 *       writes the wrong element, never unmapped memory.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * A refused operation leaves the vector exactly as it was. {@link IndexOutOfBoundsException}: an index outside
 * {@code [0, size())} ({@code [0, size()]} for inserts), or a range outside the array it names.
 * {@link IllegalArgumentException}: a negative count, a segment whose size is not a whole number of elements.
 * {@link IllegalStateException}: any use after {@link #close()}. {@link WrongThreadException}: as above.
 * {@link OutOfNativeMemoryError}: the reservation is full ({@link #maxCapacity()} elements) or the OS refused to
 * commit.
 *
 * @implNote Appending is a few instructions while the committed pages have room; growing is one or two system calls
 * per commit step (commit, and by default populate, which maps the step's pages at once rather than taking a page
 * fault on each). Inserting and removing at an index move the tail with one {@code memmove}.
 */
public abstract sealed class Vec implements AutoCloseable permits IntVec, LongVec, DoubleVec, LayoutVec {
    /** The reservation of a vector: 64 GiB of address space, which costs nothing until committed. */
    public static final long DEFAULT_RESERVE_SIZE = 64L << 30;
    /** The commit step of a vector: 2 MiB, the largest single growth of the committed size. */
    public static final long DEFAULT_COMMIT_STEP = 2L << 20;
    /** The largest array {@code toArray} makes (the JDK's own limit on array lengths). */
    static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    final String kind;
    private final MemoryLayout elementLayout;
    /** Bytes per element: the layout's size, a multiple of its alignment. */
    final long stride;
    final Region region;
    /** The whole reservation, with the vector's lifetime: every element access goes through it. */
    final MemorySegment all;
    private final Thread owner;
    private final boolean shared;
    final long commitStep;
    final long maxCapacity;
    /** Removals leaving more than this many committed elements above the live ones shrink the vector. */
    final long shrinkSlack;
    /** The capacity asked for by {@link #ensureCapacity}: removals do not shrink below it; trimToSize does. */
    long keptCapacity;
    /** The owner while open, null once closed: one comparison checks both. */
    Thread writer;
    /** Live elements. */
    long size;
    /** Committed elements: appends below it need no system call. */
    long capacity;

    Vec(String kind, MemoryLayout elementLayout, Region region, boolean shared, long commitStep) {
        this.kind = kind;
        this.elementLayout = elementLayout;
        this.stride = elementLayout.byteSize();
        this.region = region;
        this.shared = shared;
        this.owner = Thread.currentThread();
        this.writer = owner;
        this.commitStep = Bits.roundUp(commitStep, region.pageSize());
        this.maxCapacity = region.reservedBytes() / stride;
        this.shrinkSlack = Math.max(1, 2 * this.commitStep / stride);
        this.all = region.segment();
        this.capacity = region.committedBytes() / stride;
        region.onTakenAway(this::markClosed);
        Jfr.register(usageSource);
    }

    /** What the periodic JFR usage event reads: racy reads from the recorder's thread, nothing once closed. */
    private final Jfr.UsageSource usageSource = new Jfr.UsageSource() {
        @Override
        public String kind() {
            return kind;
        }

        @Override
        public long[] usage() {
            return writer == null ? null : new long[] {region.reservedBytes(), region.committedBytes(), size * stride};
        }
    };

    /** {@return a builder for vectors with the default reservation, commit step and confinement} */
    public static VecBuilder builder() {
        return new VecBuilder();
    }

    // ---- sizes ----

    /**
     * {@return the number of elements}
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public final long size() {
        checkReader();
        return size;
    }

    /**
     * {@return whether there are no elements}
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public final boolean isEmpty() {
        return size() == 0;
    }

    /**
     * {@return how many elements fit in the committed pages}: appending up to it makes no system call.
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public final long capacity() {
        checkReader();
        return capacity;
    }

    /** {@return the most elements this vector can ever hold: its reservation divided by the element size} */
    public final long maxCapacity() {
        return maxCapacity;
    }

    /** {@return the layout of one element} */
    public final MemoryLayout elementLayout() {
        return elementLayout;
    }

    /**
     * {@return the bytes of the live elements: {@code size() * elementLayout().byteSize()}}
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public final long byteSize() {
        return size() * stride;
    }

    /**
     * {@return the committed bytes: what this vector costs in memory}
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public final long committedBytes() {
        checkReader();
        return region.committedBytes();
    }

    /**
     * {@return a snapshot of the vector's numbers in one record} One question to the kernel per GiB of committed
     * memory, for the resident bytes.
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public final VecStats stats() {
        checkReader();
        long n = size();
        return new VecStats(n, capacity, n * stride, region.committedBytes(), region.usage().peakCommittedBytes(),
                region.reservedBytes(), region.residentBytes(), region.usage().osCalls());
    }

    /** {@return the reserved bytes of address space} */
    public final long reservedBytes() {
        return region.reservedBytes();
    }

    /** {@return the commit step in bytes (a multiple of the page size)} */
    public final long commitStep() {
        return commitStep;
    }

    /**
     * {@return the address of element 0}: it never changes while the vector is open.
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public final long address() {
        checkReader();
        return region.address();
    }

    /**
     * {@return a segment over the live elements, without copying}
     *
     * <p>It has this vector's lifetime: it stays valid (and sees every later write) as the vector grows, and
     * becomes inaccessible when the vector is closed. It does not grow with the vector; take a new one for
     * elements appended later. Of a confined vector it is accessible from the owner thread only.
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if confined to another thread
     */
    public final MemorySegment segment() {
        checkReader();
        return all.asSlice(0, size * stride);
    }

    // ---- structure ----

    /**
     * Commits pages so that {@code minCapacity} elements fit without another system call. The capacity stays:
     * removals do not shrink the vector below it, until {@link #trimToSize()}.
     *
     * @param minCapacity the number of elements that must fit
     * @throws IllegalArgumentException if {@code minCapacity} is negative
     * @throws OutOfNativeMemoryError   if {@code minCapacity} exceeds {@link #maxCapacity()} or the OS refuses
     * @throws IllegalStateException    if closed
     * @throws WrongThreadException     if used from a thread other than the owner
     */
    public final void ensureCapacity(long minCapacity) {
        checkWriter();
        if (minCapacity < 0) {
            throw Checks.illegalArgument("minCapacity", minCapacity, ">= 0");
        }
        if (minCapacity > capacity) {
            VecGrowth.growTo(this, minCapacity);
        }
        keptCapacity = Math.max(keptCapacity, minCapacity);
    }

    /**
     * Removes every element. Like any removal, it gives pages back to the OS only if more than two commit steps
     * are committed, and then keeps one commit step.
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if used from a thread other than the owner
     */
    public final void clear() {
        truncate(0);
    }

    /**
     * Removes the elements at and above {@code newSize}, keeping the first {@code newSize}.
     *
     * @param newSize the number of elements to keep
     * @throws IndexOutOfBoundsException if {@code newSize} is outside {@code [0, size()]}
     * @throws IllegalStateException     if closed
     * @throws WrongThreadException      if used from a thread other than the owner
     */
    public final void truncate(long newSize) {
        checkWriter();
        if (newSize < 0 || newSize > size) {
            throw Checks.outOfBounds("newSize", newSize, "0 <= newSize <= " + size);
        }
        size = newSize;
        shrinkIfSlack();
    }

    /**
     * Removes {@code count} elements starting at {@code index}, moving the elements after them down.
     *
     * @param index the index of the element
     * @param count the number of elements
     * @throws IndexOutOfBoundsException if {@code [index, index + count)} is not within {@code [0, size())}
     * @throws IllegalArgumentException  if {@code count} is negative
     * @throws IllegalStateException     if closed
     * @throws WrongThreadException      if used from a thread other than the owner
     */
    public final void removeRange(long index, long count) {
        checkWriter();
        if (count < 0) {
            throw Checks.illegalArgument("count", count, ">= 0");
        }
        if (index < 0 || index > size - count) {
            throw Checks.outOfBounds("index", index, "0 <= index <= size - count = " + (size - count));
        }
        closeGap(index, count);
    }

    /**
     * Gives back to the OS every committed page above the live elements' last page: {@link #committedBytes()}
     * becomes {@link #byteSize()} rounded up to the page size (for a vector on an arena's tail, to the arena's
     * commit step).
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if used from a thread other than the owner
     */
    public final void trimToSize() {
        checkWriter();
        keptCapacity = 0;
        VecGrowth.purgeAbove(this, VecGrowth.pageEnd(this, size * stride));
    }

    /**
     * Releases the reservation: every segment from this vector becomes inaccessible, and every other method throws
     * {@link IllegalStateException}.
     *
     * @throws IllegalStateException if already closed
     * @throws WrongThreadException  if called from a thread other than the owner
     */
    @Override
    public final void close() {
        checkWriter();
        region.release(size * stride);
        markClosed();
    }

    private void markClosed() {
        writer = null;
        capacity = 0;
        size = 0;
    }

    /** {@return a one-line summary: kind, size, capacity, committed and reserved bytes, or that it is closed} */
    @Override
    public final String toString() {
        if (writer == null) {
            return kind + "[closed]";
        }
        String shortfall = region.shortfall();
        return kind + "[size=" + size + ", capacity=" + capacity + ", committed=" + Bits.bytes(region.committedBytes())
                + ", reserved=" + Bits.bytes(region.reservedBytes()) + (shortfall != null ? " (" + shortfall + ")" : "")
                + "]";
    }

    // ---- for the kinds: checks ----

    /** Throws unless the calling thread may change the structure: the owner, while open. */
    final void checkWriter() {
        if (Thread.currentThread() != writer) {
            Confinement.check(shared ? kind + " (shared: only its owner changes its structure)" : kind, owner,
                    writer == null);
        }
    }

    /** Throws unless the calling thread may read and write elements. */
    final void checkReader() {
        if (Thread.currentThread() != writer && (!shared || writer == null)) {
            Confinement.check(kind, owner, writer == null);
        }
    }

    /** Throws unless {@code 0 <= index < size}. */
    final void checkIndex(long index) {
        // Objects.checkIndex is an intrinsic that C2 hoists out of loops (and then vectorizes them); a hand-written
        // unsigned compare is not. Its exception is replaced by one in jalloc's format.
        try {
            Objects.checkIndex(index, size);
        } catch (IndexOutOfBoundsException e) {
            throw Checks.outOfBounds("index", index, "0 <= index < size = " + size);
        }
    }

    /** Throws unless {@code 0 <= index <= size}. */
    final void checkInsertIndex(long index) {
        if (Long.compareUnsigned(index, size) > 0) {
            throw Checks.outOfBounds("index", index, "0 <= index <= size = " + size);
        }
    }

    /** Throws unless {@code 0 <= from <= to <= size}. */
    final void checkRange(long from, long to) {
        if (from < 0 || from > to || to > size) {
            throw new IndexOutOfBoundsException(Checks.message("range", "[" + from + ", " + to + ")",
                    "0 <= from <= to <= size = " + size));
        }
    }

    /** Throws unless the array range {@code [offset, offset + length)} lies within {@code arrayLength}. */
    static void checkArrayRange(int arrayLength, int offset, int length) {
        if (offset < 0 || length < 0 || offset > arrayLength - length) {
            throw new IndexOutOfBoundsException(Checks.message("range", "[" + offset + ", " + offset + " + " + length
                    + ")", "within an array of length " + arrayLength));
        }
    }

    /** {@return the element count of {@code source}}, which must hold a whole number of elements. */
    final long elementsIn(MemorySegment source) {
        long bytes = source.byteSize();
        if (bytes % stride != 0) {
            throw Checks.illegalArgument("source.byteSize()", bytes, "a multiple of the element size " + stride);
        }
        return bytes / stride;
    }

    /** Throws unless {@code other} holds elements of this vector's layout and may be read by this thread. */
    final void checkSameKind(Vec other) {
        other.checkReader();
        if (!other.elementLayout.equals(elementLayout)) {
            throw Checks.illegalArgument("other.elementLayout()", other.elementLayout, elementLayout.toString());
        }
    }

    // ---- for the kinds: growth and movement, all in element counts ----

    /**
     * Makes room for {@code count} more elements after checking the caller may change the structure: commits if
     * needed and returns the index of the first new one, without changing the size.
     */
    final long reserveTail(long count) {
        checkWriter();
        if (count < 0) {
            throw Checks.illegalArgument("count", count, ">= 0");
        }
        long s = size;
        if (count > capacity - s) {
            if (count > maxCapacity - s) {
                throw VecGrowth.full(this, count);
            }
            VecGrowth.growTo(this, s + count);
        }
        return s;
    }

    /** The slow path of a single append: checks the thread and commits room for one more element. */
    final void growForOne() {
        reserveTail(1);
    }

    /** Opens a gap of {@code count} elements at {@code index}, moving the tail up; the gap holds stale values. */
    final void openGap(long index, long count) {
        long s = reserveTail(count);
        MemorySegment.copy(all, index * stride, all, (index + count) * stride, (s - index) * stride);
        size = s + count;
    }

    /** Removes {@code count} elements at {@code index}, moving the tail down; the caller checked both. */
    final void closeGap(long index, long count) {
        long tail = size - index - count;
        MemorySegment.copy(all, (index + count) * stride, all, index * stride, tail * stride);
        size -= count;
        shrinkIfSlack();
    }

    /** Purges down to one commit step above the live elements if more than two steps are committed above them. */
    final void shrinkIfSlack() {
        VecGrowth.shrinkIfSlack(this);
    }

    /**
     * Copies the element at {@code from} over {@code [from + 1, to)} by doubling copies: log(n) {@code memcpy}s
     * instead of n stores.
     */
    final void replicate(long from, long to) {
        long filled = 1;
        long count = to - from;
        while (filled < count) {
            long n = Math.min(filled, count - filled);
            MemorySegment.copy(all, from * stride, all, (from + filled) * stride, n * stride);
            filled += n;
        }
    }

    /** Appends {@code count} elements copied from {@code source} at byte {@code sourceOffset}. */
    final void appendFrom(MemorySegment source, long sourceOffset, long count) {
        checkWriter();
        checkReadable(source);
        long s = reserveTail(count);
        MemorySegment.copy(source, sourceOffset, all, s * stride, count * stride);
        size = s + count;
    }

    /**
     * Throws unless this thread may read {@code source}: checked before committing room for its elements, so that
     * a refused append leaves the vector as it was (the copy would throw only after the commit, and not at all
     * for an empty source).
     */
    static void checkReadable(MemorySegment source) {
        if (!source.scope().isAlive()) {
            throw new IllegalStateException("Already closed: the scope of the source segment");
        }
        if (!source.isAccessibleBy(Thread.currentThread())) {
            throw new WrongThreadException("The source segment is confined to another thread than "
                    + Thread.currentThread().getName());
        }
    }

    /** Throws unless the live elements fit in one Java array. */
    final int arrayLength() {
        if (size > MAX_ARRAY_LENGTH) {
            throw new IllegalStateException(Checks.message("size", size, "<= " + MAX_ARRAY_LENGTH
                    + " to fit in one array"));
        }
        return (int) size;
    }

    // ---- sorting, for the primitive kinds ----

    /** Runs longer than this are sorted in pieces and merged, since a Java array holds at most 2^31 - 9 elements. */
    static final long SORT_RUN = 1L << 27;

    /** Sorts the live elements in runs of {@code run} elements: see {@link VecSort}. */
    final void sortInRuns(long run) {
        checkReader();
        VecSort.sort(this, run);
    }

    /** Sorts {@code [from, to)} through a heap array; primitive kinds only. */
    void sortRun(long from, long to) {
        throw new UnsupportedOperationException(kind + " has no natural order");
    }

    /** {@return a signed key that orders the element at {@code offset} as the kind's {@code Arrays.sort} does} */
    long sortKey(MemorySegment segment, long offset) {
        throw new UnsupportedOperationException(kind + " has no natural order");
    }
}
