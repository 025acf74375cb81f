package dev.jalloc.examples.redis;

import java.lang.foreign.MemorySegment;
import java.util.function.LongPredicate;

/**
 * The index of a {@link JallocKeyspace}: which entry holds which key. Open addressing with linear probing over two
 * arrays on the Java heap, {@code entries} (the entries' addresses, 0 for an empty slot) and {@code hashes} (their
 * keys' hashes, compared before a key's bytes are read from the entry); deletion shifts the run after the slot back
 * instead of leaving a tombstone, and the table doubles at three quarters full. The slot is taken from a hash's low
 * bits, the shard from its top bits, so the two do not correlate. It owns the arrays, not the entries: the keyspace
 * allocates and frees those.
 */
final class EntryTable {
    private static final int INITIAL_CAPACITY = 16;

    private long[] entries = new long[INITIAL_CAPACITY];
    private int[] hashes = new int[INITIAL_CAPACITY];
    private int mask = INITIAL_CAPACITY - 1;
    private int size;

    /** {@return the slot of the key of {@code length} bytes at {@code offset} of {@code segment}, or -1} */
    int find(int hash, MemorySegment segment, long offset, int length) {
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            long entry = entries[slot];
            if (entry == 0) {
                return -1;
            }
            if (hashes[slot] == hash && JallocKeyspace.keyLength(entry) == length
                    && Bytes.equal(Bytes.NATIVE, entry + JallocKeyspace.keyOffset(entry), segment, offset, length)) {
                return slot;
            }
        }
    }

    /** {@return the entry in {@code slot}, 0 if it is empty} */
    long entry(int slot) {
        return entries[slot];
    }

    /** Puts another entry of the same key in {@code slot} (a moved or retyped one). */
    void replace(int slot, long entry) {
        entries[slot] = entry;
    }

    /** Adds the entry of a key not in the table. */
    void insert(long entry, int hash) {
        if (size + 1 > (mask + 1) - ((mask + 1) >>> 2)) {
            grow();
        }
        int slot = hash & mask;
        while (entries[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        entries[slot] = entry;
        hashes[slot] = hash;
        size++;
    }

    private void grow() {
        long[] oldEntries = entries;
        int[] oldHashes = hashes;
        entries = new long[oldEntries.length * 2];
        hashes = new int[oldEntries.length * 2];
        mask = entries.length - 1;
        for (int i = 0; i < oldEntries.length; i++) {
            if (oldEntries[i] != 0) {
                int slot = oldHashes[i] & mask;
                while (entries[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                entries[slot] = oldEntries[i];
                hashes[slot] = oldHashes[i];
            }
        }
    }

    /**
     * Empties {@code slot} and shifts back the run after it, so that the slot may then hold another entry.
     *
     * @return the entry that was there, for the caller to free
     */
    long remove(int slot) {
        long removed = entries[slot];
        size--;
        int hole = slot;
        for (int i = (slot + 1) & mask; entries[i] != 0; i = (i + 1) & mask) {
            int home = hashes[i] & mask;
            // Move the entry at i into the hole unless its home lies cyclically in (hole, i].
            boolean stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!stays) {
                entries[hole] = entries[i];
                hashes[hole] = hashes[i];
                hole = i;
            }
        }
        entries[hole] = 0;
        hashes[hole] = 0;
        return removed;
    }

    /** {@return the number of entries} */
    int size() {
        return size;
    }

    /** {@return the number of slots: a power of two} */
    int capacity() {
        return mask + 1;
    }

    /** {@return the slot after {@code slot}, wrapping around} */
    int next(int slot) {
        return (slot + 1) & mask;
    }

    /** Hands every entry to {@code free}, then empties the table and shrinks it back. */
    void clear(LongPredicate free) {
        for (long entry : entries) {
            if (entry != 0) {
                free.test(entry);
            }
        }
        entries = new long[INITIAL_CAPACITY];
        hashes = new int[INITIAL_CAPACITY];
        mask = INITIAL_CAPACITY - 1;
        size = 0;
    }

    @Override
    public String toString() {
        return "EntryTable[entries=" + size + ", slots=" + (mask + 1) + "]";
    }
}
