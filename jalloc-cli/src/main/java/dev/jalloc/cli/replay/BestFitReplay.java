package dev.jalloc.cli.replay;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.heap.BestFitAllocator;

/**
 * jalloc's best-fit region allocator alone ({@link BestFitAllocator}), with its own reservation growing one page at
 * a time so that its footprint follows the trace. Its footprint is {@link BestFitAllocator#committedBytes()}: the
 * committed prefix of its region, every header, footer and free block included (it never shrinks before close).
 */
final class BestFitReplay implements ReplayAllocator {
    private final BestFitAllocator heap = BestFitAllocator.create(BestFitAllocator.DEFAULT_MAX_BYTE_SIZE, 4096);
    private long peak;

    static ReplayAllocator open() {
        return new BestFitReplay();
    }

    @Override
    public long allocate(long byteSize) {
        try {
            long address = heap.allocateAddress(byteSize, 16);
            peak = Math.max(peak, heap.committedBytes());
            return address;
        } catch (OutOfNativeMemoryError e) {
            return 0;
        }
    }

    @Override
    public void free(long address) {
        heap.free(address);
    }

    @Override
    public long reallocate(long address, long byteSize) {
        try {
            long moved = heap.reallocate(address, byteSize);
            peak = Math.max(peak, heap.committedBytes());
            return moved;
        } catch (OutOfNativeMemoryError e) {
            return 0;
        }
    }

    @Override
    public long committedBytes() {
        return heap.committedBytes();
    }

    @Override
    public long peakCommittedBytes() {
        return peak;
    }

    @Override
    public void close() {
        heap.close();
    }
}
