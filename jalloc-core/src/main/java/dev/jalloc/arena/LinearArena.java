package dev.jalloc.arena;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.internal.arena.Block;
import dev.jalloc.internal.arena.BlockChain;
import dev.jalloc.internal.arena.BlockSource;
import dev.jalloc.internal.arena.Region;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.internal.util.Checks;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A linear (bump) arena: memory is handed out by moving a position forward and taken back by moving it back.
 * It is a real {@link Arena}, so every {@link java.lang.foreign.SegmentAllocator} helper and every FFM downcall
 * accepts it, and {@link #close()} ends the lifetime of every segment it handed out.
 *
 * <h2>Growth</h2>
 * How an arena gets more memory is chosen when it is built, and chaining can be switched on a live arena:
 * <ul>
 *   <li><b>fixed</b> ({@link #ofFixed(MemorySegment)}, {@link #ofFixed(long)}): one block that never grows, over
 *       the caller's memory or committed up front; a push that does not fit throws
 *       {@link OutOfNativeMemoryError}.</li>
 *   <li><b>chained</b> ({@link #ofChained()}): committed blocks; when one is full a new block is linked, and a
 *       push larger than a block gets a block of its own.</li>
 *   <li><b>virtual</b> ({@link #ofVirtual()}): one large reservation ({@value #DEFAULT_VIRTUAL_RESERVE} bytes by
 *       default) committed in {@link #commitSize()} steps as the position grows. Addresses never move.</li>
 *   <li><b>virtual + chained</b>: when a reservation is exhausted, another reservation is linked.</li>
 * </ul>
 *
 * <h2>Positions</h2>
 * {@link #pos()} counts bytes from the start of the arena, monotonically across chained blocks (a block's first
 * byte has the position just past the end of the previous block's reservation, so a position is never reused by
 * two blocks). {@link #popTo(long)} takes back everything pushed at or above a position; {@link #temp()} saves
 * the position and restores it on close.
 *
 * {@snippet :
 * try (LinearArena arena = LinearArena.ofVirtual()) {
 *     MemorySegment header = arena.push(64);                 // zeroed, auto-aligned
 *     long mark = arena.pos();
 *     MemorySegment scratch = arena.pushNoZero(1 << 20, 64);  // contents undefined
 *     arena.popTo(mark);                                     // scratch is taken back
 *     try (Temp temp = arena.temp()) {
 *         MemorySegment name = temp.allocateFrom("jalloc");  // any SegmentAllocator helper
 *     }                                                      // pos restored
 * }                                                          // every block returned to the OS
 * }
 *
 * <h2>Zeroing</h2>
 * {@link #push} and {@link #allocate} return zeroed memory, as the {@link Arena} contract requires; memory that
 * was never handed out since the OS committed it is already zero and is not written again, so pushing into fresh
 * memory costs no more than {@link #pushNoZero}.
 *
 * <h2>Taking memory back</h2>
 * Popping never unmaps and never makes memory inaccessible while the arena is open: a segment that outlived its
 * pop keeps pointing at mapped memory (whose contents are no longer its own), so a bug reads garbage instead of
 * crashing the JVM. Above {@link #retainBytes()} of position, popped pages are <em>purged</em>: their physical
 * memory (and on Linux their commit charge) goes back to the OS, so a {@link #clear()} after a huge burst does
 * not keep gigabytes committed. Blocks popped off a chain are kept for reuse. Everything is returned at
 * {@link #close()}, after the arena's scope has ended.
 *
 * <h2>Checked mode</h2>
 * With {@link LinearArenaBuilder#checked(boolean)}, every {@link #temp()} scope gets its own lifetime: segments pushed
 * while it is the innermost temp stop being accessible when it closes (an access throws
 * {@link IllegalStateException}, as after a JDK arena's close), and popped bytes are filled with
 * {@link #POISON}. Checked pushes take the slow path; use it in tests and debug builds.
 *
 * <h2>Threads</h2>
 * Confined by default, like {@link Arena#ofConfined()}: only the thread that built the arena may use it (others
 * get {@link WrongThreadException}) and segments are accessible from that thread only. A
 * {@linkplain LinearArenaBuilder#shared(boolean) shared} arena may be pushed, popped and closed from any thread; its
 * operations are serialized by a lock and its segments are accessible from every thread.
 *
 * <h2>Errors</h2>
 * A refused operation leaves the arena exactly as it was. {@link IllegalArgumentException}: a negative size or
 * one above {@value dev.jalloc.internal.util.Checks#MAX_BYTE_SIZE} bytes, an alignment that is not a power of two
 * or is above {@value dev.jalloc.internal.util.Checks#MAX_ALIGNMENT} bytes. {@link IndexOutOfBoundsException}: a
 * position outside {@code [0, pos()]}. {@link IllegalStateException}: use after close, temps closed out of
 * order. {@link WrongThreadException}: a confined arena used from another thread. {@link OutOfNativeMemoryError}:
 * a fixed arena or an unchained reservation is full, or the OS refused memory.
 *
 * @implNote Pushes that fit in the committed part of the current block are a handful of arithmetic instructions
 * and no allocation beyond the returned segment; growing commits (one system call per {@link #commitSize()}) or
 * links a block (one or two system calls). Positions, pops and temps are O(1) within a block and O(blocks
 * popped) across them.
 */
public final class LinearArena implements Arena {

    /** The alignment of {@link #push(long)} and {@link #allocate(long)} until {@link #setAutoAlign} says otherwise. */
    public static final long DEFAULT_AUTO_ALIGN = 8;
    /** The reservation of a virtual arena: 64 GiB of address space, which costs nothing until committed. */
    public static final long DEFAULT_VIRTUAL_RESERVE = 64L << 30;
    /** The commit step of a virtual arena: 1 MiB, one system call per MiB of growth. */
    public static final long DEFAULT_COMMIT_SIZE = 1L << 20;
    /** The block size of a chained arena: 1 MiB. */
    public static final long DEFAULT_BLOCK_SIZE = 1L << 20;
    /** The position below which popped pages stay committed: 64 MiB. */
    public static final long DEFAULT_RETAIN = 64L << 20;
    /** Up to this many bytes, zeroing is a few plain stores rather than a {@code fill()}. */
    private static final long SMALL_ZEROING = 64;
    private static final ValueLayout.OfLong LONG_UNALIGNED = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT_UNALIGNED = ValueLayout.JAVA_INT_UNALIGNED;
    /** The byte that checked mode writes over popped memory. */
    public static final byte POISON = (byte) 0xDD;

    /** How an arena grows, as configured now (chaining can change on a live arena). */
    public enum Growth {
        /** One block that never grows. */
        FIXED,
        /** Committed blocks, linked as they fill. */
        CHAINED,
        /** One reservation, committed step by step. */
        VIRTUAL,
        /** Reservations committed step by step, linked as they fill. */
        VIRTUAL_CHAINED
    }

    // ---- configuration ----
    private final BlockSource source;
    private final BlockChain chain;
    private final Arena scopeArena;
    private final Thread owner;
    private final ReentrantLock lock;
    private final boolean checked;
    private final MemorySegment callerMemory;
    private boolean chaining;
    private long autoAlign;

    // ---- the current block, read by the fast path ----
    /** The owner while the fast path may run: null for shared, checked and closed arenas. */
    private Thread fastOwner;
    private MemorySegment blockSegment;
    private Block segmentBlock;
    private long blockAddress;
    private long offset;
    private long limit;
    private long zeroMark;
    /** The current block's base position. */
    private long blockPos;
    /**
     * The offset below which pops never purge in the current block: while {@code limit - purgeFloor} is less
     * than a commit step, a pop in the block only moves the offset (see {@link BlockChain#popTo}).
     */
    private long purgeFloor;
    private final long commitStep;

    // ---- the rest of the state ----
    /** The vector growing on the tail of the current block, or null: while set, the position is frozen. */
    private Tail tail;
    private Block current;
    /** How many temps are open; the innermost one has this depth. */
    private int tempDepth;
    /** The innermost open temp, in checked mode only (unchecked temps are not linked, so they may not escape). */
    private Temp checkedTop;
    private boolean closed;

    static {
        Region.Tails.install((arena, byteAlignment) -> ((LinearArena) arena).takeTail(byteAlignment));
    }

    LinearArena(LinearArenaBuilder b) {
        this.source = new BlockSource(Os.current(), b.reserveSize, b.commitSize, b.largePages);
        this.commitStep = source.commitStep();
        this.owner = b.shared ? null : Thread.currentThread();
        this.lock = b.shared ? new ReentrantLock() : null;
        this.checked = b.checked;
        this.chaining = b.chaining;
        this.autoAlign = b.autoAlign;
        this.callerMemory = b.memory;
        this.scopeArena = b.shared ? Arena.ofShared() : Arena.ofConfined();
        Block first;
        try {
            first = b.memory != null
                    ? Block.ofCallerMemory(b.memory.address(), b.memory.byteSize())
                    : source.newBlock(0, 0);
        } catch (RuntimeException | Error e) {
            scopeArena.close();
            throw e;
        }
        this.chain = new BlockChain(source, first, b.retainBytes);
        load(first);
        this.fastOwner = checked ? null : owner;
    }

    // ---- factories ----

    /** {@return a builder for an arena with the defaults of {@link #ofVirtual()}} */
    public static LinearArenaBuilder builder() {
        return new LinearArenaBuilder();
    }

    /**
     * {@return a confined arena over the caller's memory that never grows}
     *
     * <p>Native memory: the segments it hands out end with this arena's lifetime, and the caller must keep
     * {@code memory} alive until this arena is closed. Heap memory: the segments it hands out are slices of
     * {@code memory} and share its lifetime, which {@link #close()} cannot end, and the address-returning pushes
     * throw {@link UnsupportedOperationException}. In both cases pushes zero what they hand out, since the
     * caller's contents are unknown.
     *
     * @param memory the memory to bump through; not copied, not freed
     * @throws IllegalArgumentException if {@code memory} is read-only
     */
    public static LinearArena ofFixed(MemorySegment memory) {
        return builder().over(memory).build();
    }

    /**
     * {@return a confined arena of one block of {@code byteSize} bytes (rounded up to the page), committed now,
     * that never grows}
     *
     * @param byteSize the number of bytes
     * @throws IllegalArgumentException if {@code byteSize} is not positive or above the maximum
     * @throws OutOfNativeMemoryError if the OS refuses the memory
     */
    public static LinearArena ofFixed(long byteSize) {
        return builder().reserveSize(byteSize).commitSize(byteSize).chaining(false).build();
    }

    /** {@return a confined arena of {@value #DEFAULT_BLOCK_SIZE}-byte committed blocks, chained as they fill} */
    public static LinearArena ofChained() {
        return builder().reserveSize(DEFAULT_BLOCK_SIZE).commitSize(DEFAULT_BLOCK_SIZE).chaining(true).build();
    }

    /**
     * {@return a confined arena over one reservation of {@value #DEFAULT_VIRTUAL_RESERVE} bytes, committed in
     * {@value #DEFAULT_COMMIT_SIZE}-byte steps}
     */
    public static LinearArena ofVirtual() {
        return builder().build();
    }

    // ---- the Arena contract ----

    /** {@return the scope of every segment this arena hands out (but see {@link #ofFixed(MemorySegment)})} */
    @Override
    public MemorySegment.Scope scope() {
        return scopeArena.scope();
    }

    /**
     * {@return {@code byteSize} zeroed bytes aligned to {@code byteAlignment}}: the same as
     * {@link #push(long, long)}.
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     * @throws IllegalArgumentException if the size or the alignment is invalid (see the class comment)
     * @throws IllegalStateException    if the arena is closed
     * @throws WrongThreadException     if the arena is confined to another thread
     * @throws OutOfNativeMemoryError   if the arena cannot grow or the OS refuses memory
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        return push(byteSize, byteAlignment);
    }

    /**
     * {@return {@code byteSize} zeroed bytes aligned to {@link #autoAlign()}}: the same as {@link #push(long)}.
     * @param byteSize the number of bytes
     */
    @Override
    public MemorySegment allocate(long byteSize) {
        return push(byteSize, autoAlign);
    }

    // ---- pushes ----

    /**
     * {@return {@code byteSize} zeroed bytes aligned to {@link #autoAlign()}}
     *
     * @param byteSize the number of bytes
     * @throws IllegalArgumentException if {@code byteSize} is negative or above the maximum
     * @throws IllegalStateException    if the arena is closed
     * @throws WrongThreadException     if the arena is confined to another thread
     * @throws OutOfNativeMemoryError   if the arena cannot grow or the OS refuses memory
     */
    public MemorySegment push(long byteSize) {
        return push(byteSize, autoAlign);
    }

    /**
     * {@return {@code byteSize} zeroed bytes aligned to {@code byteAlignment}} The position moves past them.
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     * @throws IllegalArgumentException if the size or the alignment is invalid (see the class comment)
     * @throws IllegalStateException    if the arena is closed
     * @throws WrongThreadException     if the arena is confined to another thread
     * @throws OutOfNativeMemoryError   if the arena cannot grow or the OS refuses memory
     */
    public MemorySegment push(long byteSize, long byteAlignment) {
        if (!Checks.isValidSizeAndAlignment(byteSize, byteAlignment)) {
            Checks.checkSizeAndAlignment(byteSize, byteAlignment);
        }
        if (Thread.currentThread() == fastOwner) {
            long start = ((blockAddress + offset + byteAlignment - 1) & -byteAlignment) - blockAddress;
            long end = start + byteSize;
            if (end <= limit) {
                offset = end;
                if (start < zeroMark) {
                    zeroDirty(start, end);
                } else {
                    zeroMark = end;
                }
                return blockSegment.asSlice(start, byteSize);
            }
        }
        return pushSlow(byteSize, byteAlignment, true);
    }

    /**
     * {@return {@code byteSize} bytes aligned to {@link #autoAlign()}, with undefined contents}
     *
     * @param byteSize the number of bytes
     * @throws IllegalArgumentException if {@code byteSize} is negative or above the maximum
     * @throws IllegalStateException    if the arena is closed
     * @throws WrongThreadException     if the arena is confined to another thread
     * @throws OutOfNativeMemoryError   if the arena cannot grow or the OS refuses memory
     */
    public MemorySegment pushNoZero(long byteSize) {
        return pushNoZero(byteSize, autoAlign);
    }

    /**
     * {@return {@code byteSize} bytes aligned to {@code byteAlignment}, with undefined contents}
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     * @throws IllegalArgumentException if the size or the alignment is invalid (see the class comment)
     * @throws IllegalStateException    if the arena is closed
     * @throws WrongThreadException     if the arena is confined to another thread
     * @throws OutOfNativeMemoryError   if the arena cannot grow or the OS refuses memory
     */
    public MemorySegment pushNoZero(long byteSize, long byteAlignment) {
        if (!Checks.isValidSizeAndAlignment(byteSize, byteAlignment)) {
            Checks.checkSizeAndAlignment(byteSize, byteAlignment);
        }
        if (Thread.currentThread() == fastOwner) {
            long start = ((blockAddress + offset + byteAlignment - 1) & -byteAlignment) - blockAddress;
            long end = start + byteSize;
            if (end <= limit) {
                offset = end;
                if (end > zeroMark) {
                    zeroMark = end;
                }
                return blockSegment.asSlice(start, byteSize);
            }
        }
        return pushSlow(byteSize, byteAlignment, false);
    }

    /**
     * {@return the address of {@code byteSize} zeroed bytes aligned to {@code byteAlignment}}: a push without a
     * segment, for code that works with raw addresses. The memory is valid until it is popped or the arena is
     * closed; nothing checks accesses through the address.
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     * @throws IllegalArgumentException      if the size or the alignment is invalid (see the class comment)
     * @throws IllegalStateException         if the arena is closed
     * @throws WrongThreadException          if the arena is confined to another thread
     * @throws OutOfNativeMemoryError        if the arena cannot grow or the OS refuses memory
     * @throws UnsupportedOperationException if the arena is over heap memory
     */
    public long pushAddress(long byteSize, long byteAlignment) {
        if (!Checks.isValidSizeAndAlignment(byteSize, byteAlignment)) {
            Checks.checkSizeAndAlignment(byteSize, byteAlignment);
        }
        if (Thread.currentThread() == fastOwner && blockSegment.isNative()) {
            long address = (blockAddress + offset + byteAlignment - 1) & -byteAlignment;
            long start = address - blockAddress;
            long end = start + byteSize;
            if (end <= limit) {
                offset = end;
                if (start < zeroMark) {
                    zeroDirty(start, end);
                } else {
                    zeroMark = end;
                }
                return address;
            }
        }
        return pushAddressSlow(byteSize, byteAlignment, true);
    }

    /**
     * {@return the address of {@code byteSize} bytes aligned to {@code byteAlignment}, with undefined contents}:
     * the cheapest push there is.
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     * @throws IllegalArgumentException      if the size or the alignment is invalid (see the class comment)
     * @throws IllegalStateException         if the arena is closed
     * @throws WrongThreadException          if the arena is confined to another thread
     * @throws OutOfNativeMemoryError        if the arena cannot grow or the OS refuses memory
     * @throws UnsupportedOperationException if the arena is over heap memory
     */
    public long pushAddressNoZero(long byteSize, long byteAlignment) {
        if (!Checks.isValidSizeAndAlignment(byteSize, byteAlignment)) {
            Checks.checkSizeAndAlignment(byteSize, byteAlignment);
        }
        if (Thread.currentThread() == fastOwner && blockSegment.isNative()) {
            long address = (blockAddress + offset + byteAlignment - 1) & -byteAlignment;
            long end = address - blockAddress + byteSize;
            if (end <= limit) {
                offset = end;
                if (end > zeroMark) {
                    zeroMark = end;
                }
                return address;
            }
        }
        return pushAddressSlow(byteSize, byteAlignment, false);
    }

    /**
     * Pads the position so that the next push is aligned to {@code byteAlignment}.
     *
     * @param byteAlignment the alignment of the first byte, a power of two
     * @throws IllegalArgumentException if the alignment is invalid (see the class comment)
     * @throws IllegalStateException    if the arena is closed
     * @throws WrongThreadException     if the arena is confined to another thread
     * @throws OutOfNativeMemoryError   if the padding does not fit and the arena cannot grow
     */
    public void pushAligner(long byteAlignment) {
        Checks.checkAlignment(byteAlignment);
        lock();
        try {
            bump(0, byteAlignment, false);
        } finally {
            unlock();
        }
    }

    // ---- positions ----

    /**
     * {@return the position: bytes from the start of the arena to the next free byte}
     *
     * @throws IllegalStateException if the arena is closed
     * @throws WrongThreadException  if the arena is confined to another thread
     */
    public long pos() {
        if (Thread.currentThread() == fastOwner) {
            return blockPos + offset;
        }
        return posSlow();
    }

    private long posSlow() {
        lock();
        try {
            ensureUsable();
            return current.basePos + offset;
        } finally {
            unlock();
        }
    }

    /**
     * Moves the position back to {@code pos}, taking back everything pushed at or above it.
     *
     * @param pos the position to go back to
     * @throws IndexOutOfBoundsException if {@code pos} is negative or above {@link #pos()}
     * @throws IllegalStateException     if the arena is closed
     * @throws WrongThreadException      if the arena is confined to another thread
     */
    public void popTo(long pos) {
        if (Thread.currentThread() == fastOwner) {
            long newOffset = pos - blockPos;
            if (newOffset >= 0 && newOffset <= offset && popCannotPurge()) {
                offset = newOffset;
                return;
            }
        }
        popToSlow(pos);
    }

    private void popToSlow(long pos) {
        lock();
        try {
            ensureUsable();
            ensureTailFree("popTo");
            long now = current.basePos + offset;
            if (pos < 0 || pos > now) {
                throw Checks.outOfBounds("pos", pos, "between 0 and the current pos " + now);
            }
            popToUnchecked(pos);
        } finally {
            unlock();
        }
    }

    /**
     * Moves the position back by {@code byteSize} bytes.
     *
     * @param byteSize the number of bytes
     * @throws IllegalArgumentException  if {@code byteSize} is negative
     * @throws IndexOutOfBoundsException if {@code byteSize} is above {@link #pos()}
     * @throws IllegalStateException     if the arena is closed
     * @throws WrongThreadException      if the arena is confined to another thread
     */
    public void pop(long byteSize) {
        if (byteSize < 0) {
            throw Checks.illegalArgument("byteSize", byteSize, ">= 0");
        }
        if (Thread.currentThread() == fastOwner && byteSize <= offset && popCannotPurge()) {
            offset -= byteSize;
            return;
        }
        lock();
        try {
            ensureUsable();
            ensureTailFree("pop");
            long now = current.basePos + offset;
            if (byteSize > now) {
                throw Checks.outOfBounds("byteSize", byteSize, "at most the current pos " + now);
            }
            popToUnchecked(now - byteSize);
        } finally {
            unlock();
        }
    }

    /**
     * Moves the position back to 0.
     *
     * @throws IllegalStateException if the arena is closed
     * @throws WrongThreadException  if the arena is confined to another thread
     */
    public void clear() {
        lock();
        try {
            ensureUsable();
            ensureTailFree("clear");
            popToUnchecked(0);
        } finally {
            unlock();
        }
    }

    /**
     * {@return a temp scope that restores the current position when it is closed}
     *
     * <p>Temps nest and must be closed innermost first. In
     * {@linkplain LinearArenaBuilder#checked(boolean) checked mode} the segments pushed while the temp is the
     * innermost one become inaccessible when it closes.
     *
     * @throws IllegalStateException if the arena is closed
     * @throws WrongThreadException  if the arena is confined to another thread
     */
    public Temp temp() {
        if (Thread.currentThread() == fastOwner) {
            return new Temp(this, blockPos + offset, ++tempDepth, null, null);
        }
        return tempSlow();
    }

    private Temp tempSlow() {
        lock();
        try {
            ensureUsable();
            ensureTailFree("temp");
            Arena scope = checked ? (owner == null ? Arena.ofShared() : Arena.ofConfined()) : null;
            Temp temp = new Temp(this, current.basePos + offset, tempDepth + 1, checkedTop, scope);
            tempDepth++;
            if (checked) {
                checkedTop = temp;
            }
            return temp;
        } finally {
            unlock();
        }
    }

    /** Ends {@code temp}: called by {@link Temp#close()}. */
    void endTemp(Temp temp) {
        if (Thread.currentThread() == fastOwner && !temp.closed && temp.depth() == tempDepth) {
            long newOffset = Math.min(temp.startPos() - blockPos, offset);
            if (newOffset >= 0 && popCannotPurge()) {
                temp.closed = true;
                tempDepth--;
                offset = newOffset;
                return;
            }
        }
        endTempSlow(temp);
    }

    private void endTempSlow(Temp temp) {
        lock();
        try {
            if (temp.closed) {
                throw new IllegalStateException("temp begun at pos " + temp.startPos() + " already closed");
            }
            ensureUsable();
            ensureTailFree("closing a temp");
            if (temp.depth() != tempDepth) {
                throw new IllegalStateException("temp closed out of order: this temp (depth " + temp.depth()
                        + ", begun at pos " + temp.startPos() + ") is not the innermost open one; close the temp of"
                        + " depth " + tempDepth + " first");
            }
            if (temp.scope != null) {
                temp.scope.close();
            }
            temp.closed = true;
            tempDepth--;
            if (checked) {
                checkedTop = temp.parent;
            }
            popToUnchecked(Math.min(temp.startPos(), current.basePos + offset));
        } finally {
            unlock();
        }
    }

    // ---- configuration on a live arena ----

    /** {@return the alignment of {@link #push(long)}, {@link #pushNoZero(long)} and {@link #allocate(long)}} */
    public long autoAlign() {
        return autoAlign;
    }

    /**
     * Sets the alignment of {@link #push(long)}, {@link #pushNoZero(long)} and {@link #allocate(long)}.
     *
     * @param byteAlignment the alignment of the first byte, a power of two
     * @throws IllegalArgumentException if the alignment is invalid (see the class comment)
     * @throws IllegalStateException    if the arena is closed
     * @throws WrongThreadException     if the arena is confined to another thread
     */
    public void setAutoAlign(long byteAlignment) {
        Checks.checkAlignment(byteAlignment);
        lock();
        try {
            ensureUsable();
            autoAlign = byteAlignment;
        } finally {
            unlock();
        }
    }

    /** {@return whether a full block is followed by a new one} */
    public boolean isChaining() {
        return chaining;
    }

    /**
     * Switches chaining on or off; blocks already linked stay.
     *
     * @param chaining whether to chain
     * @throws IllegalStateException if the arena is closed
     * @throws WrongThreadException  if the arena is confined to another thread
     */
    public void setChaining(boolean chaining) {
        lock();
        try {
            ensureUsable();
            this.chaining = chaining;
        } finally {
            unlock();
        }
    }

    // ---- observation: readable from any thread and after close (from another thread, a recent value) ----

    /** {@return how this arena grows now} */
    public Growth growth() {
        boolean virtual = callerMemory == null && source.isVirtual();
        if (chaining) {
            return virtual ? Growth.VIRTUAL_CHAINED : Growth.CHAINED;
        }
        return virtual ? Growth.VIRTUAL : Growth.FIXED;
    }

    /** {@return the arena page in bytes: the OS page, or the large page if this arena got large pages} */
    public long pageSize() {
        return source.pageSize();
    }

    /** {@return whether this arena's blocks are backed by large pages} */
    public boolean largePages() {
        return source.largePages();
    }

    /** {@return the reservation of an ordinary block in bytes} */
    public long reserveSize() {
        return source.reserveSize();
    }

    /** {@return the commit step in bytes; equal to {@link #reserveSize()} when blocks are committed whole} */
    public long commitSize() {
        return source.commitStep();
    }

    /** {@return the position below which popped pages stay committed} */
    public long retainBytes() {
        return chain.retainBytes();
    }

    /** {@return bytes of address space this arena holds from the OS (caller memory not included)} */
    public long reservedBytes() {
        return source.reservedBytes();
    }

    /** {@return bytes this arena holds committed from the OS (caller memory not included)} */
    public long committedBytes() {
        return source.committedBytes();
    }

    /** {@return the number of blocks in the chain, the current one included; 0 after close} */
    public int blockCount() {
        return closed ? 0 : chain.blockCount();
    }

    /** {@return whether this arena may be used from any thread} */
    public boolean isShared() {
        return owner == null;
    }

    /** {@return whether this arena is in checked mode} */
    public boolean isChecked() {
        return checked;
    }

    @Override
    public String toString() {
        return "LinearArena[" + growth() + (isShared() ? ", shared" : ", confined") + (checked ? ", checked" : "")
                + (closed ? ", closed" : ", pos=" + (current.basePos + offset))
                + ", committed=" + Bits.bytes(committedBytes()) + ", reserved=" + Bits.bytes(reservedBytes())
                + ", blocks=" + blockCount() + ", page=" + Bits.bytes(pageSize()) + "]";
    }

    // ---- close ----

    /**
     * Ends the lifetime of every segment this arena handed out, then returns every block and reservation to the
     * OS. Open temps are closed first, innermost first.
     *
     * @throws IllegalStateException if the arena is already closed, or a shared arena's segments are in use by
     *                               a downcall (as {@link Arena#close()}); the arena is then still open
     * @throws WrongThreadException  if the arena is confined to another thread
     */
    @Override
    public void close() {
        lock();
        try {
            ensureUsable();
            while (checkedTop != null) {
                Temp temp = checkedTop;
                temp.scope.close();
                temp.closed = true;
                checkedTop = temp.parent;
            }
            tempDepth = 0;
            scopeArena.close();
            if (tail != null) {
                tail.takeAway();
            }
            markClosed();
            releaseBlocks();
        } finally {
            unlock();
        }
    }

    /**
     * Releases the memory of a confined arena whose owner thread has ended without closing it: nobody can
     * access its segments any more. Used by {@link Scratch} for threads that die with scratch arenas.
     */
    void releaseAbandoned() {
        if (closed) {
            return;
        }
        if (owner == null || owner.isAlive()) {
            throw new IllegalStateException("arena is not abandoned: its owner is alive or it is shared");
        }
        markClosed();
        releaseBlocks();
    }

    boolean isClosed() {
        return closed;
    }

    /** {@return {address, byteSize} of every OS reservation this arena holds, chained or spare: for leak tests} */
    List<long[]> osRanges() {
        return closed ? List.of() : chain.osRanges();
    }

    Thread owner() {
        return owner;
    }

    boolean hasOpenTemp() {
        return tempDepth > 0;
    }

    private void markClosed() {
        closed = true;
        fastOwner = null;
        limit = -1;
        blockSegment = null;
        segmentBlock = null;
    }

    private void releaseBlocks() {
        chain.releaseAll();
        current = null;
    }

    // ---- the slow paths ----

    private MemorySegment pushSlow(long byteSize, long byteAlignment, boolean zero) {
        lock();
        try {
            long start = bump(byteSize, byteAlignment, zero);
            if (checkedTop != null && blockSegment.isNative()) {
                return MemorySegment.ofAddress(blockAddress + start).reinterpret(byteSize, checkedTop.scope, null);
            }
            return blockSegment.asSlice(start, byteSize);
        } finally {
            unlock();
        }
    }

    private long pushAddressSlow(long byteSize, long byteAlignment, boolean zero) {
        lock();
        try {
            ensureUsable();
            if (!blockSegment.isNative()) {
                throw new UnsupportedOperationException("an arena over heap memory has no addresses to hand out");
            }
            return blockAddress + bump(byteSize, byteAlignment, zero);
        } finally {
            unlock();
        }
    }

    /** Checks the state, grows if needed, moves the position; returns the start offset in the current block. */
    private long bump(long byteSize, long byteAlignment, boolean zero) {
        ensureUsable();
        ensureTailFree("push");
        long start = alignedOffset(byteAlignment);
        long end = start + byteSize;
        if (end > limit) {
            grow(byteSize, byteAlignment, end);
            start = alignedOffset(byteAlignment);
            end = start + byteSize;
        }
        offset = end;
        if (start < zeroMark) {
            if (zero) {
                zeroDirty(start, end);
            } else if (end > zeroMark) {
                zeroMark = end;
            }
        } else {
            zeroMark = end;
        }
        return start;
    }

    /**
     * {@return whether a pop to any offset of the current block leaves its pages alone}: the rule of
     * {@link BlockChain#popTo}, so that the fast paths may just move the offset.
     */
    private boolean popCannotPurge() {
        return limit - purgeFloor < commitStep;
    }

    private long alignedOffset(long byteAlignment) {
        return ((blockAddress + offset + byteAlignment - 1) & -byteAlignment) - blockAddress;
    }

    /** Zeroes {@code [start, end)} where it lies below the zero mark and moves the mark to {@code end}. */
    private void zeroDirty(long start, long end) {
        long dirtyEnd = Math.min(end, zeroMark);
        long n = dirtyEnd - start;
        if (n <= SMALL_ZEROING) {
            zeroSmall(blockSegment, start, n);
        } else {
            blockSegment.asSlice(start, n).fill((byte) 0);
        }
        if (end > zeroMark) {
            zeroMark = end;
        }
    }

    /**
     * Zeroes {@code n <= 64} bytes at {@code offset} with a fixed number of stores per size class, the first
     * ones from the start and the last ones ending at the end (they may overlap), as memset does: no loop, so
     * the JIT sees constant offsets. Beats {@code fill()}, whose setup dominates at these sizes.
     */
    private static void zeroSmall(MemorySegment s, long offset, long n) {
        long end = offset + n;
        if (n >= 16) {
            s.set(LONG_UNALIGNED, offset, 0L);
            s.set(LONG_UNALIGNED, offset + 8, 0L);
            s.set(LONG_UNALIGNED, end - 16, 0L);
            s.set(LONG_UNALIGNED, end - 8, 0L);
            if (n > 32) {
                s.set(LONG_UNALIGNED, offset + 16, 0L);
                s.set(LONG_UNALIGNED, offset + 24, 0L);
                s.set(LONG_UNALIGNED, end - 32, 0L);
                s.set(LONG_UNALIGNED, end - 24, 0L);
            }
        } else if (n >= 8) {
            s.set(LONG_UNALIGNED, offset, 0L);
            s.set(LONG_UNALIGNED, end - 8, 0L);
        } else if (n >= 4) {
            s.set(INT_UNALIGNED, offset, 0);
            s.set(INT_UNALIGNED, end - 4, 0);
        } else {
            for (long i = offset; i < end; i++) {
                s.set(ValueLayout.JAVA_BYTE, i, (byte) 0);
            }
        }
    }

    /** Makes room for a push ending at {@code end} in the current block, or moves to a new block. */
    private void grow(long byteSize, long byteAlignment, long end) {
        save();
        chain.grow(byteSize, byteAlignment, end, chaining);
        load(chain.current());
    }

    private void popToUnchecked(long pos) {
        save();
        chain.popTo(pos, checked ? this::poison : null);
        load(chain.current());
    }

    private void poison(Block block, long from, long to) {
        segmentOf(block).asSlice(from, to - from).fill(POISON);
    }

    private void save() {
        current.used = offset;
        current.zeroMark = zeroMark;
    }

    private void load(Block block) {
        current = block;
        if (segmentBlock != block) {
            blockSegment = segmentOf(block);
            segmentBlock = block;
        }
        blockAddress = block.address;
        offset = block.used;
        limit = block.committed;
        zeroMark = block.zeroMark;
        blockPos = block.basePos;
        purgeFloor = chain.purgeFloor(block);
    }

    private MemorySegment segmentOf(Block block) {
        if (!block.fromOs) {
            return callerMemory.isNative() ? callerMemory.reinterpret(scopeArena, null) : callerMemory;
        }
        return MemorySegment.ofAddress(block.address).reinterpret(block.reserved, scopeArena, null);
    }

    private void ensureTailFree(String what) {
        if (tail != null) {
            throw new IllegalStateException(what + " refused: a vector holds this arena's tail from pos "
                    + (current.basePos + tail.start) + "; close the vector first");
        }
    }

    // ---- the tail, lent to a vector ----

    /** Lends the tail of the current block to a vector: see {@link Region.Tails}. */
    private Region takeTail(long byteAlignment) {
        Checks.checkAlignment(byteAlignment);
        lock();
        try {
            ensureUsable();
            ensureTailFree("taking the tail");
            if (!blockSegment.isNative()) {
                throw new UnsupportedOperationException("an arena over heap memory cannot lend its tail to a vector");
            }
            long start = alignedOffset(byteAlignment);
            if (start > current.reserved) {
                throw new OutOfNativeMemoryError("arena full: no room for a vector aligned to " + byteAlignment
                        + " at pos " + (current.basePos + offset));
            }
            tail = new Tail(current, start);
            fastOwner = null;
            return tail;
        } finally {
            unlock();
        }
    }

    /**
     * The tail of one block, from {@link #start} to the end of its reservation, lent to a vector. Commits go
     * through the arena's source, so they count in the arena's committed bytes and follow its commit step.
     */
    private final class Tail implements Region {
        final Block block;
        final long start;
        private final MemorySegment segment;
        private Runnable onTakenAway;

        Tail(Block block, long start) {
            this.block = block;
            this.start = start;
            this.segment = MemorySegment.ofAddress(block.address + start)
                    .reinterpret(block.reserved - start, scopeArena, null);
        }

        @Override
        public long address() {
            return block.address + start;
        }

        /** The arena's commit step: the tail commits and purges in the arena's steps. */
        @Override
        public long pageSize() {
            return source.commitStep();
        }

        @Override
        public long reservedBytes() {
            return block.reserved - start;
        }

        @Override
        public long committedBytes() {
            return block.committed - start;
        }

        @Override
        public MemorySegment segment() {
            return segment;
        }

        @Override
        public void commitTo(long end) {
            lock();
            try {
                ensureUsable();
                if (block.fromOs) {
                    source.commitTo(block, start + end);
                }
                limit = block.committed;
            } finally {
                unlock();
            }
        }

        @Override
        public void purgeAbove(long keep) {
            lock();
            try {
                ensureUsable();
                source.purgeAbove(block, start + keep);
                limit = block.committed;
            } finally {
                unlock();
            }
        }

        @Override
        public void release(long liveBytes) {
            lock();
            try {
                ensureUsable();
                // The vector's bytes become pushed memory; what it wrote above them is not known to be zero.
                offset = start + liveBytes;
                limit = block.committed;
                zeroMark = Math.max(zeroMark, limit);
                tail = null;
                fastOwner = checked ? null : owner;
            } finally {
                unlock();
            }
        }

        @Override
        public void onTakenAway(Runnable action) {
            this.onTakenAway = action;
        }

        void takeAway() {
            tail = null;
            if (onTakenAway != null) {
                onTakenAway.run();
            }
        }
    }

    private void ensureUsable() {
        if (closed) {
            throw new IllegalStateException("Already closed");
        }
        if (owner != null && owner != Thread.currentThread()) {
            throw new WrongThreadException("Attempted access outside owning thread: arena confined to "
                    + owner + ", accessed from " + Thread.currentThread());
        }
    }

    private void lock() {
        if (lock != null) {
            lock.lock();
        }
    }

    private void unlock() {
        if (lock != null) {
            lock.unlock();
        }
    }
}
