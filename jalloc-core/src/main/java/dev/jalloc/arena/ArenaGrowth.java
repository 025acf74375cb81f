package dev.jalloc.arena;

import dev.jalloc.internal.arena.Block;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The slow paths of a push: state checks, growth (committing more of the current block, or linking a block),
 * zeroing what was handed out before, and switching the arena's cached view of its current block. Every method runs
 * under the arena's lock (for a shared arena) and checks before it changes anything.
 */
final class ArenaGrowth {
    /** Up to this many bytes, zeroing is a few plain stores rather than a {@code fill()}. */
    private static final long SMALL_ZEROING = 64;
    private static final ValueLayout.OfLong LONG_UNALIGNED = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT_UNALIGNED = ValueLayout.JAVA_INT_UNALIGNED;

    private ArenaGrowth() {
    }

    static MemorySegment push(LinearArena a, long byteSize, long byteAlignment, boolean zero) {
        a.lock();
        try {
            long start = bump(a, byteSize, byteAlignment, zero);
            if (a.checkedTop != null && a.blockSegment.isNative()) {
                return MemorySegment.ofAddress(a.blockAddress + start).reinterpret(byteSize, a.checkedTop.scope, null);
            }
            return a.blockSegment.asSlice(start, byteSize);
        } finally {
            a.unlock();
        }
    }

    static long pushAddress(LinearArena a, long byteSize, long byteAlignment, boolean zero) {
        a.lock();
        try {
            a.ensureUsable();
            if (!a.blockSegment.isNative()) {
                throw new UnsupportedOperationException("an arena over heap memory has no addresses to hand out");
            }
            long start = bump(a, byteSize, byteAlignment, zero);   // first: it may move to a new block
            return a.blockAddress + start;
        } finally {
            a.unlock();
        }
    }

    static void pushAligner(LinearArena a, long byteAlignment) {
        a.lock();
        try {
            bump(a, 0, byteAlignment, false);
        } finally {
            a.unlock();
        }
    }

    /**
     * Checks the state, grows if needed, zeroes, and only then moves the position. {@return the start offset in the
     * current block}
     */
    private static long bump(LinearArena a, long byteSize, long byteAlignment, boolean zero) {
        a.ensureUsable();
        a.ensureTailFree("push");
        a.ensureMemoryAlive();
        long start = a.alignedOffset(byteAlignment);
        long end = start + byteSize;
        if (end > a.limit) {
            grow(a, byteSize, byteAlignment, end);
            start = a.alignedOffset(byteAlignment);
            end = start + byteSize;
        }
        a.advance(start, end, zero);
        return start;
    }

    /**
     * Zeroes {@code [start, end)} where it lies below the zero mark and moves the mark to {@code end}. Throws before
     * changing anything if the memory is no longer accessible (the caller's, closed under the arena).
     */
    static void zeroDirty(LinearArena a, long start, long end) {
        long dirtyEnd = Math.min(end, a.zeroMark);
        long n = dirtyEnd - start;
        if (n <= SMALL_ZEROING) {
            zeroSmall(a.blockSegment, start, n);
        } else {
            a.blockSegment.asSlice(start, n).fill((byte) 0);
        }
        if (end > a.zeroMark) {
            a.zeroMark = end;
        }
    }

    /**
     * Zeroes {@code n <= 64} bytes at {@code offset} with a fixed number of stores per size class, the first ones
     * from the start and the last ones ending at the end (they may overlap), as memset does: no loop, so the JIT sees
     * constant offsets. Beats {@code fill()}, whose setup dominates at these sizes.
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
    private static void grow(LinearArena a, long byteSize, long byteAlignment, long end) {
        save(a);
        a.chain.grow(byteSize, byteAlignment, end, a.chaining);
        load(a, a.chain.current());
    }

    /** Writes the arena's cached offset and zero mark back to its current block. */
    static void save(LinearArena a) {
        a.current.used = a.offset;
        a.current.zeroMark = a.zeroMark;
    }

    /** Makes {@code block} the arena's current block and caches what the fast paths read of it. */
    static void load(LinearArena a, Block block) {
        a.current = block;
        if (a.segmentBlock != block) {
            a.blockSegment = a.segmentOf(block);
            a.segmentBlock = block;
        }
        a.blockAddress = block.address;
        a.offset = block.used;
        a.limit = block.committed;
        a.zeroMark = block.zeroMark;
        a.blockPos = block.basePos;
        a.purgeFloor = a.chain.purgeFloor(block);
        a.refreshFastPath();
    }
}
