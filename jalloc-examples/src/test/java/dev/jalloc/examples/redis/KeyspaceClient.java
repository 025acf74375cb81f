package dev.jalloc.examples.redis;

import static dev.jalloc.examples.redis.RespTesting.args;
import static dev.jalloc.examples.redis.RespTesting.decode;

/**
 * A keyspace driven the way the server drives it, one command at a time: arguments made by
 * {@link RespTesting#args}, replies decoded by {@link RespTesting#decode}, and a clock the test moves ({@link #now}).
 * Keys and values are byte strings written as ISO-8859-1 text.
 */
final class KeyspaceClient {
    /** The default APPEND limit: Redis's proto-max-bulk-len. */
    static final long MAX_LENGTH = 512L << 20;

    final Keyspace keyspace;
    /** The time every call is given, in milliseconds. */
    long now = 1_700_000_000_000L;

    KeyspaceClient(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    Object get(String key) {
        Reply reply = RespTesting.reply();
        keyspace.get(args("GET", key), 1, now, reply);
        return decode(reply);
    }

    boolean set(String key, String value) {
        return set(key, value, 0, Keyspace.ALWAYS, false);
    }

    boolean set(String key, String value, long expireAt, int condition, boolean keepTtl) {
        return keyspace.set(args("SET", key, value), 1, 2, expireAt, condition, keepTtl, now);
    }

    boolean delete(String key) {
        return keyspace.delete(args("DEL", key), 1, now);
    }

    boolean exists(String key) {
        return keyspace.exists(args("EXISTS", key), 1, now);
    }

    long incrementBy(String key, long delta) {
        return keyspace.incrementBy(args("INCRBY", key, Long.toString(delta)), 1, delta, now);
    }

    long append(String key, String value) {
        return append(key, value, MAX_LENGTH);
    }

    long append(String key, String value, long maxLength) {
        return keyspace.append(args("APPEND", key, value), 1, 2, maxLength, now);
    }

    long stringLength(String key) {
        return keyspace.stringLength(args("STRLEN", key), 1, now);
    }

    long push(String key, boolean left, String... values) {
        String[] parts = new String[values.length + 2];
        parts[0] = left ? "LPUSH" : "RPUSH";
        parts[1] = key;
        System.arraycopy(values, 0, parts, 2, values.length);
        return keyspace.push(args(parts), 1, 2, left, now);
    }

    long leftPush(String key, String... values) {
        return push(key, true, values);
    }

    long rightPush(String key, String... values) {
        return push(key, false, values);
    }

    /** LPOP or RPOP, with a count if {@code count >= 0}. */
    Object pop(String key, boolean left, long count) {
        Reply reply = RespTesting.reply();
        Args args = count < 0 ? args("LPOP", key) : args("LPOP", key, Long.toString(count));
        keyspace.pop(args, 1, left, count, now, reply);
        return decode(reply);
    }

    Object range(String key, long start, long stop) {
        Reply reply = RespTesting.reply();
        keyspace.range(args("LRANGE", key, Long.toString(start), Long.toString(stop)), 1, start, stop, now, reply);
        return decode(reply);
    }

    long listLength(String key) {
        return keyspace.listLength(args("LLEN", key), 1, now);
    }

    boolean expireAt(String key, long expireAt) {
        return keyspace.expireAt(args("PEXPIREAT", key, Long.toString(expireAt)), 1, expireAt, now);
    }

    long timeToLive(String key) {
        return keyspace.timeToLive(args("PTTL", key), 1, now);
    }

    /** {@return a string of {@code length} bytes, every byte value in turn} */
    static String binary(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + i / 256);
        }
        return RespTesting.text(bytes);
    }
}
