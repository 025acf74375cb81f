package dev.jalloc.internal.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A range of address space that one allocator grows into: a vector, a heap's pages, a best-fit region. Its
 * committed <em>prefix</em> grows and shrinks in whole {@linkplain #pageSize() pages} and the range never moves;
 * inside the prefix, an allocator that frees memory in the middle (the heap, best fit) can purge whole OS pages
 * and commit them again.
 *
 * <pre>
 *   address()                                                             address() + reservedBytes()
 *   |<----------------- committedBytes(): the prefix ----------------->|<-- reserved, never touched --->|
 *   [ used ][ purged hole ][ used ][ used ][ hole ][  used  ][ unused  ]
 *            purge(off, n): the OS takes the pages back; they stay read-write and read as zero
 *            recommit(off, n): charged again
 *            guard(off, n): inaccessible and not charged for good: pages the allocator never hands out
 * </pre>
 *
 * <p>Implementations: {@link OwnRegion}, a reservation of the allocator's own; the tail of a {@code LinearArena}'s
 * block, lent to one allocator at a time, whose commits and purges go through the arena (and count in its
 * numbers), and which never purges memory the arena did not map (the caller's, a mapped file). The holes are the
 * allocator's to track: the prefix counts them as committed. Every method either does all it says or throws and
 * changes nothing. Not thread-safe: the allocator guards it.
 */
public interface Region {
    /** {@return the address of the first byte, which never changes} */
    long address();

    /**
     * {@return the granularity of {@link #commitTo} and {@link #purgeAbove}, from the region's start: the OS page,
     * or an arena's commit step for a tail (a multiple of the page, not always a power of two)}
     */
    long pageSize();

    /** {@return the OS page: the granularity of {@link #purge} and {@link #recommit}} */
    long osPageSize();

    /**
     * {@return the bytes of the committed prefix in RAM now (touched and not purged), or -1 if the OS cannot tell}
     * For statistics: one question to the kernel per GiB of prefix.
     */
    long residentBytes();

    /**
     * {@return the counts of the OS memory behind this region: its own reservation's, or for an arena's tail the
     * arena's (the pages are the arena's)}
     */
    Usage usage();

    /** {@return the bytes of address space: the most that can ever be committed} */
    long reservedBytes();

    /** {@return the committed prefix in bytes, holes included, a multiple of {@link #pageSize()}} */
    long committedBytes();

    /**
     * {@return the offset at and above which the committed prefix reads as zero}: 0 for fresh memory, the arena's
     * zero mark for a tail (memory pushed and popped before holds old bytes), the end for the caller's memory
     */
    long cleanFrom();

    /**
     * Commits the prefix up to {@code end} (rounded up to the page), at most {@link #reservedBytes()}.
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses; nothing changes
     */
    void commitTo(long end);

    /**
     * Shrinks the prefix to {@code keep} (rounded up to the OS page), purging what lies above: the pages go back to
     * the OS and read as zero, and the range stays accessible.
     *
     * @param purgedAbove the bytes above {@code keep} the caller purged already with {@link #purge}: not counted twice
     */
    void purgeAbove(long keep, long purgedAbove);

    /**
     * Purges {@code [offset, offset + byteSize)}, whole OS pages inside the prefix that the caller knows are
     * committed. {@return false if the memory is not jalloc's to purge (the caller's memory, a mapped file): nothing
     * was done}
     */
    boolean purge(long offset, long byteSize);

    /**
     * Commits again {@code [offset, offset + byteSize)}, whole OS pages the caller purged with {@link #purge}.
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses; nothing changes
     */
    void recommit(long offset, long byteSize);

    /**
     * Makes {@code [offset, offset + byteSize)}, whole OS pages of the committed prefix (not purged) that the
     * allocator never handed out and never will, a guard for the rest of the region's life: decommitted, so that any
     * access faults, and no longer charged. Only a region of the allocator's own has guards: an arena takes its
     * tail's pages back with their bytes, and a heap on a tail is never hardened.
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses (a process at its limit of mappings); nothing changes
     * @throws UnsupportedOperationException     if the region is not a reservation of its own
     */
    default void guard(long offset, long byteSize) {
        throw new UnsupportedOperationException("guard pages need a reservation of its own, not " + this);
    }

    /**
     * {@return a segment over the whole range, with the lifetime of the memory}: the region's own scope (ended by
     * {@link #release}), the arena's, or the caller's for the caller's memory
     */
    MemorySegment segment();

    /** {@return whether segments over this region are accessible from every thread} */
    boolean isShared();

    /** {@return whether the pages are the arena's or the region's own, rather than the caller's (never purged)} */
    boolean ownsMemory();

    /**
     * Gives the range back, once, when the allocator closes: to the OS, or to the arena it was taken from, which
     * keeps the first {@code liveBytes} as pushed memory. Before giving a range back to an arena
     * ({@link #returnsToArena()}) the allocator purges everything from its first hole up ({@link #purgeAbove}), so
     * that the arena's committed prefix has no holes.
     */
    void release(long liveBytes);

    /**
     * Ends the lifetime of the region's own segments, the one step of closing that may be refused (a segment in use
     * by a downcall right now: nothing changes then); {@link #release} then cannot be refused. Idempotent. A region
     * whose segments have another owner's lifetime (an arena's tail, the caller's memory) has nothing to end.
     *
     * @throws IllegalStateException if a segment over the region is in use by a downcall; nothing has changed
     */
    default void endScope() {
    }

    /**
     * Registers what to do if the range is taken away before {@link #release}: an arena closing under an allocator
     * on its tail runs {@code action}, which closes the allocator. A reservation of the allocator's own never is.
     */
    void onTakenAway(Runnable action);

    /** {@return whether {@link #release} gives the range to an arena, which treats its prefix as committed} */
    default boolean returnsToArena() {
        return false;
    }

    /** {@return how the region's reservation fell short of what was asked, or {@code null}} */
    default String shortfall() {
        return null;
    }

    /**
     * The bridge through which {@code dev.jalloc.vector} and {@code dev.jalloc.heap} take the tail of a
     * {@code LinearArena} without the arena exporting a method for it; the arena class installs it when it is
     * initialized (the JDK's {@code SharedSecrets} pattern).
     */
    final class Tails {
        /** Lends the tail of an arena's current block. */
        @FunctionalInterface
        public interface Lender {
            /**
             * {@return the tail of {@code arena}'s current block from its position aligned up to
             * {@code byteAlignment}; the arena refuses pushes, pops and temps until the region is released}
             */
            Region takeTail(Arena arena, long byteAlignment);
        }

        private static volatile Lender lender;

        private Tails() {
        }

        /** Installs the lender; called once by the arena class. */
        public static void install(Lender l) {
            lender = l;
        }

        /** {@return the tail of {@code arena}} through the installed lender (the arena class is loaded: an instance exists) */
        public static Region take(Arena arena, long byteAlignment) {
            return lender.takeTail(arena, byteAlignment);
        }
    }
}
