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
 * allocator is expected. Its own verbs follow jalloc's zeroing rule: {@link #allocate(long, long)} zeroes,
 * {@link #allocateNoInit} does not, and {@link #allocateAddress} and {@link #allocateAddressNoInit} push without
 * making a segment; each refuses a closed temp. Temps nest and must be closed innermost first; closing one out of order throws
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
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     * @throws IllegalArgumentException if the size or alignment is invalid (see {@link LinearArena})
     * @throws IllegalStateException    if this temp or the arena is closed
     * @throws WrongThreadException     if the arena is confined to another thread
     * @throws dev.jalloc.OutOfNativeMemoryError if the arena cannot grow or the OS refuses memory
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        ensureOpen();
        return arena.push(byteSize, byteAlignment);
    }

    /**
     * {@return {@code byteSize} bytes aligned to {@code byteAlignment}, with undefined contents, pushed on the
     * arena}: {@link LinearArena#pushNoInit(long, long)}, for memory the caller fills at once.
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     * @throws IllegalArgumentException if the size or alignment is invalid (see {@link LinearArena})
     * @throws IllegalStateException    if this temp or the arena is closed
     * @throws WrongThreadException     if the arena is confined to another thread
     * @throws dev.jalloc.OutOfNativeMemoryError if the arena cannot grow or the OS refuses memory
     */
    public MemorySegment allocateNoInit(long byteSize, long byteAlignment) {
        ensureOpen();
        return arena.pushNoInit(byteSize, byteAlignment);
    }

    /**
     * {@return the address of {@code byteSize} zeroed bytes aligned to {@code byteAlignment}, pushed on the
     * arena}: {@link LinearArena#pushAddress(long, long)}, a push without a segment, for code that passes raw
     * addresses to native code. The memory is valid until this temp closes (or the arena's position is popped
     * below it) and while the arena is reachable (this temp keeps it so); nothing checks accesses through the
     * address, in {@linkplain LinearArenaBuilder#checked(boolean) checked mode} neither.
     *
     * @apiNote The names follow the rule of {@link dev.jalloc.heap.AddressAllocator}: {@code allocate} is this
     * class's verb (it is a {@link SegmentAllocator}), {@code Address} says what is returned and {@code NoInit}
     * that nothing is zeroed. {@code push} stays the arena's verb.
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     * @throws IllegalArgumentException      if the size or alignment is invalid (see {@link LinearArena})
     * @throws IllegalStateException         if this temp or the arena is closed
     * @throws WrongThreadException          if the arena is confined to another thread
     * @throws dev.jalloc.OutOfNativeMemoryError if the arena cannot grow or the OS refuses memory
     * @throws UnsupportedOperationException if the arena is over heap memory
     */
    public long allocateAddress(long byteSize, long byteAlignment) {
        ensureOpen();
        return arena.pushAddress(byteSize, byteAlignment);
    }

    /**
     * {@return the address of {@code byteSize} bytes aligned to {@code byteAlignment}, with undefined contents,
     * pushed on the arena}: {@link LinearArena#pushAddressNoInit(long, long)}, the cheapest allocation a temp
     * has. As {@link #allocateAddress(long, long)}.
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     * @throws IllegalArgumentException      if the size or alignment is invalid (see {@link LinearArena})
     * @throws IllegalStateException         if this temp or the arena is closed
     * @throws WrongThreadException          if the arena is confined to another thread
     * @throws dev.jalloc.OutOfNativeMemoryError if the arena cannot grow or the OS refuses memory
     * @throws UnsupportedOperationException if the arena is over heap memory
     */
    public long allocateAddressNoInit(long byteSize, long byteAlignment) {
        ensureOpen();
        return arena.pushAddressNoInit(byteSize, byteAlignment);
    }

    /** The closed check of every allocation; the arena checks its own state and the thread. */
    private void ensureOpen() {
        if (closed) {
            throw alreadyClosed();
        }
    }

    /** {@return the exception for a use of this temp after its close}: one message wherever it is refused. */
    IllegalStateException alreadyClosed() {
        return new IllegalStateException("temp begun at pos " + startPos + " already closed");
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
