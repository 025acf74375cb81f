package dev.jalloc.internal.hardened;

import java.util.random.RandomGenerator;

/**
 * Freed payloads waiting before the heap may hand them out again, so that a stale pointer keeps pointing at zeros
 * (and a double free is recognized) for a while, and the order of reuse is not the order of frees.
 *
 * <pre>
 *   free(a) --> random[r] for a random r --(the one it replaces)--> ring (FIFO) --(oldest)--> released to the heap
 *               (length 0: straight to the ring)                    (length 0: released at once)
 *   held bytes above the bound: the ring's oldest go first, then random entries
 * </pre>
 * Every held address is in {@link #members}. Not thread-safe: the engine guards it.
 */
final class Quarantine {
    /** Where an entry goes when it leaves. */
    interface Release {
        /** The payload at {@code address} of {@code bytes} usable bytes leaves the quarantine. */
        void release(long address, long bytes);
    }

    private final long[] randomAddresses;
    private final long[] randomBytes;
    private final long[] ringAddresses;
    private final long[] ringBytes;
    private final long maxBytes;
    private final RandomGenerator random;
    private final AddressSet members;
    private int ringHead;
    private int ringCount;
    private long bytes;

    /**
     * @param randomLength entries of the randomly replaced part
     * @param ringLength   entries of the FIFO part
     * @param maxBytes     the most usable bytes held at once
     */
    Quarantine(int randomLength, int ringLength, long maxBytes, RandomGenerator random) {
        this.randomAddresses = new long[randomLength];
        this.randomBytes = new long[randomLength];
        this.ringAddresses = new long[ringLength];
        this.ringBytes = new long[ringLength];
        this.maxBytes = maxBytes;
        this.random = random;
        this.members = new AddressSet(randomLength + ringLength);
    }

    /** {@return whether it holds nothing and never will: both parts of length 0} */
    boolean isDisabled() {
        return randomAddresses.length == 0 && ringAddresses.length == 0;
    }

    /** {@return whether {@code address} is waiting here} */
    boolean contains(long address) {
        return members.contains(address);
    }

    /** {@return the entries held} */
    int count() {
        return members.size();
    }

    /** {@return the usable bytes held} */
    long bytes() {
        return bytes;
    }

    /** Takes the freed payload at {@code address}; what leaves meanwhile goes to {@code out}. */
    void put(long address, long size, Release out) {
        members.add(address);
        bytes += size;
        long a = address;
        long n = size;
        if (randomAddresses.length > 0) {
            int r = random.nextInt(randomAddresses.length);
            a = randomAddresses[r];
            n = randomBytes[r];
            randomAddresses[r] = address;
            randomBytes[r] = size;
        }
        if (a != 0) {
            if (ringAddresses.length == 0) {
                leave(a, n, out);
            } else {
                if (ringCount == ringAddresses.length) {
                    leaveOldest(out);
                }
                int tail = (ringHead + ringCount) % ringAddresses.length;
                ringAddresses[tail] = a;
                ringBytes[tail] = n;
                ringCount++;
            }
        }
        while (bytes > maxBytes && ringCount > 0) {
            leaveOldest(out);
        }
        for (int r = 0; bytes > maxBytes && r < randomAddresses.length; r++) {
            if (randomAddresses[r] != 0) {
                leave(randomAddresses[r], randomBytes[r], out);
                randomAddresses[r] = 0;
            }
        }
    }

    /** Calls {@code visitor} for every entry held, which stays. */
    void forEach(Release visitor) {
        for (int i = 0; i < ringCount; i++) {
            int at = (ringHead + i) % ringAddresses.length;
            visitor.release(ringAddresses[at], ringBytes[at]);
        }
        for (int r = 0; r < randomAddresses.length; r++) {
            if (randomAddresses[r] != 0) {
                visitor.release(randomAddresses[r], randomBytes[r]);
            }
        }
    }

    private void leaveOldest(Release out) {
        long a = ringAddresses[ringHead];
        long n = ringBytes[ringHead];
        ringHead = (ringHead + 1) % ringAddresses.length;
        ringCount--;
        leave(a, n, out);
    }

    private void leave(long address, long size, Release out) {
        members.remove(address);
        bytes -= size;
        out.release(address, size);
    }
}
