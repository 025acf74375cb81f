package dev.jalloc.cli.replay;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.heap.AddressAllocator;
import dev.jalloc.heap.BestFitAllocator;
import dev.jalloc.heap.Hardening;
import dev.jalloc.heap.Heap;

/**
 * A jalloc allocator with memory of its own, made fresh for each pass: {@code jalloc} is the confined {@link Heap},
 * {@code jalloc-shared} the shared one (used from the replay's one thread: its caches, the atomic free and the
 * central lock on its slow paths are what it costs over the confined heap), {@code bestfit} the {@link BestFitAllocator} alone, growing one page at a time so that its footprint follows the
 * trace. The footprint is the allocator's {@link AddressAllocator#committedBytes()}: for the heap, its committed
 * pages not purged, its page map and its huge mappings (slots cached in bins and free pages not yet purged count,
 * as they are still charged), sampled by the checked pass after every op; for best fit, the committed prefix of its region, every tag and free block included.
 */
final class JallocReplay implements ReplayAllocator {
    private final AddressAllocator allocator;

    private JallocReplay(AddressAllocator allocator) {
        this.allocator = allocator;
    }

    static ReplayAllocator heap() {
        return new JallocReplay(Heap.ofConfined());
    }

    static ReplayAllocator sharedHeap() {
        return new JallocReplay(Heap.ofShared());
    }

    static ReplayAllocator hardened(Hardening level) {
        return new JallocReplay(Heap.builder().hardening(level).build());
    }

    static ReplayAllocator bestFit() {
        return new JallocReplay(BestFitAllocator.builder().commitStep(4096).build());
    }

    @Override
    public long allocate(long byteSize) {
        try {
            return allocator.allocateAddressNoInit(byteSize, 16);
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
            return allocator.reallocateNoInit(address, byteSize);
        } catch (OutOfNativeMemoryError e) {
            return 0;
        }
    }

    @Override
    public long committedBytes() {
        return allocator.committedBytes();
    }

    @Override
    public void close() {
        allocator.close();
    }
}
