package dev.jalloc.internal.os;

import dev.jalloc.internal.util.Bits;

/**
 * Another {@link Os} seen through a larger page: what the allocators meet on a kernel with 16 KiB or 64 KiB pages
 * (Apple silicon, some aarch64 Linux distributions). Every address and length must be a multiple of the larger page
 * and every reservation is aligned to it; a call that is not aligned throws {@link IllegalArgumentException} naming
 * the call, where such a kernel would fail with {@code EINVAL}. See {@link Os#withPageSize}.
 */
final class CoarsePagesOs extends Os {
    private final Os system;
    private final long pageSize;

    CoarsePagesOs(Os system, long pageSize) {
        if (!Bits.isPowerOfTwo(pageSize) || pageSize < system.pageSize()) {
            throw new IllegalArgumentException("pageSize: " + pageSize + " (expected: a power of two >= "
                    + system.pageSize() + ")");
        }
        this.system = system;
        this.pageSize = pageSize;
    }

    @Override
    public String name() {
        return system.name() + "-" + Bits.bytes(pageSize).replace(" ", "") + "-pages";
    }

    @Override
    public long pageSize() {
        return pageSize;
    }

    @Override
    public long allocationGranularity() {
        return Math.max(pageSize, system.allocationGranularity());
    }

    @Override
    public long largePageSize() {
        long large = system.largePageSize();
        return large > pageSize ? large : 0;
    }

    @Override
    public String largePagesUnavailableReason() {
        return largePageSize() == 0 ? "the large page is no larger than the " + Bits.bytes(pageSize) + " page"
                : system.largePagesUnavailableReason();
    }

    @Override
    public long reserve(long byteSize, long alignment) {
        aligned("reserve", 0, byteSize);
        return system.reserve(byteSize, Math.max(alignment, allocationGranularity()));
    }

    @Override
    public long reserveCommitted(long byteSize) {
        aligned("reserveCommitted", 0, byteSize);
        long address = system.reserve(byteSize, allocationGranularity());
        try {
            system.commit(address, byteSize);
        } catch (RuntimeException e) {
            system.release(address, byteSize);
            throw e;
        }
        return address;
    }

    @Override
    public void commit(long address, long byteSize) {
        system.commit(aligned("commit", address, byteSize), byteSize);
    }

    @Override
    public void decommit(long address, long byteSize) {
        system.decommit(aligned("decommit", address, byteSize), byteSize);
    }

    @Override
    public void purge(long address, long byteSize) {
        system.purge(aligned("purge", address, byteSize), byteSize);
    }

    @Override
    public void release(long address, long byteSize) {
        system.release(aligned("release", address, byteSize), byteSize);
    }

    @Override
    public void protect(long address, long byteSize, Protection protection) {
        system.protect(aligned("protect", address, byteSize), byteSize, protection);
    }

    @Override
    public boolean advise(long address, long byteSize, Advice advice) {
        return system.advise(aligned("advise", address, byteSize), byteSize, advice);
    }

    @Override
    public long residentBytes(long address, long byteSize) {
        return system.residentBytes(address, byteSize);
    }

    private long aligned(String call, long address, long byteSize) {
        if (((address | byteSize) & (pageSize - 1)) != 0 || byteSize <= 0) {
            throw new IllegalArgumentException(call + "(address=" + Bits.hex(address) + ", length=" + byteSize
                    + "): not a positive multiple of the " + Bits.bytes(pageSize) + " page");
        }
        return address;
    }
}
