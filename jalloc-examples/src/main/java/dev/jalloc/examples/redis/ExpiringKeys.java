package dev.jalloc.examples.redis;

import java.util.Arrays;

/**
 * The values of a {@link MapKeyspace} that have an expiry time, in an array that active expiry walks with a
 * cursor (a {@code HashMap} cannot be walked from where the last walk stopped once it changed). Removal moves the
 * last value into the freed slot, so every operation is O(1); a value knows its slot
 * ({@link StoredValue#expiringSlot}).
 *
 * <pre>
 *   values: [ v0 | v1 | v2 | v3 | null ... ]     count = 4
 *                   ^cursor: the next value {@link #atCursor()} gives; wraps to 0 at count
 * </pre>
 *
 * @param <V> how a value's bytes are kept
 */
final class ExpiringKeys<V> {
    private static final int INITIAL = 16;

    private StoredValue<V>[] values = newArray(INITIAL);
    private int count;
    private int cursor;

    /** {@return how many values have an expiry time} */
    int count() {
        return count;
    }

    /** Adds {@code value}, which is not here yet. */
    void add(StoredValue<V> value) {
        if (count == values.length) {
            values = Arrays.copyOf(values, count * 2);
        }
        value.expiringSlot = count;
        values[count++] = value;
    }

    /** Removes {@code value}, which is here. */
    void remove(StoredValue<V> value) {
        int slot = value.expiringSlot;
        StoredValue<V> last = values[--count];
        values[slot] = last;
        last.expiringSlot = slot;
        values[count] = null;
        value.expiringSlot = -1;
        if (values.length > INITIAL && count < values.length / 4) {
            values = Arrays.copyOf(values, values.length / 2);
        }
    }

    /** {@return the value at the cursor}, which wraps to the first when it passed the last; there must be one */
    StoredValue<V> atCursor() {
        if (cursor >= count) {
            cursor = 0;
        }
        return values[cursor];
    }

    /** Moves the cursor past the value {@link #atCursor()} gave (not after removing it: the last took its slot). */
    void advance() {
        cursor++;
    }

    /** Forgets every value (whose slots the caller no longer reads). */
    void clear() {
        values = newArray(INITIAL);
        count = 0;
        cursor = 0;
    }

    @SuppressWarnings("unchecked")
    private static <V> StoredValue<V>[] newArray(int length) {
        return (StoredValue<V>[]) new StoredValue<?>[length];
    }
}
