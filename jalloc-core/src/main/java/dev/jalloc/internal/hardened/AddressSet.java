package dev.jalloc.internal.hardened;

/**
 * A set of addresses (never 0): open addressing, linear probing, deletion by shifting the run back, so lookups stay
 * short without tombstones. Grows at half full. Not thread-safe.
 *
 * <pre>
 *   keys[hash(a) & mask], keys[... + 1], ...   a run of occupied slots ends at the first 0
 * </pre>
 */
final class AddressSet {
    private long[] keys;
    private int mask;
    private int size;

    /** @param expected how many addresses it will usually hold */
    AddressSet(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        mask = capacity - 1;
    }

    private static int hash(long a) {
        long h = a * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32);
    }

    /** {@return whether {@code a} is in the set} */
    boolean contains(long a) {
        for (int i = hash(a) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == a) {
                return true;
            }
            if (k == 0) {
                return false;
            }
        }
    }

    /** Adds {@code a}, which is not in the set. */
    void add(long a) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int i = hash(a) & mask;
        while (keys[i] != 0) {
            i = (i + 1) & mask;
        }
        keys[i] = a;
        size++;
    }

    /** Removes {@code a}. {@return whether it was there} */
    boolean remove(long a) {
        int i = hash(a) & mask;
        while (keys[i] != a) {
            if (keys[i] == 0) {
                return false;
            }
            i = (i + 1) & mask;
        }
        // Shift back every later key of the run whose home is not between the hole and it.
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int home = hash(keys[j]) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        size--;
        return true;
    }

    /** {@return how many addresses it holds} */
    int size() {
        return size;
    }

    private void grow() {
        long[] old = keys;
        keys = new long[old.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (long k : old) {
            if (k != 0) {
                add(k);
            }
        }
    }
}
