package dev.jalloc.internal.memory;

/**
 * What one allocator holds from the OS, counted where it happens: by the {@link Reservation}s made for it. An arena,
 * a vector, a heap and a best-fit allocator each have one; an allocator on an arena's tail counts in the arena's
 * (the pages are the arena's) and keeps its own share in its own numbers.
 *
 * <p>Not thread-safe: guarded by the allocator that owns it.
 */
public final class Usage {
    private long reservedBytes;
    private long committedBytes;
    private long peakCommittedBytes;
    private long osCalls;

    /** {@return bytes of address space reserved} */
    public long reservedBytes() {
        return reservedBytes;
    }

    /** {@return bytes committed (charged by the OS), purged ones not included} */
    public long committedBytes() {
        return committedBytes;
    }

    /** {@return the most bytes committed at once so far} */
    public long peakCommittedBytes() {
        return peakCommittedBytes;
    }

    /** {@return the number of memory system calls made: reserve, commit, purge, decommit, release, advise} */
    public long osCalls() {
        return osCalls;
    }

    void reserved(long reserved, long committed) {
        reservedBytes += reserved;
        committedBytes += committed;
        peakCommittedBytes = Math.max(peakCommittedBytes, committedBytes);
        osCalls++;
    }

    void committed(long bytes) {
        committedBytes += bytes;
        peakCommittedBytes = Math.max(peakCommittedBytes, committedBytes);
        osCalls++;
    }

    void uncommitted(long bytes) {
        committedBytes -= bytes;
        osCalls++;
    }

    void released(long reserved, long committed) {
        reservedBytes -= reserved;
        committedBytes -= committed;
        osCalls++;
    }

    void called() {
        osCalls++;
    }

    /**
     * Zeroes the counts of reservations that are gone without a release of their own (a mapping whose release threw
     * stays mapped, but is no longer the allocator's).
     */
    public void forget() {
        reservedBytes = 0;
        committedBytes = 0;
    }
}
