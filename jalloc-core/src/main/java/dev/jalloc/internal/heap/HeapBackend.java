package dev.jalloc.internal.heap;

import dev.jalloc.heap.HeapPicture;
import dev.jalloc.heap.HeapStats;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * What a {@code Heap} calls when it is not the confined fast path ({@link HeapEngine}, called directly): the shared
 * engine ({@link SharedHeapEngine}) or a hardened one ({@code dev.jalloc.internal.hardened}). One abstract type, so
 * a program with only shared heaps sees one implementation loaded and its calls stay direct.
 *
 * <p>Arguments are checked by the public edge; addresses are checked here, exactly. An implementation says whether
 * it is safe for any number of threads.
 */
public abstract class HeapBackend {
    /**
     * {@return the address of at least {@code byteSize} bytes aligned to {@code byteAlignment}, zeroed if {@code
     * zero}}
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the heap's region is full or the OS refuses memory
     */
    public abstract long allocate(long byteSize, long byteAlignment, boolean zero);

    /**
     * Frees the payload at {@code address}.
     *
     * @throws IllegalArgumentException if it is not the start of a live payload of this heap
     */
    public abstract void free(long address);

    /**
     * {@return the address of at least {@code byteSize} bytes holding the payload's bytes up to the smaller size,
     * the bytes beyond its old usable size zeroed if {@code zero}} On failure the old payload is untouched.
     */
    public abstract long reallocate(long address, long byteSize, boolean zero);

    /** {@return a segment of {@code byteSize} bytes over the live payload at {@code address}} */
    public abstract MemorySegment segment(long address, long byteSize);

    /**
     * {@return the usable bytes of the payload at {@code address}}
     *
     * @throws IllegalArgumentException if it is not a live payload of this heap
     */
    public abstract long usableSize(long address);

    /** Gives the OS back every page the heap does not use. */
    public abstract void trim();

    /** {@return the usable bytes of every live allocation} */
    public abstract long liveBytes();

    /** {@return live allocations of class {@code c}, or large ({@code COUNT}), or huge ({@code COUNT + 1})} */
    public abstract long liveAllocations(int c);

    /** {@return live allocations in total} */
    public abstract long liveAllocations();

    /**
     * {@return a snapshot of the heap's numbers}
     *
     * @param reservedBytes the address space of its region
     */
    public abstract HeapStats stats(long reservedBytes);

    /** {@return the heap page by page, with its statistics} */
    public abstract HeapPicture picture(long reservedBytes);

    /** {@return {footprint, live bytes}} from any thread, never waiting: for the periodic JFR event */
    public abstract long[] usageRacy();

    /** {@return bytes the heap holds from the OS: committed pages not purged, and huge mappings} */
    public abstract long footprint();

    /**
     * Checks every invariant of the metadata.
     *
     * @throws IllegalStateException naming the first violation
     */
    public abstract void check();

    /**
     * Marks the heap closed after {@code first} (which may refuse, and then nothing changes). {@return false if it
     * was closed already}
     */
    public abstract boolean close(Runnable first);

    /** Releases the huge mappings (their segments first) and gives the region back. After {@link #close}. */
    public abstract void release();

    /** Closes, and releases the huge mappings only: the region went away with its arena. */
    public abstract void releaseHuge();

    /** {@return {address, byteSize} of every huge mapping: for leak tests} */
    public abstract List<long[]> hugeRanges();
}
