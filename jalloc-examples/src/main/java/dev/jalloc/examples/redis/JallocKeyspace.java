package dev.jalloc.examples.redis;

import static dev.jalloc.examples.redis.Bytes.NATIVE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jalloc.heap.Heap;
import java.lang.foreign.MemorySegment;

/**
 * One shard's data in a shared jalloc {@link Heap}: every key is one block (an <em>entry</em>) holding its header,
 * its bytes and, for a string, the value's bytes after them; every list element is one block (a <em>node</em>).
 * Only the index ({@link EntryTable}) is on the Java heap: two arrays, so the garbage collector sees two objects
 * per shard whatever the number of keys, and a key costs it nothing to trace.
 *
 * <pre>
 *  entry, string                              entry, list
 *  +0   expireAt (long, ms; 0 = none)         +0   expireAt
 *  +8   hash (int)   +12 keyLength (int)      +8   hash         +12 keyLength
 *  +16  type = 0     +20 valueLength (int)    +16  type = 1     +20 (unused)
 *  +24  key bytes, then value bytes           +24  head node    +32 tail node    +40 length (longs)
 *                                             +48  key bytes
 *  list node:  +0 prev  +8 next (addresses, 0 = none)  +16 length (int)  +20 bytes
 * </pre>
 *
 * <p>A value overwritten with one of about the same size (within a quarter of the block) is written in place;
 * otherwise the entry moves to a block of the right size class, so that overwriting with other sizes does not
 * strand memory. Entries are read and written at raw addresses ({@link Bytes#NATIVE}): every address used is a live
 * block of this keyspace, under the shard's lock.
 */
final class JallocKeyspace implements Keyspace {
    private static final int STRING = 0;
    private static final int LIST = 1;
    private static final long EXPIRE = 0;
    private static final long HASH = 8;
    private static final long KEY_LENGTH = 12;
    private static final long TYPE = 16;
    private static final long VALUE_LENGTH = 20;
    private static final long STRING_KEY = 24;
    private static final long HEAD = 24;
    private static final long TAIL = 32;
    private static final long LIST_LENGTH = 40;
    private static final long LIST_KEY = 48;
    private static final long PREV = 0;
    private static final long NEXT = 8;
    private static final long NODE_LENGTH = 16;
    private static final long NODE_BYTES = 20;

    private final Heap heap;
    private final EntryTable table = new EntryTable();
    private int expireCursor;
    /** INCR's digits, before they become the value. */
    private final MemorySegment digits = MemorySegment.ofArray(new byte[Numbers.MAX_DIGITS]);

    JallocKeyspace(Heap heap) {
        this.heap = heap;
    }

    // ---- strings ----------------------------------------------------------------------------------------------

    @Override
    public void get(Args args, int key, long now, Reply reply) {
        int slot = lookup(args, key, now);
        if (slot < 0) {
            reply.nil();
            return;
        }
        long entry = string(slot);
        reply.bulk(NATIVE, entry + STRING_KEY + keyLength(entry), valueLength(entry));
    }

    @Override
    public boolean set(Args args, int key, int value, long expireAt, int condition, boolean keepTtl, long now) {
        int slot = lookup(args, key, now);
        if (condition == IF_ABSENT && slot >= 0 || condition == IF_PRESENT && slot < 0) {
            return false;
        }
        if (!keepTtl && expireAt != 0 && expireAt <= now) {   // set and expired at once: nothing to keep
            if (slot >= 0) {
                removeAt(slot);
            }
            return true;
        }
        long expire = keepTtl && slot >= 0 ? NATIVE.get(JAVA_LONG, table.entry(slot) + EXPIRE) : expireAt;
        store(slot, args, key, args.segment(), args.offset(value), args.length(value), expire);
        return true;
    }

    @Override
    public long incrementBy(Args args, int key, long delta, long now) {
        int slot = lookup(args, key, now);
        long current = 0;
        long expire = 0;
        if (slot >= 0) {
            long entry = string(slot);
            current = Numbers.parseLong(NATIVE, entry + STRING_KEY + keyLength(entry), valueLength(entry));
            expire = NATIVE.get(JAVA_LONG, entry + EXPIRE);
        }
        long result = current + delta;
        if (((current ^ result) & (delta ^ result)) < 0) {
            throw RedisException.OVERFLOW;
        }
        int length = Numbers.writeLong(digits, 0, result);
        store(slot, args, key, digits, 0, length, expire);
        return result;
    }

    @Override
    public long append(Args args, int key, int value, long maxLength, long now) {
        int slot = lookup(args, key, now);
        long added = args.length(value);
        if (slot < 0) {
            if (added > maxLength) {
                throw RedisException.tooLarge(added, maxLength);
            }
            store(-1, args, key, args.segment(), args.offset(value), added, 0);
            return added;
        }
        long entry = string(slot);
        long old = valueLength(entry);
        long length = old + added;
        if (length > maxLength) {
            throw RedisException.tooLarge(length, maxLength);
        }
        long bytes = STRING_KEY + keyLength(entry) + length;
        if (bytes > heap.usableSize(entry)) {
            entry = heap.reallocateNoInit(entry, bytes);
            table.replace(slot, entry);
        }
        MemorySegment.copy(args.segment(), args.offset(value), NATIVE, entry + STRING_KEY + keyLength(entry) + old,
                added);
        NATIVE.set(JAVA_INT, entry + VALUE_LENGTH, (int) length);
        return length;
    }

    @Override
    public long stringLength(Args args, int key, long now) {
        int slot = lookup(args, key, now);
        return slot < 0 ? 0 : valueLength(string(slot));
    }

    /**
     * Makes the key hold {@code length} bytes at {@code offset} of {@code source}: in its block if they fit it
     * snugly, otherwise in a new block; {@code slot} is the key's slot, or negative for a new key.
     */
    private void store(int slot, Args args, int key, MemorySegment source, long offset, long length, long expire) {
        int keyLength = args.length(key);
        long bytes = STRING_KEY + keyLength + length;
        long entry = slot >= 0 ? table.entry(slot) : 0;
        if (entry != 0 && type(entry) == STRING) {
            long usable = heap.usableSize(entry);
            if (bytes > usable || bytes < usable - usable / 4 - 16) {
                long moved = heap.allocateAddressNoInit(bytes, Long.BYTES);
                MemorySegment.copy(NATIVE, entry, NATIVE, moved, STRING_KEY + keyLength);
                heap.free(entry);
                entry = moved;
                table.replace(slot, entry);
            }
        } else {
            long created = heap.allocateAddressNoInit(bytes, Long.BYTES);
            NATIVE.set(JAVA_INT, created + HASH, args.hash(key));
            NATIVE.set(JAVA_INT, created + KEY_LENGTH, keyLength);
            NATIVE.set(JAVA_INT, created + TYPE, STRING);
            MemorySegment.copy(args.segment(), args.offset(key), NATIVE, created + STRING_KEY, keyLength);
            if (entry != 0) {   // a list becomes a string
                freeEntry(entry);
                table.replace(slot, created);
            } else {
                table.insert(created, args.hash(key));
            }
            entry = created;
        }
        NATIVE.set(JAVA_LONG, entry + EXPIRE, expire);
        NATIVE.set(JAVA_INT, entry + VALUE_LENGTH, (int) length);
        MemorySegment.copy(source, offset, NATIVE, entry + STRING_KEY + keyLength, length);
    }

    // ---- lists ------------------------------------------------------------------------------------------------

    @Override
    public long push(Args args, int key, int firstValue, boolean left, long now) {
        int slot = lookup(args, key, now);
        long entry;
        if (slot < 0) {
            int keyLength = args.length(key);
            entry = heap.allocateAddress(LIST_KEY + keyLength, Long.BYTES);   // zeroed: no expiry, empty list
            NATIVE.set(JAVA_INT, entry + HASH, args.hash(key));
            NATIVE.set(JAVA_INT, entry + KEY_LENGTH, keyLength);
            NATIVE.set(JAVA_INT, entry + TYPE, LIST);
            MemorySegment.copy(args.segment(), args.offset(key), NATIVE, entry + LIST_KEY, keyLength);
            table.insert(entry, args.hash(key));
        } else {
            entry = list(slot);
        }
        for (int v = firstValue; v < args.count(); v++) {
            int length = args.length(v);
            long node = heap.allocateAddressNoInit(NODE_BYTES + length, Long.BYTES);
            NATIVE.set(JAVA_INT, node + NODE_LENGTH, length);
            MemorySegment.copy(args.segment(), args.offset(v), NATIVE, node + NODE_BYTES, length);
            long end = NATIVE.get(JAVA_LONG, entry + (left ? HEAD : TAIL));
            NATIVE.set(JAVA_LONG, node + (left ? PREV : NEXT), 0);
            NATIVE.set(JAVA_LONG, node + (left ? NEXT : PREV), end);
            if (end != 0) {
                NATIVE.set(JAVA_LONG, end + (left ? PREV : NEXT), node);
            } else {
                NATIVE.set(JAVA_LONG, entry + (left ? TAIL : HEAD), node);
            }
            NATIVE.set(JAVA_LONG, entry + (left ? HEAD : TAIL), node);
        }
        long length = NATIVE.get(JAVA_LONG, entry + LIST_LENGTH) + args.count() - firstValue;
        NATIVE.set(JAVA_LONG, entry + LIST_LENGTH, length);
        return length;
    }

    @Override
    public void pop(Args args, int key, boolean left, long count, long now, Reply reply) {
        int slot = lookup(args, key, now);
        if (slot < 0) {
            if (count < 0) {
                reply.nil();
            } else {
                reply.nilArray();
            }
            return;
        }
        long entry = list(slot);
        long length = NATIVE.get(JAVA_LONG, entry + LIST_LENGTH);
        long n = count < 0 ? 1 : Math.min(count, length);
        if (count >= 0) {
            reply.array(n);
        }
        for (long i = 0; i < n; i++) {
            long node = NATIVE.get(JAVA_LONG, entry + (left ? HEAD : TAIL));
            reply.bulk(NATIVE, node + NODE_BYTES, NATIVE.get(JAVA_INT, node + NODE_LENGTH));
            long next = NATIVE.get(JAVA_LONG, node + (left ? NEXT : PREV));
            NATIVE.set(JAVA_LONG, entry + (left ? HEAD : TAIL), next);
            if (next != 0) {
                NATIVE.set(JAVA_LONG, next + (left ? PREV : NEXT), 0);
            } else {
                NATIVE.set(JAVA_LONG, entry + (left ? TAIL : HEAD), 0);
            }
            heap.free(node);
        }
        length -= n;
        NATIVE.set(JAVA_LONG, entry + LIST_LENGTH, length);
        if (length == 0) {
            removeAt(slot);
        }
    }

    @Override
    public void range(Args args, int key, long start, long stop, long now, Reply reply) {
        int slot = lookup(args, key, now);
        if (slot < 0) {
            reply.array(0);
            return;
        }
        long entry = list(slot);
        long length = NATIVE.get(JAVA_LONG, entry + LIST_LENGTH);
        long first = start < 0 ? Math.max(0, length + start) : start;
        long last = stop < 0 ? length + stop : Math.min(stop, length - 1);
        if (first > last || first >= length) {
            reply.array(0);
            return;
        }
        long node;
        if (first <= length - 1 - first) {
            node = NATIVE.get(JAVA_LONG, entry + HEAD);
            for (long i = 0; i < first; i++) {
                node = NATIVE.get(JAVA_LONG, node + NEXT);
            }
        } else {
            node = NATIVE.get(JAVA_LONG, entry + TAIL);
            for (long i = length - 1; i > first; i--) {
                node = NATIVE.get(JAVA_LONG, node + PREV);
            }
        }
        reply.array(last - first + 1);
        for (long i = first; i <= last; i++) {
            reply.bulk(NATIVE, node + NODE_BYTES, NATIVE.get(JAVA_INT, node + NODE_LENGTH));
            node = NATIVE.get(JAVA_LONG, node + NEXT);
        }
    }

    @Override
    public long listLength(Args args, int key, long now) {
        int slot = lookup(args, key, now);
        return slot < 0 ? 0 : NATIVE.get(JAVA_LONG, list(slot) + LIST_LENGTH);
    }

    // ---- keys -------------------------------------------------------------------------------------------------

    @Override
    public boolean delete(Args args, int key, long now) {
        int slot = lookup(args, key, now);
        if (slot < 0) {
            return false;
        }
        removeAt(slot);
        return true;
    }

    @Override
    public boolean exists(Args args, int key, long now) {
        return lookup(args, key, now) >= 0;
    }

    @Override
    public boolean expireAt(Args args, int key, long expireAt, long now) {
        int slot = lookup(args, key, now);
        if (slot < 0) {
            return false;
        }
        if (expireAt <= now) {
            removeAt(slot);
        } else {
            NATIVE.set(JAVA_LONG, table.entry(slot) + EXPIRE, expireAt);
        }
        return true;
    }

    @Override
    public long timeToLive(Args args, int key, long now) {
        int slot = lookup(args, key, now);
        if (slot < 0) {
            return -2;
        }
        long expire = NATIVE.get(JAVA_LONG, table.entry(slot) + EXPIRE);
        return expire == 0 ? -1 : expire - now;
    }

    @Override
    public long size() {
        return table.size();
    }

    @Override
    public void clear() {
        table.clear(entry -> {
            freeEntry(entry);
            return true;
        });
        expireCursor = 0;
    }

    /**
     * {@inheritDoc} Walks the table from where the last call stopped; empty slots do not count against the budget,
     * but at most {@code 8 * budget} slots are visited, so a sparse table costs a bounded time per call, and at most
     * the whole table once.
     */
    @Override
    public int expireSome(long now, int budget) {
        int removed = 0;
        int slot = expireCursor & (table.capacity() - 1);
        int looked = 0;
        for (long visits = Math.min(8L * budget, table.capacity()); looked < budget && visits > 0 && table.size() > 0;
                visits--) {
            long entry = table.entry(slot);
            if (entry == 0) {
                slot = table.next(slot);
                continue;
            }
            looked++;
            if (expired(entry, now)) {
                removeAt(slot);   // the next run shifts into this slot: look at it again
                removed++;
            } else {
                slot = table.next(slot);
            }
        }
        expireCursor = slot;
        return removed;
    }

    @Override
    public void close() {
        clear();
    }

    // ---- the index ------------------------------------------------------------------------------------------------

    /** {@return the slot of the key, or -1 if it does not exist}; an expired key is removed first */
    private int lookup(Args args, int key, long now) {
        int slot = table.find(args.hash(key), args.segment(), args.offset(key), args.length(key));
        if (slot >= 0 && expired(table.entry(slot), now)) {
            removeAt(slot);
            return -1;
        }
        return slot;
    }

    private void removeAt(int slot) {
        freeEntry(table.remove(slot));
    }

    private void freeEntry(long entry) {
        if (type(entry) == LIST) {
            for (long node = NATIVE.get(JAVA_LONG, entry + HEAD); node != 0; ) {
                long next = NATIVE.get(JAVA_LONG, node + NEXT);
                heap.free(node);
                node = next;
            }
        }
        heap.free(entry);
    }

    // ---- entries ----------------------------------------------------------------------------------------------

    private long string(int slot) {
        long entry = table.entry(slot);
        if (type(entry) != STRING) {
            throw RedisException.WRONG_TYPE;
        }
        return entry;
    }

    private long list(int slot) {
        long entry = table.entry(slot);
        if (type(entry) != LIST) {
            throw RedisException.WRONG_TYPE;
        }
        return entry;
    }

    private static boolean expired(long entry, long now) {
        long expire = NATIVE.get(JAVA_LONG, entry + EXPIRE);
        return expire != 0 && expire <= now;
    }

    private static int type(long entry) {
        return NATIVE.get(JAVA_INT, entry + TYPE);
    }

    static int keyLength(long entry) {
        return NATIVE.get(JAVA_INT, entry + KEY_LENGTH);
    }

    static long keyOffset(long entry) {
        return type(entry) == STRING ? STRING_KEY : LIST_KEY;
    }

    private static long valueLength(long entry) {
        return NATIVE.get(JAVA_INT, entry + VALUE_LENGTH) & 0xffffffffL;
    }

    @Override
    public String toString() {
        return "JallocKeyspace[" + table + "]";
    }
}
