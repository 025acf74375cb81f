package dev.jalloc.arena;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.util.Checks;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A linear (bump) arena: memory is handed out by moving a position forward and taken back by moving it back.
 * It is a real {@link Arena}, so every {@link java.lang.foreign.SegmentAllocator} helper and every FFM downcall
 * accepts it, and {@link #close()} ends the lifetime of every segment it handed out.
 *
 * {@snippet :
 * try (LinearArena arena = LinearArena.ofVirtual()) {
 *     MemorySegment header = arena.push(64);                 // zeroed, auto-aligned
 *     long mark = arena.pos();
 *     MemorySegment scratch = arena.pushNoInit(1 << 20, 64);  // contents undefined
 *     arena.popTo(mark);                                     // scratch is taken back
 *     try (Temp temp = arena.temp()) {
 *         MemorySegment name = temp.allocateFrom("jalloc");  // any SegmentAllocator helper
 *     }                                                      // pos restored
 * }                                                          // every block returned to the OS
 * }
 *
 * <p>How an arena grows (fixed, chained, virtual, virtual + chained), what a position is, how zeroing, taking
 * memory back, the caller's memory, checked mode and threads work: see the {@linkplain dev.jalloc.arena package
 * comment}. In short: {@link #push} zeroes and {@link #pushNoInit} does not (fresh memory is never written twice);
 * popping never unmaps while the arena is open, so a segment that outlived its pop reads other bytes, never
 * unmapped memory; a confined arena is used from its thread only, a shared one from any (pushes without a lock,
 * the rest under one).
 *
 * <h2>Errors</h2>
 * A refused operation leaves the arena exactly as it was. {@link IllegalArgumentException}: a negative size or
 * one above 2<sup>46</sup> bytes, an alignment that is not a power of two or is above 2<sup>30</sup> bytes.
 * {@link IndexOutOfBoundsException}: a position the arena did not hand out. {@link IllegalStateException}: use
 * after close (or after the caller closed the memory under the arena), temps closed out of order, pushes and pops
 * while a vector or heap holds the tail. {@link WrongThreadException}: a confined arena used from another thread.
 * {@link OutOfNativeMemoryError}: a fixed arena or an unchained reservation is full, or the OS refused memory.
 *
 * @implNote Pushes that fit in the committed part of the current block are a handful of arithmetic instructions
 * and no allocation beyond the returned segment; growing commits (one system call per {@link #commitStep()}) or
 * links a block (one or two system calls). Positions, pops and temps are O(1) within a block and O(blocks
 * popped) across them.
 */
public final class LinearArena extends ArenaState implements Arena {


    /** The alignment of {@link #push(long)} and {@link #allocate(long)} until {@link #setAutoAlign} says otherwise. */
    public static final long DEFAULT_AUTO_ALIGN = 8;
    /**
     * The reservation of a virtual arena: 64 GiB of address space, which costs nothing until committed (less if the
     * OS refuses that much: {@link #toString()} says so).
     */
    public static final long DEFAULT_RESERVE_SIZE = 64L << 30;
    /** The commit step of a virtual arena: 1 MiB, one system call per MiB of growth. */
    public static final long DEFAULT_COMMIT_STEP = 1L << 20;
    /** The block size of a chained arena: 1 MiB. */
    public static final long DEFAULT_BLOCK_SIZE = 1L << 20;
    /** The position below which popped pages stay committed: 64 MiB. */
    public static final long DEFAULT_RETAIN = 64L << 20;
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

    static {
        Region.Tails.install((arena, byteAlignment) -> ArenaTail.take((LinearArena) arena, byteAlignment));
    }

    LinearArena(LinearArenaBuilder b) {
        super(b);
    }

    // ---- factories ----

    /** {@return a builder for an arena with the defaults of {@link #ofVirtual()}} */
    public static LinearArenaBuilder builder() {
        return new LinearArenaBuilder();
    }

    /**
     * {@return a confined arena over the caller's memory that never grows}
     *
     * <p>The segments it hands out are slices of {@code memory} and keep its lifetime: an arena of the caller's
     * that is closed makes them (and every later push) throw {@link IllegalStateException}, and memory from
     * {@link Arena#ofAuto()} stays alive while they are reachable. {@link #close()} ends the arena, not the caller's
     * memory. Over heap memory the address-returning pushes throw {@link UnsupportedOperationException}. Pushes
     * zero what they hand out, since the caller's contents are unknown.
     *
     * @param memory the memory to bump through; not copied, never freed, purged or remapped by jalloc
     * @throws IllegalArgumentException if {@code memory} is read-only, or not accessible from the calling thread
     * @throws IllegalStateException    if {@code memory} is already closed
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
        return builder().reserveSize(byteSize).commitStep(byteSize).chaining(false).build();
    }

    /** {@return a confined arena of {@value #DEFAULT_BLOCK_SIZE}-byte committed blocks, chained as they fill} */
    public static LinearArena ofChained() {
        return builder().reserveSize(DEFAULT_BLOCK_SIZE).commitStep(DEFAULT_BLOCK_SIZE).chaining(true).build();
    }

    /**
     * {@return a confined arena over one reservation of {@value #DEFAULT_RESERVE_SIZE} bytes (less if the OS refuses
     * that much address space), committed in {@value #DEFAULT_COMMIT_STEP}-byte steps}
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
        if (fastPath(byteSize, byteAlignment, true)) {
            long start = alignedOffset(byteAlignment);
            long end = start + byteSize;
            MemorySegment segment = fastSegment(start, byteSize);
            if (end <= zeroMark) {  // the test of fastPath, which the JIT then folds: dirty (or empty)
                ArenaGrowth.zeroSmall(segment);
            }
            moveTo(end);
            return segment;
        }
        return ArenaGrowth.push(this, byteSize, byteAlignment, true);
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
    public MemorySegment pushNoInit(long byteSize) {
        return pushNoInit(byteSize, autoAlign);
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
    public MemorySegment pushNoInit(long byteSize, long byteAlignment) {
        if (fastPath(byteSize, byteAlignment, false)) {
            long start = alignedOffset(byteAlignment);
            MemorySegment segment = fastSegment(start, byteSize);
            moveTo(start + byteSize);
            return segment;
        }
        return ArenaGrowth.push(this, byteSize, byteAlignment, false);
    }

    /**
     * {@return the address of {@code byteSize} zeroed bytes aligned to {@code byteAlignment}}: a push without a
     * segment, for code that works with raw addresses. The memory is valid until it is popped or the arena is
     * closed, or becomes unreachable (keep a reference to the arena while you use the address: an arena nobody can
     * reach, with no segment of it left, is given back by a cleaner); nothing checks accesses through the address.
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
        if (fastPath(byteSize, byteAlignment, true)) {
            long start = alignedOffset(byteAlignment);
            long end = start + byteSize;
            if (end <= zeroMark) {
                ArenaGrowth.zeroSmall(fastSegment(start, byteSize));  // inlined, the segment is not even made
            }
            moveTo(end);
            return blockAddress + start;
        }
        return ArenaGrowth.pushAddress(this, byteSize, byteAlignment, true);
    }

    /**
     * {@return the address of {@code byteSize} bytes aligned to {@code byteAlignment}, with undefined contents}:
     * the cheapest push there is. As {@link #pushAddress}.
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     * @throws IllegalArgumentException      if the size or the alignment is invalid (see the class comment)
     * @throws IllegalStateException         if the arena is closed
     * @throws WrongThreadException          if the arena is confined to another thread
     * @throws OutOfNativeMemoryError        if the arena cannot grow or the OS refuses memory
     * @throws UnsupportedOperationException if the arena is over heap memory
     */
    public long pushAddressNoInit(long byteSize, long byteAlignment) {
        if (fastPath(byteSize, byteAlignment, false)) {
            long start = alignedOffset(byteAlignment);
            moveTo(start + byteSize);
            return blockAddress + start;
        }
        return ArenaGrowth.pushAddress(this, byteSize, byteAlignment, false);
    }

    /**
     * {@return whether a push may take the fast path}, which then starts at {@link #alignedOffset}: for valid arguments
     * on the thread in {@link #fastOwner}, when the push fits in the committed part of the block and, if it must be
     * zeroed, its memory is small and dirty (below the zero mark: the push zeroes it) or fresh (zero already). Small,
     * as the fast paths that call it, so that the JIT inlines them into the caller and folds constant arguments.
     */
    private boolean fastPath(long byteSize, long byteAlignment, boolean zero) {
        if (!Checks.isValidSizeAndAlignment(byteSize, byteAlignment) || Thread.currentThread() != fastOwner) {
            return false;
        }
        long start = alignedOffset(byteAlignment);
        long end = start + byteSize;
        return end <= limit && (!zero || end <= zeroMark && byteSize <= ArenaGrowth.SMALL_ZEROING || start >= zeroMark);
    }

    /**
     * {@return a segment over {@code [start, start + byteSize)} of the current block, with the arena's lifetime}: the
     * same segment as a slice of {@link #blockSegment}, made from the address because the JIT then knows all of it
     * (size, access mode, scope) and folds the checks of the stores that zero it. The fast paths check the bounds.
     */
    @SuppressWarnings("restricted") // as segmentOf: the memory is the arena's, and ends with scopeArena
    private MemorySegment fastSegment(long start, long byteSize) {
        return MemorySegment.ofAddress(blockAddress + start).reinterpret(byteSize, scopeArena, null);
    }

    /** Moves the position to {@code end}, in the committed part of the block; the zero mark follows. */
    private void moveTo(long end) {
        if (end > zeroMark) {
            zeroMark = end;
        }
        offset = end;
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
        ArenaGrowth.pushAligner(this, byteAlignment);
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
     * @param pos the position to go back to: one this arena handed out
     * @throws IndexOutOfBoundsException if {@code pos} is negative, above {@link #pos()}, or in the unused
     *                                   reservation of an earlier block (never handed out)
     * @throws IllegalStateException     if the arena is closed, or a vector or heap holds its tail
     * @throws WrongThreadException      if the arena is confined to another thread
     */
    public void popTo(long pos) {
        if (Thread.currentThread() == fastOwner) {
            long newOffset = pos - blockPos;
            if (newOffset >= fastPopFloor && newOffset <= offset) {
                offset = newOffset;
                return;
            }
        }
        ArenaPops.popTo(this, pos, "popTo");
    }

    /**
     * Moves the position back by {@code byteSize} bytes: {@code popTo(pos() - byteSize)}.
     *
     * @param byteSize the number of bytes
     * @throws IllegalArgumentException  if {@code byteSize} is negative
     * @throws IndexOutOfBoundsException if {@code pos() - byteSize} is not a position this arena handed out
     * @throws IllegalStateException     if the arena is closed, or a vector or heap holds its tail
     * @throws WrongThreadException      if the arena is confined to another thread
     */
    public void pop(long byteSize) {
        if (byteSize < 0) {
            throw Checks.illegalArgument("byteSize", byteSize, ">= 0");
        }
        if (Thread.currentThread() == fastOwner && byteSize <= offset - fastPopFloor) {
            offset -= byteSize;
            return;
        }
        ArenaPops.pop(this, byteSize);
    }

    /**
     * Moves the position back to 0.
     *
     * @throws IllegalStateException if the arena is closed, or a vector or heap holds its tail
     * @throws WrongThreadException  if the arena is confined to another thread
     */
    public void clear() {
        ArenaPops.popTo(this, 0, "clear");
    }

    /**
     * Gives back to the OS the memory nothing pushed holds: the pages above the position and the spare blocks kept
     * after pops are purged now, whatever {@link #retainBytes()} says. Purged memory stays reserved (a segment that
     * outlived its pop reads zeros) until {@link #close()}, and is committed again when pushes reach it.
     *
     * @throws IllegalStateException if the arena is closed, or a vector or heap holds its tail
     * @throws WrongThreadException  if the arena is confined to another thread
     */
    public void trim() {
        ArenaPops.trim(this);
    }

    /**
     * {@return a temp scope that restores the current position when it is closed}
     *
     * <p>Temps nest and must be closed innermost first. In
     * {@linkplain LinearArenaBuilder#checked(boolean) checked mode} the segments pushed while the temp is the
     * innermost one become inaccessible when it closes.
     *
     * @throws IllegalStateException if the arena is closed, or a vector or heap holds its tail
     * @throws WrongThreadException  if the arena is confined to another thread
     */
    public Temp temp() {
        if (Thread.currentThread() == fastOwner) {
            return new Temp(this, blockPos + offset, ++tempDepth, null, null);
        }
        return ArenaTemps.begin(this);
    }

    // ---- close ----

    /**
     * Ends the lifetime of every segment this arena handed out, closes what lives on its tail, then returns every
     * block and reservation to the OS. Open temps are closed first, innermost first. From any thread that may close
     * it, a close either completes or changes nothing.
     *
     * @throws IllegalStateException if the arena is already closed, or a shared arena's segments are in use by
     *                               a downcall (as {@link Arena#close()}); the arena is then still open
     * @throws WrongThreadException  if the arena is confined to another thread
     */
    @Override
    public void close() {
        ArenaTail lent;
        lock();
        try {
            ensureUsable();
            scopeArena.close();   // the one step that may refuse: nothing has changed before it
            markClosed();
            unreachable.closed();   // released below, or kept mapped for good under a downcall
            RuntimeException inUse = ArenaTemps.closeAll(this);
            lent = tail;
            tail = null;
            if (inUse == null) {
                chain.releaseAll();
            } else {
                // A downcall is using a checked temp's segment right now: its memory must stay mapped under it.
                System.getLogger("dev.jalloc.arena").log(System.Logger.Level.WARNING,
                        "closing an arena whose checked temp is in use by a downcall: its memory stays mapped", inUse);
            }
            current = null;
        } finally {
            unlock();
        }
        // What lived on the tail closes after the lock is let go: a shared heap there takes its own lock, and while
        // holding it calls into this arena (commits, purges), which now refuses. Taking the two locks in the other
        // order here would deadlock with it.
        RuntimeException tailFailure = lent != null ? lent.takeAway() : null;
        if (tailFailure != null) {
            System.getLogger("dev.jalloc.arena").log(System.Logger.Level.WARNING,
                    "what lived on the arena's tail could not release everything", tailFailure);
        }
    }

}
