package dev.jalloc.examples.redis;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;

/**
 * A keyspace on the Java heap, the way a Java program would write one: a {@code HashMap} from keys
 * ({@link MapKey.Owned}, a {@code byte[]} copy) to {@link StoredValue}s holding a string or an {@code ArrayDeque}
 * of list elements. It is generic over how a value's bytes are kept ({@link Values}): in {@code byte[]}s for
 * {@link ByteArrayStorage}, in Netty's pooled direct buffers for {@link NettyStorage}; everything else is this one
 * class.
 *
 * <p>It owns its map, its values (given back to {@link Values#release} when removed, overwritten, popped, cleared
 * or closed) and the keys with an expiry time ({@link ExpiringKeys}). A lookup allocates nothing: the keyspace's
 * one probe ({@link MapKey.View}) views the key argument; that is safe because the caller holds the shard's lock.
 */
final class MapKeyspace<V> implements Keyspace {
    private final Values<V> values;
    private final MapKey.View probe = new MapKey.View();
    private final ExpiringKeys<V> expiring = new ExpiringKeys<>();
    /** Where INCRBY reads and writes decimal integers. */
    private final MemorySegment digits = MemorySegment.ofArray(new byte[Numbers.MAX_DIGITS]);
    private HashMap<MapKey, StoredValue<V>> index = new HashMap<>();

    MapKeyspace(Values<V> values) {
        this.values = values;
    }

    // ---- strings ---------------------------------------------------------------------------------------------

    @Override
    public void get(Args args, int key, long now, Reply reply) {
        StoredValue<V> found = find(args, key, now);
        if (found == null) {
            reply.nil();
        } else {
            bulk(found.string(), reply);
        }
    }

    @Override
    public boolean set(Args args, int key, int value, long expireAt, int condition, boolean keepTtl, long now) {
        StoredValue<V> found = find(args, key, now);
        if (condition == IF_ABSENT && found != null || condition == IF_PRESENT && found == null) {
            return false;
        }
        if (!keepTtl && expireAt != 0 && expireAt <= now) {
            if (found != null) {   // set, and expired at once: nothing to keep
                remove(found);
            }
            return true;
        }
        V copy = values.copyOf(args.segment(), args.offset(value), args.length(value));
        if (found == null) {
            found = add();
        } else {
            releaseValue(found);
            found.list = null;
        }
        found.string = copy;
        if (!keepTtl) {
            setExpireAt(found, expireAt);
        }
        return true;
    }

    @Override
    public long incrementBy(Args args, int key, long delta, long now) {
        StoredValue<V> found = find(args, key, now);
        long old = found == null ? 0 : parseLong(found.string());
        long sum = old + delta;
        if (((old ^ sum) & (delta ^ sum)) < 0) {   // both operands' signs differ from the sum's: overflow
            throw RedisException.OVERFLOW;
        }
        int length = Numbers.writeLong(digits, 0, sum);
        if (found == null) {
            V copy = values.copyOf(digits, 0, length);
            add().string = copy;
        } else {
            found.string = values.overwrite(found.string, digits, 0, length);
        }
        return sum;
    }

    @Override
    public long append(Args args, int key, int value, long maxLength, long now) {
        StoredValue<V> found = find(args, key, now);
        int length = args.length(value);
        long total = found == null ? length : (long) values.length(found.string()) + length;
        long limit = Math.min(maxLength, Integer.MAX_VALUE - 8);   // a value's bytes are indexed by int
        if (total > limit) {
            throw RedisException.tooLarge(total, limit);
        }
        if (found == null) {
            V copy = values.copyOf(args.segment(), args.offset(value), length);
            add().string = copy;
        } else {
            found.string = values.append(found.string, args.segment(), args.offset(value), length);
        }
        return total;
    }

    @Override
    public long stringLength(Args args, int key, long now) {
        StoredValue<V> found = find(args, key, now);
        return found == null ? 0 : values.length(found.string());
    }

    // ---- lists -----------------------------------------------------------------------------------------------

    @Override
    public long push(Args args, int key, int firstValue, boolean left, long now) {
        StoredValue<V> found = find(args, key, now);
        ArrayDeque<V> list = found == null ? new ArrayDeque<>() : found.list();
        for (int i = firstValue; i < args.count(); i++) {
            V copy = values.copyOf(args.segment(), args.offset(i), args.length(i));
            if (left) {
                list.addFirst(copy);
            } else {
                list.addLast(copy);
            }
        }
        if (found == null && !list.isEmpty()) {
            add().list = list;
        }
        return list.size();
    }

    @Override
    public void pop(Args args, int key, boolean left, long count, long now, Reply reply) {
        StoredValue<V> found = find(args, key, now);
        if (found == null) {
            if (count < 0) {
                reply.nil();
            } else {
                reply.nilArray();
            }
            return;
        }
        ArrayDeque<V> list = found.list();
        if (count < 0) {
            popOne(list, left, reply);
        } else {
            long n = Math.min(count, list.size());
            reply.array(n);
            for (long i = 0; i < n; i++) {
                popOne(list, left, reply);
            }
        }
        if (list.isEmpty()) {
            remove(found);
        }
    }

    @Override
    public void range(Args args, int key, long start, long stop, long now, Reply reply) {
        StoredValue<V> found = find(args, key, now);
        if (found == null) {
            reply.array(0);
            return;
        }
        ArrayDeque<V> list = found.list();
        long size = list.size();
        long first = start < 0 ? Math.max(size + start, 0) : start;
        long last = Math.min(stop < 0 ? size + stop : stop, size - 1);
        if (first > last) {
            reply.array(0);
            return;
        }
        reply.array(last - first + 1);
        Iterator<V> elements = list.iterator();
        for (long i = 0; i < first; i++) {
            elements.next();
        }
        for (long i = first; i <= last; i++) {
            bulk(elements.next(), reply);
        }
    }

    @Override
    public long listLength(Args args, int key, long now) {
        StoredValue<V> found = find(args, key, now);
        return found == null ? 0 : found.list().size();
    }

    // ---- keys ------------------------------------------------------------------------------------------------

    @Override
    public boolean delete(Args args, int key, long now) {
        StoredValue<V> found = find(args, key, now);
        if (found == null) {
            return false;
        }
        remove(found);
        return true;
    }

    @Override
    public boolean exists(Args args, int key, long now) {
        return find(args, key, now) != null;
    }

    @Override
    public boolean expireAt(Args args, int key, long expireAt, long now) {
        StoredValue<V> found = find(args, key, now);
        if (found == null) {
            return false;
        }
        if (expireAt <= now) {
            remove(found);
        } else {
            setExpireAt(found, expireAt);
        }
        return true;
    }

    @Override
    public long timeToLive(Args args, int key, long now) {
        StoredValue<V> found = find(args, key, now);
        if (found == null) {
            return -2;
        }
        return found.expireAt == 0 ? -1 : found.expireAt - now;
    }

    @Override
    public long size() {
        return index.size();
    }

    @Override
    public int expireSome(long now, int budget) {
        int removed = 0;
        for (int looks = Math.min(budget, expiring.count()); looks > 0; looks--) {
            StoredValue<V> value = expiring.atCursor();
            if (value.expired(now)) {
                remove(value);
                removed++;
            } else {
                expiring.advance();
            }
        }
        return removed;
    }

    @Override
    public void clear() {
        for (StoredValue<V> value : index.values()) {
            releaseValue(value);
        }
        index = new HashMap<>();   // HashMap.clear() would keep the table at its largest
        expiring.clear();
    }

    @Override
    public void close() {
        clear();
    }

    // ---- the map ---------------------------------------------------------------------------------------------

    /**
     * {@return the value of key argument {@code key}, or null if there is none}; an expired one is removed first.
     * Leaves the probe viewing the key, for {@link #add}.
     */
    private StoredValue<V> find(Args args, int key, long now) {
        probe.view(args, key);
        StoredValue<V> found = index.get(probe);
        if (found != null && found.expired(now)) {
            remove(found);
            return null;
        }
        return found;
    }

    /** {@return a new, empty value for the key the probe views}, in the map, without an expiry time */
    private StoredValue<V> add() {
        StoredValue<V> value = new StoredValue<>(probe.copy());
        index.put(value.key, value);
        return value;
    }

    private void remove(StoredValue<V> value) {
        index.remove(value.key);
        if (value.expiringSlot >= 0) {
            expiring.remove(value);
        }
        releaseValue(value);
    }

    private void setExpireAt(StoredValue<V> value, long expireAt) {
        value.expireAt = expireAt;
        if (expireAt != 0 && value.expiringSlot < 0) {
            expiring.add(value);
        } else if (expireAt == 0 && value.expiringSlot >= 0) {
            expiring.remove(value);
        }
    }

    /** Releases the string or every element of the list of {@code value} (whose fields still point at them). */
    private void releaseValue(StoredValue<V> value) {
        if (value.string != null) {
            values.release(value.string);
        } else {
            for (V element : value.list) {
                values.release(element);
            }
        }
    }

    // ---- values ----------------------------------------------------------------------------------------------

    /** Replies the head or tail of {@code list} and then removes and releases it (a failed reply keeps it). */
    private void popOne(ArrayDeque<V> list, boolean left, Reply reply) {
        bulk(left ? list.peekFirst() : list.peekLast(), reply);
        values.release(left ? list.pollFirst() : list.pollLast());
    }

    private void bulk(V value, Reply reply) {
        int length = values.length(value);
        long at = reply.beginBulk(length);
        values.copyTo(value, reply.segment(), at);
        reply.endBulk(length);
    }

    private long parseLong(V value) {
        int length = values.length(value);
        if (length > Numbers.MAX_DIGITS) {
            throw RedisException.NOT_AN_INTEGER;
        }
        values.copyTo(value, digits, 0);
        return Numbers.parseLong(digits, 0, length);
    }
}
