package dev.jalloc.internal.vector;

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

    /** Gives the range back: to the OS, or to the arena it was taken from. Called once, when the vector closes. */
    void release();
}
