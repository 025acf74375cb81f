package dev.jalloc.internal.arena;

import dev.jalloc.internal.os.Os;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A reservation of the vector's own, made through a {@link BlockSource} with a commit step of one page (the
 * vector decides how far to commit), with a scope of its own that {@link #release} ends before unmapping.
 */
public final class OwnReservation implements Region {
    private final BlockSource source;
    private final Block block;
    private final Arena scope;
    private final MemorySegment segment;

    /**
     * Reserves {@code reserveBytes} of address space and commits nothing.
     *
     * @param populate whether commits map their pages at once
     * @param shared   whether the segment is accessible from every thread (else from the calling one)
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses the reservation
     */
    public OwnReservation(Os os, long reserveBytes, boolean populate, boolean shared) {
        this.source = new BlockSource(os, reserveBytes, os.pageSize(), false);
        source.populateOnCommit(populate);
        this.block = source.newBlock(0, 0);
        this.scope = shared ? Arena.ofShared() : Arena.ofConfined();
        this.segment = MemorySegment.ofAddress(block.address).reinterpret(block.reserved, scope, null);
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public void onTakenAway(Runnable action) {
        // Nobody else can take a reservation of the vector's own.
    }

    @Override
    public long address() {
        return block.address;
    }

    @Override
    public long pageSize() {
        return source.pageSize();
    }

    @Override
    public long reservedBytes() {
        return block.reserved;
    }

    @Override
    public long committedBytes() {
        return block.committed;
    }

    @Override
    public void commitTo(long end) {
        source.commitTo(block, end);
    }

    @Override
    public void purgeAbove(long keep) {
        source.purgeAbove(block, keep);
    }

    @Override
    public void release(long liveBytes) {
        scope.close();
        source.release(block);
    }
}
