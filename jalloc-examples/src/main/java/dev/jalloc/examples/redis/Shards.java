package dev.jalloc.examples.redis;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The server's data cut into shards, each a {@link Keyspace} behind its own lock, chosen by a key's hash's top
 * bits. A command on one key holds one lock; a command on several keys ({@code MSET}, {@code DEL a b}) takes their
 * shards' locks in ascending order (so no two commands can wait for each other) and runs as one step, as Redis's
 * commands do.
 */
final class Shards {
    private final Keyspace[] keyspaces;
    private final ReentrantLock[] locks;
    private final int bits;

    /** {@code count} shards of {@code storage}: a power of two, as {@link RedisConfig} checks. */
    Shards(Storage storage, int count) {
        bits = Integer.numberOfTrailingZeros(count);
        keyspaces = new Keyspace[count];
        locks = new ReentrantLock[count];
        for (int i = 0; i < count; i++) {
            keyspaces[i] = storage.newKeyspace();
            locks[i] = new ReentrantLock();
        }
    }

    int count() {
        return keyspaces.length;
    }

    /** {@return the shard of a key with this hash} */
    int of(int hash) {
        return bits == 0 ? 0 : hash >>> (32 - bits);
    }

    Keyspace lock(int shard) {
        locks[shard].lock();
        return keyspaces[shard];
    }

    /** {@return the shard's keyspace if its lock was free (and is now held), else null} */
    Keyspace tryLock(int shard) {
        return locks[shard].tryLock() ? keyspaces[shard] : null;
    }

    void unlock(int shard) {
        locks[shard].unlock();
    }

    /** Locks every shard that a set bit of {@code mask} names, in ascending order. */
    void lockAll(long[] mask) {
        for (int w = 0; w < mask.length; w++) {
            for (long bits = mask[w]; bits != 0; bits &= bits - 1) {
                locks[w * 64 + Long.numberOfTrailingZeros(bits)].lock();
            }
        }
    }

    /** Unlocks what {@link #lockAll} locked, and clears the mask. */
    void unlockAll(long[] mask) {
        for (int w = 0; w < mask.length; w++) {
            for (long bits = mask[w]; bits != 0; bits &= bits - 1) {
                locks[w * 64 + Long.numberOfTrailingZeros(bits)].unlock();
            }
            mask[w] = 0;
        }
    }

    Keyspace keyspace(int shard) {
        return keyspaces[shard];
    }

    /** {@return the number of keys in all shards} (each shard read under its lock) */
    long size() {
        long sum = 0;
        for (int i = 0; i < keyspaces.length; i++) {
            sum += lock(i).size();
            unlock(i);
        }
        return sum;
    }

    /** Closes every keyspace, giving back all memory; the server is stopped. */
    void close() {
        for (int i = 0; i < keyspaces.length; i++) {
            lock(i).close();
            unlock(i);
        }
    }
}
