package dev.jalloc.arena;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The lock-free push of a shared arena: a window over the committed rest of its current block, open while no
 * thread holds the arena's lock, in which a push is one compare-and-set of the offset.
 *
 * <pre>
 *   block  [ handed out ........ | offset -> free, committed ........ | limit ]
 *   push   o = offset; start = align(o); end = start + size; end <= limit ?  CAS(offset, o, end)  :  the lock
 *   lock() retires the window: getAndSet(offset, RETIRED) makes every later CAS fail (a push then takes the lock
 *          and waits), and its result is the arena's offset; the outermost unlock() opens a new window
 * </pre>
 * So a pop, a temp, a block switch or a close never runs while a push is between its read and its
 * compare-and-set: either the push's CAS came first (and the lock holder sees its end), or it fails and the push
 * takes the lock. Pushes never block one another; a push that needs a new block or more commit takes the lock.
 * Zeroing: the window remembers the zero mark when it opened; a push ending below it zeroes what it gets (handed out
 * before), one above it gets fresh memory, zero already.
 */
final class PushWindow {
    private static final VarHandle OFFSET;
    static final long RETIRED = Long.MIN_VALUE;

    static {
        try {
            OFFSET = MethodHandles.lookup().findVarHandle(PushWindow.class, "offset", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long blockAddress;
    final long limit;
    final long zeroMark;
    final MemorySegment segment;
    @SuppressWarnings("unused")   // through OFFSET
    private volatile long offset;

    PushWindow(long blockAddress, long offset, long limit, long zeroMark, MemorySegment segment) {
        this.blockAddress = blockAddress;
        this.offset = offset;
        this.limit = limit;
        this.zeroMark = zeroMark;
        this.segment = segment;
    }

    /**
     * {@return the start offset of {@code byteSize} bytes aligned to {@code byteAlignment} taken from the window, or
     * -1 if they do not fit or the window is retired} Arguments are valid.
     */
    long push(long byteSize, long byteAlignment) {
        while (true) {
            long o = offset;
            if (o < 0) {
                return -1;
            }
            long start = ((blockAddress + o + byteAlignment - 1) & -byteAlignment) - blockAddress;
            long end = start + byteSize;
            if (end > limit || end < start) {
                return -1;
            }
            if (OFFSET.compareAndSet(this, o, end)) {
                return start;
            }
        }
    }

    /** Zeroes the part of {@code [start, start + byteSize)} that was handed out before this window opened. */
    void zero(long start, long byteSize) {
        long dirtyEnd = Math.min(start + byteSize, zeroMark);
        if (dirtyEnd > start) {
            segment.asSlice(start, dirtyEnd - start).fill((byte) 0);
        }
    }

    /** Closes the window. {@return the offset: the end of the last push} */
    long retire() {
        return (long) OFFSET.getAndSet(this, RETIRED);
    }

    /** {@return the offset now, or {@link #RETIRED}} */
    long offset() {
        return offset;
    }
}
