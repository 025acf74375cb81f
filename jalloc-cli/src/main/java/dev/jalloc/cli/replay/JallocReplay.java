package dev.jalloc.cli.replay;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.heap.AddressAllocator;
import dev.jalloc.heap.BestFitAllocator;
import dev.jalloc.heap.Heap;

/**
 * A jalloc allocator with memory of its own, made fresh for each pass: {@code jalloc} is the {@link Heap},
 * {@code bestfit} the {@link BestFitAllocator} alone, growing one page at a time so that its footprint follows the
 * trace. The footprint is the allocator's {@link AddressAllocator#committedBytes()}: for the heap, its committed
 * pages not purged, its page map and its huge mappings (slots cached in bins and free pages not yet purged count,
 * as they are still charged); for best fit, the committed prefix of its region, every tag and free block included.
 */
final class JallocReplay implements ReplayAllocator {
    private final AddressAllocator allocator;
    private long peak;

    private JallocReplay(AddressAllocator allocator) {
        this.allocator = allocator;
    }

    static ReplayAllocator heap() {
        return new JallocReplay(Heap.create());
    }

    static ReplayAllocator bestFit() {
        return new JallocReplay(BestFitAllocator.builder().commitStep(4096).build());
    }

    @Override
    public long allocate(long byteSize) {
        try {
            long address = allocator.allocateAddressNoInit(byteSize, 16);
            peak = Math.max(peak, allocator.committedBytes());
            return address;
        } catch (OutOfNativeMemoryError e) {
            return 0;
        }
    }

    @Override
    public void free(long address) {
        allocator.free(address);
    }

    @Override
    public long reallocate(long address, long byteSize) {
        try {
            long moved = allocator.reallocateNoInit(address, byteSize);
            peak = Math.max(peak, allocator.committedBytes());
            return moved;
        } catch (OutOfNativeMemoryError e) {
            return 0;
        }
    }

    @Override
    public long committedBytes() {
        return allocator.committedBytes();
    }

    @Override
    public long peakCommittedBytes() {
        return peak;
    }

    @Override
    public void close() {
        allocator.close();
    }
}
