package dev.jalloc.arena;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.internal.arena.Block;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.memory.Usage;
import dev.jalloc.internal.util.Bits;
import dev.jalloc.internal.util.Checks;
import java.lang.foreign.MemorySegment;

/**
 * The tail of an arena's current block, from its position to the end of the block's reservation, lent to one
 * vector, heap or best-fit allocator at a time. Its commits and purges go through the arena's block source, so they
 * count in the arena's numbers; memory the arena did not map (the caller's, a mapped file) is never committed or
 * purged, and segments over it are slices of the caller's segment, with the caller's lifetime.
 *
 * <pre>
 *   block   [ pushed ...... | pad | tail: start .................................. reserved ]
 *                          origin   ^ start (aligned)            ^ committed (the arena's prefix)
 * </pre>
 * While the tail is lent the arena refuses pushes, pops, temps and trims; {@link #release} gives it back with the
 * first {@code liveBytes} pushed (a vector's elements), or with the position where it was ({@code liveBytes == 0}).
 */
final class ArenaTail implements Region {
    private final LinearArena arena;
    private final Block block;
    private final long start;
    private final long origin;
    private final MemorySegment segment;
    private Runnable onTakenAway;

    private ArenaTail(LinearArena arena, Block block, long start, long origin) {
        this.arena = arena;
        this.block = block;
        this.start = start;
        this.origin = origin;
        this.segment = block.fromOs()
                ? MemorySegment.ofAddress(block.address + start).reinterpret(block.reserved - start, arena.scopeArena, null)
                : arena.callerMemory.asSlice(start);
    }

    /** Lends the tail of {@code a}'s current block from its position aligned up to {@code byteAlignment}. */
    static Region take(LinearArena a, long byteAlignment) {
        Checks.checkAlignment(byteAlignment);
        a.lock();
        try {
            a.ensureUsable();
            a.ensureTailFree("taking the tail");
            a.ensureMemoryAlive();
            if (!a.blockSegment.isNative()) {
                throw new UnsupportedOperationException("an arena over heap memory cannot lend its tail");
            }
            long start = a.alignedOffset(byteAlignment);
            if (start >= a.current.reserved) {
                throw new OutOfNativeMemoryError("arena full: no room for a tail aligned to " + byteAlignment
                        + " at pos " + (a.current.basePos + a.offset) + " (block of " + a.current.reserved + " bytes)");
            }
            ArenaGrowth.save(a);
            ArenaTail tail = new ArenaTail(a, a.current, start, a.offset);
            a.tail = tail;
            a.refreshFastPath();
            return tail;
        } finally {
            a.unlock();
        }
    }

    /** {@return the arena position of the tail's first byte} */
    long startPos() {
        return block.basePos + start;
    }

    @Override
    public long address() {
        return block.address + start;
    }

    /** The arena's commit step: the tail's prefix grows in the arena's steps. */
    @Override
    public long pageSize() {
        return arena.source.commitStep();
    }

    @Override
    public long osPageSize() {
        return arena.source.osPageSize();
    }

    @Override
    public long reservedBytes() {
        return block.reserved - start;
    }

    @Override
    public long committedBytes() {
        return Math.max(0, block.committed - start);
    }

    @Override
    public long residentBytes() {
        return block.residentBytes(start, committedBytes());
    }

    /** The arena's counts: a tail's pages are the arena's. */
    @Override
    public Usage usage() {
        return arena.source.usage();
    }

    @Override
    public long cleanFrom() {
        return Math.max(0, block.zeroMark - start);
    }

    @Override
    public void commitTo(long end) {
        arena.lock();
        try {
            arena.ensureUsable();
            arena.source.commitTo(block, start + end);
        } finally {
            arena.unlock();
        }
    }

    @Override
    public void purgeAbove(long keep, long purgedAbove) {
        arena.lock();
        try {
            arena.ensureUsable();
            arena.source.purgeFrom(block, Bits.alignUp(start + Math.max(keep, 0), osPageSize()), purgedAbove);
        } finally {
            arena.unlock();
        }
    }

    @Override
    public boolean purge(long offset, long byteSize) {
        arena.lock();
        try {
            arena.ensureUsable();
            return arena.source.purgeHole(block, start + offset, byteSize);
        } finally {
            arena.unlock();
        }
    }

    @Override
    public void recommit(long offset, long byteSize) {
        arena.lock();
        try {
            arena.ensureUsable();
            arena.source.recommitHole(block, start + offset, byteSize);
        } finally {
            arena.unlock();
        }
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public boolean isShared() {
        return arena.owner == null;
    }

    @Override
    public boolean ownsMemory() {
        return block.fromOs();
    }

    @Override
    public boolean returnsToArena() {
        return true;
    }

    @Override
    public void release(long liveBytes) {
        arena.lock();
        try {
            arena.ensureUsable();
            // What the borrower wrote anywhere below the committed end is not known to be zero any more.
            block.used = liveBytes == 0 ? origin : start + liveBytes;
            block.zeroMark = Math.max(block.zeroMark, block.committed);
            arena.tail = null;
            ArenaGrowth.load(arena, block);
        } finally {
            arena.unlock();
        }
    }

    @Override
    public void onTakenAway(Runnable action) {
        this.onTakenAway = action;
    }

    /** The arena is closing: the borrower closes with it. {@return its failure, or {@code null}} */
    RuntimeException takeAway() {
        arena.tail = null;
        if (onTakenAway != null) {
            try {
                onTakenAway.run();
            } catch (RuntimeException e) {
                return e;
            }
        }
        return null;
    }
}
