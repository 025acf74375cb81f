package dev.jalloc.heap;

import dev.jalloc.DebugLevel;
import dev.jalloc.LeakReport;
import dev.jalloc.internal.debug.LeakTracker;
import dev.jalloc.internal.jfr.Jfr;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.internal.util.Checks;
import dev.jalloc.internal.util.Confinement;
import java.lang.foreign.MemorySegment;

/**
 * What {@link Heap} and {@link BestFitAllocator} share at the public edge, written once: the region under them, the
 * owner thread and the one check of it, the argument checks, the verbs that return segments (each the address verb
 * plus a segment over the payload), close, and the shape of {@code toString}. Each subclass keeps its address verbs,
 * which call its own engine type directly, so every hot call site stays monomorphic.
 */
abstract class RegionAllocator {
    private static final System.Logger LEAKS = System.getLogger("dev.jalloc.leaks");
    private static final System.Logger CORRUPTION = System.getLogger("dev.jalloc.corruption");

    final Region region;
    private final Thread creator;
    /** Whether every thread may use it: then {@link #owner} is always null and {@link #closed} says if closed. */
    final boolean anyThread;
    /** The owner while open, null once closed (or for an allocator any thread may use): one comparison checks both. */
    Thread owner;
    /** Closed: read by an allocator any thread may use, on every call (a plain load on x86). */
    volatile boolean closed;

    /** What it watches of itself (see {@link DebugLevel}). */
    final DebugLevel debugLevel;
    /** The sites of live blocks, at the levels that keep them; null at the others (the hot paths test it). */
    final LeakTracker tracker;
    /**
     * What the periodic JFR usage event reads (registered weakly; this allocator keeps it alive): racy reads of the
     * counters from the recorder's thread, never of native memory, nothing once closed.
     */
    private final Jfr.UsageSource usageSource = new Jfr.UsageSource() {
        @Override
        public String kind() {
            return RegionAllocator.this.getClass().getSimpleName();
        }

        @Override
        public long[] usage() {
            if (closed) {
                return null;
            }
            long[] u = usageForJfr();
            return new long[] {region.reservedBytes(), u[0], u[1]};
        }
    };
    /** Calls counted towards the next invariant walk at {@link DebugLevel#PARANOID} (racy on a shared heap). */
    private int paranoidCalls;

    RegionAllocator(Region region, boolean anyThread, DebugLevel debugLevel) {
        this.debugLevel = debugLevel;
        this.tracker = debugLevel.keepsSites() ? new LeakTracker(debugLevel, getClass().getSimpleName() + "@"
                + Integer.toHexString(System.identityHashCode(this))) : null;
        this.region = region;
        this.anyThread = anyThread;
        this.creator = anyThread ? null : Thread.currentThread();
        this.owner = creator;
        region.onTakenAway(this::takenAway);
    }

    // ---- what each allocator provides ----

    /** {@return the address of a payload, zeroed if {@code zero}: the engine's allocation, arguments checked} */
    abstract long allocateChecked(long byteSize, long byteAlignment, boolean zero);

    /** {@return the payload at {@code address} moved or resized, new bytes zeroed if {@code zero}} */
    abstract long reallocateChecked(long address, long byteSize, boolean zero);

    /** {@return a segment of {@code byteSize} bytes over the payload at {@code address}} */
    abstract MemorySegment segment(long address, long byteSize);

    /** Gives everything back: the allocator is closed already. */
    abstract void release();

    /** Lets the periodic JFR usage event see it: the last step of a subclass's constructor, its engine made. */
    final void publishUsage() {
        Jfr.register(usageSource);
    }

    /** Frees the payload at {@code address}: the engine's free, the allocator open and on its thread. */
    abstract void freeChecked(long address);

    /** {@return {live blocks, their usable bytes}} from the engine's counters; open or just closed. */
    abstract long[] liveForReport();

    /** Walks the metadata and checks every invariant. */
    abstract void checkInvariants();

    /**
     * {@return {bytes the OS charges for it, live bytes}} from its counters, from any thread and without taking a
     * lock (racy): for the periodic JFR event, whose thread must never wait for an allocator.
     */
    abstract long[] usageForJfr();

    /** {@return the usable bytes of the live payload at {@code address}} */
    abstract long usableSize(long address);

    /** The arena under the allocator closed: its region is gone. */
    void takenAway() {
        owner = null;
        closed = true;
    }

    // ---- the shared verbs ----

    /**
     * {@return {@code byteSize} zeroed bytes aligned to {@code byteAlignment}}, a slice of this allocator's memory
     * (or, for a heap's huge payload, of its own mapping, which its free ends).
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     * @throws IllegalArgumentException if the size is negative or above 2<sup>46</sup>, or the alignment is not a
     *                                  power of two up to 2<sup>30</sup>
     * @throws dev.jalloc.OutOfNativeMemoryError if there is no room or the OS refuses memory
     * @throws IllegalStateException    if closed
     * @throws WrongThreadException     if used from another thread
     */
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        return segment(allocateAddress(byteSize, byteAlignment), byteSize);
    }

    /**
     * {@return {@code byteSize} bytes aligned to {@code byteAlignment}, contents undefined} As
     * {@link #allocate(long, long)}.
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     */
    public MemorySegment allocateNoInit(long byteSize, long byteAlignment) {
        return segment(allocateAddressNoInit(byteSize, byteAlignment), byteSize);
    }

    /**
     * {@return the address of {@code byteSize} zeroed bytes aligned to {@code byteAlignment}} As
     * {@link #allocate(long, long)}.
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     */
    public long allocateAddress(long byteSize, long byteAlignment) {
        checkCall(byteSize, byteAlignment);
        return handedOut(allocateChecked(byteSize, byteAlignment, true));
    }

    /**
     * {@return the address of {@code byteSize} bytes aligned to {@code byteAlignment}, contents undefined}: the
     * cheapest allocation. As {@link #allocate(long, long)}.
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     */
    public long allocateAddressNoInit(long byteSize, long byteAlignment) {
        checkCall(byteSize, byteAlignment);
        return handedOut(allocateChecked(byteSize, byteAlignment, false));
    }

    /**
     * {@return the address of at least {@code byteSize} bytes holding the payload's old bytes up to the smaller
     * size, the bytes beyond its old usable size zeroed} In place when the allocator can; otherwise moved and the old
     * address freed. On failure the old payload is untouched and still allocated.
     *
     * @param address the address of a payload this allocator handed out
     * @param byteSize the number of bytes
     * @throws IllegalArgumentException if {@code address} is not a live payload, or the size is invalid
     * @throws dev.jalloc.OutOfNativeMemoryError if there is no room
     * @throws IllegalStateException    if closed
     * @throws WrongThreadException     if used from another thread
     */
    public long reallocate(long address, long byteSize) {
        checkOpen();
        Checks.checkByteSize(byteSize);
        return tracker == null ? reallocateChecked(address, byteSize, true) : reallocateTracked(address, byteSize, true);
    }

    /**
     * {@return the same as {@link #reallocate(long, long)}, the bytes beyond the old usable size undefined}
     *
     * @param address the address of a payload this allocator handed out
     * @param byteSize the number of bytes
     */
    public long reallocateNoInit(long address, long byteSize) {
        checkOpen();
        Checks.checkByteSize(byteSize);
        return tracker == null ? reallocateChecked(address, byteSize, false)
                : reallocateTracked(address, byteSize, false);
    }

    /**
     * {@return a segment of {@code byteSize} bytes holding {@code segment}'s bytes: {@link #reallocate(long, long)}}
     *
     * @param segment a segment that starts at a payload this allocator handed out
     * @param byteSize the number of bytes
     */
    public MemorySegment reallocate(MemorySegment segment, long byteSize) {
        return segment(reallocate(segment.address(), byteSize), byteSize);
    }

    /** {@return the bytes of address space of the region under this allocator} */
    public long reservedBytes() {
        return region.reservedBytes();
    }

    /**
     * Releases all of the allocator's memory: its own reservation to the OS (a heap's huge mappings too, their
     * segments ending first), or its pages back to its arena, whose position is then where it was.
     *
     * @throws IllegalStateException if already closed
     * @throws WrongThreadException  if used from another thread
     */
    public void close() {
        checkOpen();
        LeakReport leaks = reportBeforeClose();
        region.endScope();   // the one step that may be refused (a downcall uses a segment): nothing changed then
        owner = null;
        closed = true;
        logAtClose(leaks);
        release();
    }

    /**
     * {@return what is live now, grouped by allocation site as far as the debug level knows them} Deterministic: from
     * the allocator's records, not a garbage collection. At {@link DebugLevel#OFF} and {@link DebugLevel#LEAKS}, the
     * totals only.
     *
     * @throws IllegalStateException if closed
     * @throws WrongThreadException  if used from another thread
     */
    public LeakReport leakReport() {
        checkOpen();
        long[] live = liveForReport();
        return LeakTracker.report(toString(), debugLevel, live[0], live[1], tracker);
    }

    /** {@return the debug level it was built with} */
    public DebugLevel debugLevel() {
        return debugLevel;
    }

    // ---- the debug levels' hooks: each behind one test of a final field on the hot paths ----

    /** {@return {@code address}, just handed out, recorded with its site at the levels that keep sites} */
    final long handedOut(long address) {
        LeakTracker t = tracker;
        if (t != null) {
            t.allocated(address, usableSize(address));
            afterTrackedCall();
        }
        return address;
    }

    /** Frees through {@link #freeChecked}, its site forgotten first and put back if the free is refused. */
    final void freeTracked(long address) {
        Object record = tracker.forget(address);
        try {
            freeChecked(address);
        } catch (RuntimeException e) {
            tracker.restore(address, record);
            throw e;
        }
        afterTrackedCall();
    }

    private long reallocateTracked(long address, long byteSize, boolean zero) {
        Object record = tracker.forget(address);
        long moved;
        try {
            moved = reallocateChecked(address, byteSize, zero);
        } catch (RuntimeException | Error e) {
            tracker.restore(address, record);
            throw e;
        }
        return handedOut(moved);
    }

    /**
     * At {@link DebugLevel#PARANOID}, every 1024th call walks the metadata. Not on a shared allocator, whose walk
     * needs a quiet moment: it walks at close only.
     */
    private void afterTrackedCall() {
        if (debugLevel == DebugLevel.PARANOID && !anyThread && (++paranoidCalls & 1023) == 0) {
            checkLogged();
        }
    }

    /**
     * Logs damage a hardened engine found at {@code ERROR} on {@code dev.jalloc.corruption}, and emits its JFR
     * event: called before the error is thrown.
     */
    final void reportCorruption(Error e) {
        CORRUPTION.log(System.Logger.Level.ERROR, "corruption found in " + this + ": " + e.getMessage(), e);
        Jfr.corruption(toString(), e.getMessage());
    }

    /** {@link #checkInvariants()}, a violation logged at {@code ERROR} before it is thrown. */
    final void checkLogged() {
        try {
            checkInvariants();
        } catch (IllegalStateException e) {
            CORRUPTION.log(System.Logger.Level.ERROR, "corruption found in " + this + ": " + e.getMessage(), e);
            Jfr.corruption(toString(), e.getMessage());
            throw e;
        }
    }

    /**
     * Before a close, with a debug level on: the invariant walk at {@link DebugLevel#PARANOID} (a violation is
     * logged, the close goes on) and the leak report. {@return the report if anything is live, else null}
     */
    final LeakReport reportBeforeClose() {
        if (debugLevel == DebugLevel.OFF) {
            return null;
        }
        if (debugLevel == DebugLevel.PARANOID) {
            try {
                checkLogged();
            } catch (IllegalStateException logged) {
                // logged at ERROR; the memory goes back anyway
            }
        }
        long[] live = liveForReport();
        return live[0] == 0 ? null : LeakTracker.report(toString(), debugLevel, live[0], live[1], tracker);
    }

    /**
     * After a close that happened: the report of {@link #reportBeforeClose}, if any, logged at {@code WARNING} and
     * emitted as a {@code dev.jalloc.Leak} event per site (one for the blocks without a known site).
     */
    static void logAtClose(LeakReport leaks) {
        if (leaks == null) {
            return;
        }
        LEAKS.log(System.Logger.Level.WARNING, leaks.toString());
        long blocks = leaks.liveBlocks();
        long bytes = leaks.liveBytes();
        for (LeakReport.Site s : leaks.sites()) {
            Jfr.leak(leaks.allocator(), s.blocks(), s.bytes(), String.valueOf(s.caller()));
            blocks -= s.blocks();
            bytes -= s.bytes();
        }
        if (blocks > 0) {
            Jfr.leak(leaks.allocator(), blocks, bytes, "unknown (not sampled, or debug level " + leaks.level() + ")");
        }
    }

    // ---- checks ----

    /** The one check of the allocator's state and thread, then of a size and an alignment. */
    final void checkCall(long byteSize, long byteAlignment) {
        if ((Thread.currentThread() != owner && (!anyThread || closed))
                || !Checks.isValidSizeAndAlignment(byteSize, byteAlignment)) {
            checkOpen();
            Checks.checkSizeAndAlignment(byteSize, byteAlignment);
        }
    }

    /** The one check of the allocator's state and thread. */
    final void checkOpen() {
        if (Thread.currentThread() != owner && (!anyThread || closed)) {
            Confinement.check(this, creator, closed);
        }
    }

    /** {@return {@code Name[stats, reserved=...]}, or {@code Name[closed]}} */
    final String describe(String stats) {
        String name = getClass().getSimpleName();
        if (closed) {
            return name + "[closed]";
        }
        String shortfall = region.shortfall();
        return name + "[" + stats + ", reserved=" + Bits.bytes(region.reservedBytes())
                + (shortfall != null ? " (" + shortfall + ")" : "") + "]";
    }
}
