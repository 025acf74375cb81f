package dev.jalloc.internal.arena;

/**
 * A range of address space whose committed prefix grows and shrinks in whole pages: what a vector grows into.
 *
 * <p>Implementations: {@link OwnReservation}, a reservation of the vector's own, and the tail of a
 * {@code LinearArena}'s current block. Every method either does all it says or throws and changes nothing. Not
 * thread-safe: the vector guards it.
 */
public interface Region {
    /** {@return the address of the first byte, which never changes} */
    long address();

    /** {@return the granularity of commits and purges, a power of two} */
    long pageSize();

    /** {@return the bytes of address space: the most that can ever be committed} */
    long reservedBytes();

    /** {@return the committed prefix in bytes, a multiple of {@link #pageSize()}} */
    long committedBytes();

    /**
     * Commits the prefix up to {@code end}, a multiple of the page size at most {@link #reservedBytes()}.
     *
     * @throws dev.jalloc.OutOfNativeMemoryError if the OS refuses; nothing changes
     */
    void commitTo(long end);

    /**
     * Purges the committed pages at and above {@code keep}, a multiple of the page size: they go back to the OS and
     * read as zero, and the range stays accessible.
     */
    void purgeAbove(long keep);

    /**
     * Gives the range back, once, when the vector closes: to the OS, or to the arena it was taken from, which
     * keeps the first {@code liveBytes} as pushed memory.
     */
    void release(long liveBytes);

    /**
     * Registers what to do if the range is taken away before {@link #release}: an arena closing under a vector
     * on its tail runs {@code action}, which closes the vector. A reservation of the vector's own never is.
     */
    void onTakenAway(Runnable action);

    /**
     * The bridge through which {@code dev.jalloc.vector} takes the tail of a {@code LinearArena} without the arena
     * exporting a method for it; the arena class installs it when it is initialized (the JDK's
     * {@code SharedSecrets} pattern).
     */
    final class Tails {
        /** Lends the tail of an arena's current block. */
        @FunctionalInterface
        public interface Lender {
            /**
             * {@return the tail of {@code arena}'s current block from its position aligned up to
             * {@code byteAlignment}; the arena refuses pushes, pops and temps until the region is released}
             */
            Region takeTail(java.lang.foreign.Arena arena, long byteAlignment);
        }

        private static Lender lender;

        private Tails() {
        }

        /** Installs the lender; called once by the arena class. */
        public static void install(Lender l) {
            lender = l;
        }

        /** {@return the tail of {@code arena}}, through the installed lender (the arena class is loaded, since an instance exists). */
        public static Region take(java.lang.foreign.Arena arena, long byteAlignment) {
            return lender.takeTail(arena, byteAlignment);
        }
    }

    /**
     * {@return a segment over the whole range, with the lifetime of the memory}: a reservation's own scope (ended
     * by {@link #release}), or the arena's.
     */
    java.lang.foreign.MemorySegment segment();
}
