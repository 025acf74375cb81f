package dev.jalloc.arena;

import dev.jalloc.internal.arena.Block;
import dev.jalloc.internal.util.Checks;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The slow paths of a push: state checks, growth (committing more of the current block, or linking a block),
 * zeroing what was handed out before, and switching the arena's cached view of its current block. Every method runs
 * under the arena's lock (for a shared arena, after a try of its lock-free {@link PushWindow}) and checks before it
 * changes anything.
 */
final class ArenaGrowth {
    /** Up to this many bytes, zeroing is a few plain stores rather than a {@code fill()}. */
    static final long SMALL_ZEROING = 64;
    private static final ValueLayout.OfLong LONG_UNALIGNED = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT_UNALIGNED = ValueLayout.JAVA_INT_UNALIGNED;

    private ArenaGrowth() {
    }

    static MemorySegment push(LinearArena a, long byteSize, long byteAlignment, boolean zero) {
        Checks.checkSizeAndAlignment(byteSize, byteAlignment);
        PushWindow w = a.window;
        if (w != null) {
            long start = w.push(byteSize, byteAlignment);
            if (start >= 0) {
                if (zero) {
                    w.zero(start, byteSize);
                }
                return w.segment.asSlice(start, byteSize);
            }
        }
        a.lock();
        try {
            long start = bump(a, byteSize, byteAlignment, zero);
            // A checked temp's segments get the temp's lifetime, except over the caller's memory: a segment has one
            // scope, and there it must be the caller's, or it would outlive memory the caller frees.
            if (a.checkedTop != null && a.current.fromOs()) {
                return MemorySegment.ofAddress(a.blockAddress + start).reinterpret(byteSize, a.checkedTop.scope, null);
            }
            return a.blockSegment.asSlice(start, byteSize);
        } finally {
            a.unlock();
        }
    }

    static long pushAddress(LinearArena a, long byteSize, long byteAlignment, boolean zero) {
        Checks.checkSizeAndAlignment(byteSize, byteAlignment);
        PushWindow w = a.window;
        if (w != null) {
            long start = w.push(byteSize, byteAlignment);
            if (start >= 0) {
                if (zero) {
                    w.zero(start, byteSize);
                }
                return w.blockAddress + start;
            }
        }
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
        advance(a, start, end, zero);
        return start;
    }

    /**
     * Moves the position to {@code end}, zeroing {@code [start, end)} first where it lies below the zero mark if
     * {@code zero}; the zero mark follows. Zeroing comes first, so memory that cannot be written (the caller's,
     * closed under the arena) throws before anything changes.
     */
    private static void advance(LinearArena a, long start, long end, boolean zero) {
        if (start < a.zeroMark) {
            if (zero) {
                zeroDirty(a, start, end);
            } else if (end > a.zeroMark) {
                a.zeroMark = end;
            }
        } else {
            a.zeroMark = end;
        }
        a.offset = end;
    }

    /**
     * Zeroes {@code [start, end)} where it lies below the zero mark and moves the mark to {@code end}. Throws before
     * changing anything if the memory is no longer accessible (the caller's, closed under the arena).
     */
    static void zeroDirty(LinearArena a, long start, long end) {
        long dirtyEnd = Math.min(end, a.zeroMark);
        long n = dirtyEnd - start;
        if (n <= SMALL_ZEROING) {
            zeroSmall(a.blockSegment.asSlice(start, n));
        } else {
            a.blockSegment.asSlice(start, n).fill((byte) 0);
        }
        if (end > a.zeroMark) {
            a.zeroMark = end;
        }
    }

    /**
     * Zeroes {@code segment} of at most {@link #SMALL_ZEROING} bytes with a few plain stores, the last one ending at
     * its end (it may overlap the one before), as memset does. {@return the segment} Beats {@code fill()}, whose setup
     * dominates at these sizes. One short loop rather than a store per size class: every store through a segment
     * inlines into hundreds of compiler nodes, and the fast paths that inline this must stay within the JIT's budgets;
     * with a constant size the loop unrolls into its stores, whose bounds checks fold.
     */
    static MemorySegment zeroSmall(MemorySegment segment) {
        int n = (int) segment.byteSize();
        if (n >= 8) {
            int last = n - 8;
            for (int i = 0; i < last; i += 8) {
                segment.set(LONG_UNALIGNED, i, 0L);
            }
            segment.set(LONG_UNALIGNED, last, 0L);
        } else if (n >= 4) {
            segment.set(INT_UNALIGNED, 0, 0);
            segment.set(INT_UNALIGNED, n - 4, 0);
        } else if (n > 0) {
            segment.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
            segment.set(ValueLayout.JAVA_BYTE, n >> 1, (byte) 0);
            segment.set(ValueLayout.JAVA_BYTE, n - 1, (byte) 0);
        }
        return segment;
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
        a.fastPopFloor = a.limit - a.chain.purgeFloor(block) < a.commitStep() ? 0 : Long.MAX_VALUE;
        a.refreshFastPath();
    }
}
