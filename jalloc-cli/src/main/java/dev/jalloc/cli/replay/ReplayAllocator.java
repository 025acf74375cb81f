package dev.jalloc.cli.replay;

/**
 * One allocator instance as the replay drives it: {@code malloc}, {@code free} and {@code realloc} in raw
 * addresses, plus the allocator's own count of the memory it holds. An instance is opened for one checked pass,
 * or for the timed passes over one trace (back to back, every block freed between them), and closed after; only
 * the thread that opened it uses it. Register an implementation in {@link Allocators}.
 *
 * <p>Implementations do no checking of their own: the replay's checked pass verifies alignment, overlap and
 * every payload byte around them (see {@link CheckedPass}), and the timed pass wants nothing but the calls.
 */
public interface ReplayAllocator extends AutoCloseable {

    /**
     * {@return the address of a new block of at least {@code byteSize} bytes, or 0 if the allocator refuses}
     *
     * @param byteSize at least 1 (the replay turns a request for 0 bytes into 1)
     */
    long allocate(long byteSize);

    /**
     * Frees a block this instance returned and has not freed.
     *
     * @param address the block's address
     */
    void free(long address);

    /**
     * {@return the address of a block of at least {@code byteSize} bytes whose first min(old size, byteSize)
     * bytes are those of the block at {@code address}, which is then freed (unless it is the same block); or
     * 0 if the allocator refuses, leaving the old block as it was}
     *
     * @param address a live block of this instance
     * @param byteSize at least 1
     */
    long reallocate(long address, long byteSize);

    /**
     * Makes {@link #committedBytes()} count from now. The checked pass calls it once, before its first op; timed
     * passes never do. A fresh-per-instance allocator (the jalloc heap) needs nothing, hence the default; a
     * process-wide one (the native peers) gives back what it can (a trim, a purge) and records what it still
     * holds as the baseline.
     */
    default void markFootprintBaseline() {
    }

    /**
     * {@return the bytes of memory the allocator holds from the OS now, as it counts them itself, minus the
     * baseline} For an allocator made fresh for each instance (the jalloc heap) that is simply what it holds; for
     * a process-wide one (the native peers) it is the growth since {@link #markFootprintBaseline()}, which may be
     * negative if the allocator gave back memory it held before. Each implementation's class comment says what
     * exactly its statistic counts. Called after every op of the checked pass, never in a timed pass.
     */
    long committedBytes();

    /**
     * {@return whether {@link #committedBytes()} counts anything} False for an allocator that keeps no count of the
     * memory it holds (hardened_malloc, built without statistics): its peak footprint is then reported as unknown
     * ({@code -}), not as 0.
     */
    default boolean countsFootprint() {
        return true;
    }

    /**
     * {@return the highest {@link #committedBytes()} since the baseline, if the allocator keeps such a high-water
     * mark itself (it may catch peaks inside an op, which sampling after each op misses), else -1}
     */
    default long peakCommittedBytes() {
        return -1;
    }

    /**
     * {@return the alignment every block must have: 16, as malloc's on x86-64 Linux} The checked pass checks it,
     * except for requests of fewer bytes, which need only the largest power of two not above their size (C's
     * rule: an object that small cannot need more; jemalloc aligns an 8-byte block to 8).
     */
    default long byteAlignment() {
        return 16;
    }

    /**
     * Ends this instance. Blocks still live have been freed by the replay; a fresh-per-instance allocator gives
     * its memory back, a process-wide one does nothing.
     */
    @Override
    void close();
}
