package dev.jalloc.arena;

import dev.jalloc.DebugLevel;
import dev.jalloc.internal.arena.Block;
import dev.jalloc.internal.arena.BlockChain;
import dev.jalloc.internal.arena.BlockSource;
import dev.jalloc.internal.jfr.Jfr;
import dev.jalloc.internal.memory.Unreachable;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.internal.util.Checks;
import dev.jalloc.internal.util.Confinement;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of a {@link LinearArena}, its observers and its configuration on a live arena, and the checks every slow
 * path runs: what the arena is, as opposed to what it does ({@code LinearArena}'s verbs and their fast paths). One
 * object: the fields the fast paths read are fields of the arena itself.
 */
abstract sealed class ArenaState permits LinearArena {
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
    long autoAlign;

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

    /**
     * A shared arena's lock-free push, open while no thread holds the lock (null otherwise, and for confined, checked
     * and closed arenas, while the tail is lent, and over the caller's memory): see {@link PushWindow}.
     */
    volatile PushWindow window;

    // ---- the rest of the state ----
    /** The vector or heap on the tail of the current block, or null: while set, the position is frozen. */
    ArenaTail tail;
    Block current;
    /** How many temps are open; the innermost one has this depth. */
    int tempDepth;
    /** The innermost open temp, in checked mode only (unchecked temps are not linked, so they may not escape). */
    Temp checkedTop;
    boolean closed;

    ArenaState(LinearArenaBuilder b) {
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
        ArenaGrowth.load((LinearArena) this, first);
        if (lock != null) {
            openWindow();
        }
        Jfr.register(usageSource);
        BlockChain blocks = chain;   // the watch's action holds the blocks, never the arena or its scope
        this.unreachable = Unreachable.watch(scopeArena.scope(), "a linear arena", blocks::releaseAll,
                DebugLevel.fromSystemProperty() == DebugLevel.OFF ? null : Unreachable.site("a linear arena"));
    }

    /** Gives the blocks back if the arena and every segment it handed out become unreachable before a close. */
    final Unreachable unreachable;

    /** What the periodic JFR usage event reads: racy reads from the recorder's thread, nothing once closed. */
    private final Jfr.UsageSource usageSource = new Jfr.UsageSource() {
        @Override
        public String kind() {
            return "LinearArena";
        }

        @Override
        public long[] usage() {
            Block c = current;
            return closed || c == null ? null
                    : new long[] {source.reservedBytes(), source.committedBytes(), c.basePos + currentOffset()};
        }
    };

    // ---- configuration on a live arena ----

    /**
     * {@return the alignment of {@link LinearArena#push(long)}, {@link LinearArena#pushNoInit(long)} and
     * {@link LinearArena#allocate(long)}}
     */
    public long autoAlign() {
        return autoAlign;
    }

    /**
     * Sets the alignment of {@link LinearArena#push(long)}, {@link LinearArena#pushNoInit(long)} and
     * {@link LinearArena#allocate(long)}.
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
    public LinearArena.Growth growth() {
        boolean virtual = callerMemory == null && source.isVirtual();
        if (chaining) {
            return virtual ? LinearArena.Growth.VIRTUAL_CHAINED : LinearArena.Growth.CHAINED;
        }
        return virtual ? LinearArena.Growth.VIRTUAL : LinearArena.Growth.FIXED;
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

    /**
     * {@return a snapshot of the arena's numbers in one record: its position, blocks and what it holds from the OS}
     * One question to the kernel per GiB of committed blocks, for the resident bytes.
     *
     * @throws IllegalStateException if the arena is closed
     * @throws WrongThreadException  if the arena is confined to another thread
     */
    public ArenaStats stats() {
        lock();
        try {
            ensureUsable();
            return new ArenaStats(current.basePos + currentOffset(), chain.blockCount(), source.committedBytes(),
                    source.usage().peakCommittedBytes(), source.reservedBytes(), chain.residentBytes(),
                    source.usage().osCalls());
        } finally {
            unlock();
        }
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
                + (closed ? ", closed" : ", pos=" + (current.basePos + currentOffset()))
                + ", committed=" + Bits.bytes(committedBytes()) + ", reserved=" + Bits.bytes(reservedBytes())
                + (shortfall != null ? " (" + shortfall + ")" : "")
                + ", blocks=" + blockCount() + ", page=" + Bits.bytes(pageSize()) + "]";
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
        unreachable.closed();
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

    void markClosed() {
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

    /**
     * Takes a shared arena's lock, and retires its push window: the offset the lock-free pushes reached becomes the
     * arena's, and until {@link #unlock()} every push takes the lock.
     */
    void lock() {
        if (lock != null) {
            lock.lock();
            PushWindow w = window;
            if (w != null) {
                window = null;
                long o = w.retire();
                offset = o;
                if (o > zeroMark) {
                    zeroMark = o;
                }
            }
        }
    }

    /** Lets a shared arena's lock go, opening a push window over the current block when the last hold ends. */
    void unlock() {
        if (lock != null) {
            if (lock.getHoldCount() == 1) {
                openWindow();
            }
            lock.unlock();
        }
    }

    private void openWindow() {
        if (!closed && !checked && tail == null && current != null && current.fromOs() && blockSegment != null
                && blockSegment.isNative()) {
            window = new PushWindow(blockAddress, offset, limit, zeroMark, blockSegment);
        }
    }

    /** {@return the current block's offset, the push window's if one is open: for observers that take no lock} */
    private long currentOffset() {
        PushWindow w = window;
        long o = w == null ? PushWindow.RETIRED : w.offset();
        return o >= 0 ? o : offset;
    }
}
