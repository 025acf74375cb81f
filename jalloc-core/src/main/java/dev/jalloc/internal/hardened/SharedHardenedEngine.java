package dev.jalloc.internal.hardened;

import dev.jalloc.heap.HeapPicture;
import dev.jalloc.heap.HeapStats;
import dev.jalloc.internal.memory.Region;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Confinement;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.Consumer;

/**
 * The hardened engine of a shared heap: every call serialized on the engine (the quarantine and the random order see
 * every free, in one order), and refused once the heap is closed, so that no call reaches memory a close gave back.
 */
final class SharedHardenedEngine extends HardenedEngine {
    SharedHardenedEngine(Os os, Region region, Policy policy, Consumer<Error> reporter) {
        super(os, region, true, policy, reporter);
    }

    private void checkOpen() {
        if (closed) {
            throw Confinement.closed("Heap");
        }
    }

    @Override
    public synchronized long allocate(long byteSize, long byteAlignment, boolean zero) {
        checkOpen();
        return super.allocate(byteSize, byteAlignment, zero);
    }

    @Override
    public synchronized void free(long address) {
        checkOpen();
        super.free(address);
    }

    @Override
    public synchronized long reallocate(long address, long byteSize, boolean zero) {
        checkOpen();
        return super.reallocate(address, byteSize, zero);
    }

    @Override
    public synchronized long usableSize(long address) {
        checkOpen();
        return super.usableSize(address);
    }

    @Override
    public synchronized MemorySegment segment(long address, long byteSize) {
        checkOpen();
        return super.segment(address, byteSize);
    }

    @Override
    public synchronized void trim() {
        checkOpen();
        super.trim();
    }

    @Override
    public synchronized long liveBytes() {
        return super.liveBytes();
    }

    @Override
    public synchronized long liveAllocations(int c) {
        return super.liveAllocations(c);
    }

    @Override
    public synchronized long liveAllocations() {
        return super.liveAllocations();
    }

    @Override
    public synchronized HeapStats stats(long reservedBytes) {
        checkOpen();
        return super.stats(reservedBytes);
    }

    @Override
    public synchronized HeapPicture picture(long reservedBytes) {
        checkOpen();
        return super.picture(reservedBytes);
    }

    @Override
    public synchronized long footprint() {
        return super.footprint();
    }

    @Override
    public synchronized void check() {
        checkOpen();
        super.check();
    }

    @Override
    public synchronized boolean close(Runnable first) {
        return super.close(first);
    }

    @Override
    public synchronized void release() {
        super.release();
    }

    @Override
    public synchronized void releaseHuge() {
        super.releaseHuge();
    }

    @Override
    public synchronized List<long[]> hugeRanges() {
        return super.hugeRanges();
    }
}
