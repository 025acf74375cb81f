package dev.jalloc.heap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;

/**
 * What jalloc's allocators with a free have in common: {@link Heap} (size classes, for any workload) and
 * {@link BestFitAllocator} (one best-fit region, for variable sizes in one lifetime). Code written against this
 * interface can swap one for the other.
 *
 * <h2>Zeroing</h2>
 * One rule for every allocator in jalloc, arenas included: a verb without a suffix zeroes what it hands out
 * ({@link #allocate}, {@link #allocateAddress}, and {@link #reallocate} for the bytes a payload grows by), a verb
 * ending in {@code NoInit} leaves the contents undefined, as the JDK's internal {@code allocateNoInit} does. Memory
 * fresh from the OS is zero already and is never written twice.
 *
 * <h2>Lifetime</h2>
 * {@link #close()} gives everything back at once. An allocator that becomes unreachable without it, together with
 * every segment it handed out, gives its memory back through a cleaner, as {@link java.lang.foreign.Arena#ofAuto()}
 * does, and logs a warning ({@link System.Logger} {@code dev.jalloc.leaks}; with a {@link dev.jalloc.DebugLevel}
 * on, the warning says where it was made). A raw address is not a segment: keep the allocator reachable (or use its
 * segments) for as long as you use its raw addresses.
 *
 * <h2>Errors</h2>
 * Every method throws {@link IllegalArgumentException} for an address that is not a live payload of this
 * allocator (foreign, interior, or already freed) and for invalid sizes or alignments,
 * {@link dev.jalloc.OutOfNativeMemoryError} when there is no room, {@link IllegalStateException} after close,
 * and {@link WrongThreadException} from a thread other than the owner; a refused call changes nothing.
 */
public sealed interface AddressAllocator extends SegmentAllocator, AutoCloseable permits Heap, BestFitAllocator {

    /** {@return {@code byteSize} zeroed bytes aligned to {@code byteAlignment}, as a segment} */
    @Override
    MemorySegment allocate(long byteSize, long byteAlignment);

    /**
     * {@return {@code byteSize} bytes aligned to {@code byteAlignment}, contents undefined, as a segment}
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     */
    MemorySegment allocateNoInit(long byteSize, long byteAlignment);

    /**
     * {@return the address of {@code byteSize} zeroed bytes aligned to {@code byteAlignment}}
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     */
    long allocateAddress(long byteSize, long byteAlignment);

    /**
     * {@return the address of {@code byteSize} bytes aligned to {@code byteAlignment}, contents undefined}
     *
     * @param byteSize the number of bytes
     * @param byteAlignment the alignment of the first byte, a power of two
     */
    long allocateAddressNoInit(long byteSize, long byteAlignment);

    /**
     * Frees the payload at {@code address}.
     *
     * @param address the address of a payload this allocator handed out
     */
    void free(long address);

    /**
     * Frees the payload {@code segment} starts at: {@code free(segment.address())}.
     *
     * @param segment a segment that starts at a payload this allocator handed out
     */
    default void free(MemorySegment segment) {
        free(segment.address());
    }

    /**
     * {@return the address of at least {@code byteSize} bytes holding the payload's bytes up to the smaller size, the
     * bytes beyond its old usable size zeroed} The old address is freed if the payload moved; on failure it is
     * untouched.
     *
     * @param address the address of a payload this allocator handed out
     * @param byteSize the number of bytes
     */
    long reallocate(long address, long byteSize);

    /**
     * {@return the same as {@link #reallocate(long, long)}, the bytes beyond the old usable size undefined}
     *
     * @param address the address of a payload this allocator handed out
     * @param byteSize the number of bytes
     */
    long reallocateNoInit(long address, long byteSize);

    /**
     * {@return a segment of {@code byteSize} bytes holding {@code segment}'s bytes: {@link #reallocate(long, long)}}
     *
     * @param segment a segment that starts at a payload this allocator handed out
     * @param byteSize the number of bytes
     */
    MemorySegment reallocate(MemorySegment segment, long byteSize);

    /**
     * {@return the usable bytes of the payload at {@code address}, at least what was asked for}
     *
     * @param address the address of a payload this allocator handed out
     */
    long usableSize(long address);

    /** {@return the bytes this allocator holds committed from the OS or its arena: its footprint} */
    long committedBytes();

    /** {@return the bytes of address space this allocator manages} */
    long reservedBytes();

    /** Gives back to the OS the memory no live payload needs; addresses stay reserved. */
    void trim();

    /** Walks the allocator's metadata and checks every invariant; for tests and debugging. */
    void check();

    /** Releases all of the allocator's memory. */
    @Override
    void close();
}
