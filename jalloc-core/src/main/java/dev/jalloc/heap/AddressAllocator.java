package dev.jalloc.heap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

/**
 * What jalloc's allocators with a free have in common, in raw addresses for hot paths: {@link Heap} (size
 * classes, for any workload) and {@link BestFitAllocator} (one best-fit region, for variable sizes in one
 * lifetime). Code written against this interface can swap one for the other.
 *
 * <p>Every method throws {@link IllegalArgumentException} for an address that is not a live payload of this
 * allocator (foreign, interior, or already freed) and for invalid sizes or alignments,
 * {@link dev.jalloc.OutOfNativeMemoryError} when there is no room, {@link IllegalStateException} after close,
 * and {@link WrongThreadException} from a thread other than the owner; a refused call changes nothing.
 */
public sealed interface AddressAllocator extends SegmentAllocator, AutoCloseable permits Heap, BestFitAllocator {

    /** {@return the address of {@code byteSize} bytes aligned to {@code byteAlignment}, contents undefined} */
    long allocateAddress(long byteSize, long byteAlignment);

    /** Frees the payload at {@code address}. */
    void free(long address);

    /** Frees the payload {@code segment} starts at: {@code free(segment.address())}. */
    default void free(MemorySegment segment) {
        free(segment.address());
    }

    /**
     * {@return the address of at least {@code byteSize} bytes holding the payload's bytes up to the smaller size}
     * The old address is freed if the payload moved; on failure it is untouched.
     */
    long reallocate(long address, long byteSize);

    /** {@return the usable bytes of the payload at {@code address}, at least what was asked for} */
    long usableSize(long address);

    /** {@return the bytes this allocator holds from the OS or its arena: its footprint} */
    long committedBytes();

    /** Walks the allocator's metadata and checks every invariant; for tests and debugging. */
    void check();

    /** Releases all of the allocator's memory. */
    @Override
    void close();
}
