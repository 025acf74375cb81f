package dev.jalloc.examples.redis;

import java.util.ArrayDeque;

/**
 * What a key of a {@link MapKeyspace} holds: a string or a list (exactly one of the two is set), its expiry time,
 * and, for {@link ExpiringKeys}, its own key and its slot there.
 *
 * @param <V> how a value's bytes are kept ({@link Values})
 */
final class StoredValue<V> {
    /** The map's key of this value: what removing it by way of {@link ExpiringKeys} needs. */
    final MapKey.Owned key;
    /** The string, or null if this is a list. */
    V string;
    /** The list, never empty, or null if this is a string. */
    ArrayDeque<V> list;
    /** When the key expires ({@link System#currentTimeMillis()} milliseconds), 0 if never. */
    long expireAt;
    /** Where this value is in {@link ExpiringKeys}, -1 if it is not there (when {@link #expireAt} is 0). */
    int expiringSlot = -1;

    StoredValue(MapKey.Owned key) {
        this.key = key;
    }

    /** {@return whether the key expired at or before {@code now}} */
    boolean expired(long now) {
        return expireAt != 0 && expireAt <= now;
    }

    /**
     * {@return the string}
     *
     * @throws RedisException WRONGTYPE if this is a list
     */
    V string() {
        if (string == null) {
            throw RedisException.WRONG_TYPE;
        }
        return string;
    }

    /**
     * {@return the list}
     *
     * @throws RedisException WRONGTYPE if this is a string
     */
    ArrayDeque<V> list() {
        if (list == null) {
            throw RedisException.WRONG_TYPE;
        }
        return list;
    }
}
