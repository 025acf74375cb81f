package dev.jalloc.examples.redis;

/**
 * One shard of the server's data: a map from keys (byte strings) to strings or lists, with expiry times. The
 * server calls a keyspace only while it holds the shard's lock, so an implementation needs no synchronization of
 * its own; the calls of one keyspace come from every event-loop thread, one at a time, so what one thread
 * allocates another frees.
 *
 * <p>Keys and values arrive as arguments of the command being run ({@link Args}: slices of the connection's input
 * buffer, valid only during the call); an implementation copies what it keeps. Replies go straight into the
 * connection's {@link Reply}. A call that fails throws {@link RedisException} before it changes anything.
 *
 * <p>Times are milliseconds of {@link System#currentTimeMillis()}, given by the caller as {@code now}; an
 * expiry time of {@code 0} means none. A key whose expiry time is at or before {@code now} does not exist: each
 * call that finds one removes it first (lazy expiry), and {@link #expireSome} removes some that nobody asks for.
 */
interface Keyspace extends AutoCloseable {
    /** {@link #set}'s condition: set whether or not the key exists. */
    int ALWAYS = 0;
    /** {@link #set}'s condition: only if the key does not exist ({@code NX}). */
    int IF_ABSENT = 1;
    /** {@link #set}'s condition: only if the key exists ({@code XX}). */
    int IF_PRESENT = 2;

    /**
     * GET: replies the string's bytes, or nil if the key does not exist.
     *
     * @throws RedisException WRONGTYPE if the key holds a list
     */
    void get(Args args, int key, long now, Reply reply);

    /**
     * SET: makes the key hold a copy of argument {@code value}, whatever it held, replacing its expiry time with
     * {@code expireAt} unless {@code keepTtl}.
     *
     * @param condition {@link #ALWAYS}, {@link #IF_ABSENT} or {@link #IF_PRESENT}
     * @return whether it was set (false only when the condition did not hold)
     */
    boolean set(Args args, int key, int value, long expireAt, int condition, boolean keepTtl, long now);

    /** DEL of one key: {@return whether it existed} */
    boolean delete(Args args, int key, long now);

    /** EXISTS of one key: {@return whether it exists} */
    boolean exists(Args args, int key, long now);

    /**
     * INCR, INCRBY, DECR: adds {@code delta} to the decimal integer the key holds (0 if it does not exist) and
     * stores the result as its decimal string; the expiry time stays.
     *
     * @return the new value
     * @throws RedisException WRONGTYPE if the key holds a list; {@link RedisException#NOT_AN_INTEGER} if the
     *                        string is not a decimal integer; {@link RedisException#OVERFLOW} if the sum overflows
     */
    long incrementBy(Args args, int key, long delta, long now);

    /**
     * APPEND: appends argument {@code value} to the string (creating it if the key does not exist).
     *
     * @param maxLength the longest string allowed
     * @return the string's new length
     * @throws RedisException WRONGTYPE if the key holds a list; ERR if the result would exceed {@code maxLength}
     */
    long append(Args args, int key, int value, long maxLength, long now);

    /**
     * STRLEN: {@return the string's length, 0 if the key does not exist}
     *
     * @throws RedisException WRONGTYPE if the key holds a list
     */
    long stringLength(Args args, int key, long now);

    /**
     * LPUSH, RPUSH: pushes arguments {@code firstValue} to {@code args.count() - 1}, in order, at the list's head
     * ({@code left}) or tail, creating the list if the key does not exist.
     *
     * @return the list's new length
     * @throws RedisException WRONGTYPE if the key holds a string
     */
    long push(Args args, int key, int firstValue, boolean left, long now);

    /**
     * LPOP, RPOP: removes the list's head ({@code left}) or tail; a list left empty is deleted. Without a count
     * ({@code count < 0}) replies the element, or nil if the key does not exist; with one, an array of up to
     * {@code count} elements, or a nil array if the key does not exist.
     *
     * @throws RedisException WRONGTYPE if the key holds a string
     */
    void pop(Args args, int key, boolean left, long count, long now, Reply reply);

    /**
     * LRANGE: replies an array of the elements from index {@code start} to {@code stop}, both included; negative
     * indexes count from the tail ({@code -1} is the last), out-of-range ones are clamped; an empty array if the
     * key does not exist.
     *
     * @throws RedisException WRONGTYPE if the key holds a string
     */
    void range(Args args, int key, long start, long stop, long now, Reply reply);

    /**
     * LLEN: {@return the list's length, 0 if the key does not exist}
     *
     * @throws RedisException WRONGTYPE if the key holds a string
     */
    long listLength(Args args, int key, long now);

    /**
     * EXPIRE, PEXPIRE: sets the key's expiry time; one at or before {@code now} deletes the key.
     *
     * @return whether the key exists (the time was set, or the key deleted)
     */
    boolean expireAt(Args args, int key, long expireAt, long now);

    /** PTTL: {@return the key's time to live in milliseconds; -1 if it has no expiry time, -2 if it does not exist} */
    long timeToLive(Args args, int key, long now);

    /** {@return the number of keys} (expired keys not yet removed included, as Redis counts them) */
    long size();

    /** FLUSHALL: removes every key, giving back all their memory. */
    void clear();

    /**
     * Active expiry: looks at up to {@code budget} keys after where the last call stopped and removes those that
     * expired at or before {@code now}.
     *
     * @return the number removed
     */
    int expireSome(long now, int budget);

    /** Gives back all memory; the keyspace is not used after. */
    @Override
    void close();
}
