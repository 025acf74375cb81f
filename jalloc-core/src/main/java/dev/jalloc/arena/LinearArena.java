package dev.jalloc.arena;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.internal.arena.Block;
import dev.jalloc.internal.arena.BlockChain;
import dev.jalloc.internal.arena.BlockSource;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.internal.util.Checks;
import dev.jalloc.internal.util.Confinement;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

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
 * unmapped memory; a confined arena is used from its thread only, a shared one from any, under a lock.
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
public final class LinearArena implements Arena {


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

    // ---- configuration (the helpers of this package read it) ----
    final BlockSource source;
    final BlockChain chain;
    final Arena scopeArena;
    /** The thread the arena is confined to, or null when it is shared. */
    final Thread owner;
    private final ReentrantLock lock;
    final boolean checked;
    /** The caller's segment under the first block, or null. */
    final MemorySegment callerMemory;
    boolean chaining;
    private long autoAlign;

    // ---- the current block, read by the fast paths ----
    /**
     * The owner while the fast paths may run: null for shared, checked and closed arenas, while the tail is lent,
     * and while the current block is the caller's memory (whose lifetime the slow path checks).
     */
    Thread fastOwner;
    MemorySegment blockSegment;
    Block segmentBlock;
    long blockAddress;
    long offset;
    long limit;
    long zeroMark;
    /** The current block's base position. */
    long blockPos;
    /**
     * The lowest offset the fast paths may pop to in the current block: 0 while no pop in it can purge (see {@link
     * BlockChain#popTo}), otherwise {@link Long#MAX_VALUE}, so that every pop takes the slow path. Set with the block.
     */
    long fastPopFloor;

    // ---- the rest of the state ----
    /** The vector or heap on the tail of the current block, or null: while set, the position is frozen. */
    ArenaTail tail;
    Block current;
    /** How many temps are open; the innermost one has this depth. */
    int tempDepth;
    /** The innermost open temp, in checked mode only (unchecked temps are not linked, so they may not escape). */
    Temp checkedTop;
    private boolean closed;

    static {
        Region.Tails.install((arena, byteAlignment) -> ArenaTail.take((LinearArena) arena, byteAlignment));
    }

    LinearArena(LinearArenaBuilder b) {
        this.source = new BlockSource(Os.current(), b.reserveSize, b.commitStep, b.largePages, !b.reserveSizeSet);
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
        ArenaGrowth.load(this, first);
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

    // ---- configuration on a live arena ----

    /** {@return the alignment of {@link #push(long)}, {@link #pushNoInit(long)} and {@link #allocate(long)}} */
    public long autoAlign() {
        return autoAlign;
    }

    /**
     * Sets the alignment of {@link #push(long)}, {@link #pushNoInit(long)} and {@link #allocate(long)}.
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

    /** {@return the reservation of an ordinary block in bytes (less than asked if the OS refused that much)} */
    public long reserveSize() {
        return source.reserveSize();
    }

    /** {@return the commit step in bytes; equal to {@link #reserveSize()} when blocks are committed whole} */
    public long commitStep() {
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

    /**
     * {@return bytes this arena holds committed from the OS (caller memory not included)}, what a vector or heap on
     * its tail committed included
     */
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
        String shortfall = source.shortfall();
        return "LinearArena[" + growth() + (isShared() ? ", shared" : ", confined") + (checked ? ", checked" : "")
                + (closed ? ", closed" : ", pos=" + (current.basePos + offset))
                + ", committed=" + Bits.bytes(committedBytes()) + ", reserved=" + Bits.bytes(reservedBytes())
                + (shortfall != null ? " (" + shortfall + ")" : "")
                + ", blocks=" + blockCount() + ", page=" + Bits.bytes(pageSize()) + "]";
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
        lock();
        try {
            ensureUsable();
            scopeArena.close();   // the one step that may refuse: nothing has changed before it
            markClosed();
            RuntimeException inUse = ArenaTemps.closeAll(this);
            RuntimeException tailFailure = tail != null ? tail.takeAway() : null;
            if (inUse == null) {
                chain.releaseAll();
            } else {
                // A downcall is using a checked temp's segment right now: its memory must stay mapped under it.
                System.getLogger("dev.jalloc.arena").log(System.Logger.Level.WARNING,
                        "closing an arena whose checked temp is in use by a downcall: its memory stays mapped", inUse);
            }
            current = null;
            if (tailFailure != null) {
                System.getLogger("dev.jalloc.arena").log(System.Logger.Level.WARNING,
                        "what lived on the arena's tail could not release everything", tailFailure);
            }
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
        chain.releaseAll();
        current = null;
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

    // ---- for the helpers of this package ----

    /** Recomputes whether the fast paths may run: see {@link #fastOwner}. */
    void refreshFastPath() {
        fastOwner = closed || checked || tail != null || !current.fromOs() ? null : owner;
    }

    long alignedOffset(long byteAlignment) {
        return ((blockAddress + offset + byteAlignment - 1) & -byteAlignment) - blockAddress;
    }

    /** {@return a segment over {@code block} with the memory's lifetime: the arena's, or the caller's own} */
    MemorySegment segmentOf(Block block) {
        if (!block.fromOs()) {
            return callerMemory;
        }
        return MemorySegment.ofAddress(block.address).reinterpret(block.reserved, scopeArena, null);
    }

    /** The one check of this arena's state and thread, with the wording every jalloc type uses. */
    void ensureUsable() {
        Confinement.check(this, owner, closed);
    }

    /** Throws if the current block is the caller's memory and the caller has closed it. */
    void ensureMemoryAlive() {
        if (!current.fromOs() && !callerMemory.scope().isAlive()) {
            throw new IllegalStateException("Already closed: the caller's memory under this arena");
        }
    }

    void ensureTailFree(String what) {
        if (tail != null) {
            throw new IllegalStateException(what + " refused: a vector or allocator holds this arena's tail from pos "
                    + tail.startPos() + "; close it first");
        }
    }

    void lock() {
        if (lock != null) {
            lock.lock();
        }
    }

    void unlock() {
        if (lock != null) {
            lock.unlock();
        }
    }
}
