package dev.jalloc.arena;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

/**
 * A temp scope on a {@link LinearArena}: it saves the arena's position when it begins and restores it when it
 * is closed, taking back everything pushed in between.
 *
 * {@snippet :
 * try (Temp temp = arena.temp()) {
 *     MemorySegment path = temp.allocateFrom("/tmp/x");   // pushed on the arena
 *     open(path);
 * }                                                       // the arena's pos is back where it was
 * }
 *
 * <p>A temp is also a {@link SegmentAllocator} that pushes on its arena, so it can be passed wherever an
 * allocator is expected. Temps nest and must be closed innermost first; closing one out of order throws
 * {@link IllegalStateException} and changes nothing, so the inner temp can still be closed, then the outer one.
 * If the arena's position was popped below the temp's start in between, closing the temp leaves it there.
 *
 * <p>In an arena's {@linkplain LinearArenaBuilder#checked(boolean) checked mode}, segments pushed while a temp
 * is the innermost one become inaccessible when it closes. Otherwise they stay accessible, and point at memory
 * that later pushes reuse: do not keep them.
 *
 * <p>A temp is used from the threads its arena allows. On a shared arena, closing a temp also takes back what
 * other threads pushed after it began.
 */
public final class Temp implements SegmentAllocator, AutoCloseable {
    private final LinearArena arena;
    private final long startPos;
    private final int depth;
    /** The temp this one was begun inside, in checked mode only. */
    final Temp parent;
    final Arena scope;
    boolean closed;

    Temp(LinearArena arena, long startPos, int depth, Temp parent, Arena scope) {
        this.arena = arena;
        this.startPos = startPos;
        this.depth = depth;
        this.parent = parent;
        this.scope = scope;
    }

    /** {@return the arena this temp is on} */
    public LinearArena arena() {
        return arena;
    }

    /** {@return the arena position this temp restores on close} */
    public long startPos() {
        return startPos;
    }

    /** {@return how deeply this temp is nested: 1 for an outermost temp, 2 for one begun inside it, ...} */
    public int depth() {
        return depth;
    }

    /**
     * {@return {@code byteSize} zeroed bytes aligned to {@code byteAlignment}, pushed on the arena}
     *
     * @throws IllegalArgumentException if the size or alignment is invalid (see {@link LinearArena})
     * @throws IllegalStateException    if this temp or the arena is closed
     * @throws WrongThreadException     if the arena is confined to another thread
     * @throws dev.jalloc.OutOfNativeMemoryError if the arena cannot grow or the OS refuses memory
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (closed) {
            throw new IllegalStateException("temp begun at pos " + startPos + " already closed");
        }
        return arena.push(byteSize, byteAlignment);
    }

    /**
     * Restores the arena's position to {@link #startPos()} (or leaves it where it is, if it is lower).
     *
     * @throws IllegalStateException if this temp is already closed, is not the innermost open temp of its arena,
     *                               or the arena is closed; nothing changes
     * @throws WrongThreadException  if the arena is confined to another thread
     */
    @Override
    public void close() {
        LinearArena a = arena;
        if (Thread.currentThread() == a.fastOwner && !closed && depth == a.tempDepth) {
            long newOffset = Math.min(startPos - a.blockPos, a.offset);
            if (newOffset >= a.fastPopFloor) {   // the fast path of a pop (see LinearArena.popTo)
                closed = true;
                a.tempDepth--;
                a.offset = newOffset;
                return;
            }
        }
        ArenaTemps.end(a, this);
    }

    @Override
    public String toString() {
        return "Temp[depth=" + depth + ", startPos=" + startPos + (closed ? ", closed" : "") + ", arena=" + arena + "]";
    }
}
