package dev.jalloc.examples.redis;

/**
 * Runs one command: checks its arguments, takes its shards' locks, calls the keyspaces, replies. One instance per
 * event loop (its lock mask is scratch of that thread). Every reply and error is Redis 7's, word for word where a
 * client could depend on it; a command that fails changes nothing.
 */
final class Commands {
    private final RedisServer server;
    private final Shards shards;
    private final long maxValueBytes;
    /** The shards a multi-key command locks, one bit each. */
    private final long[] mask;

    Commands(RedisServer server) {
        this.server = server;
        this.shards = server.shards;
        this.maxValueBytes = server.config.maxValueBytes();
        this.mask = new long[(shards.count() + 63) / 64];
    }

    void execute(Args args, Reply reply, Connection connection) {
        try {
            dispatch(args, reply, connection);
        } catch (RedisException e) {
            reply.error(e.getMessage());
        }
    }

    private void dispatch(Args a, Reply r, Connection connection) {
        long now = System.currentTimeMillis();
        int n = a.count();
        if (a.is(0, "GET")) {
            arity(a, n == 2);
            Keyspace ks = lockKey(a, 1);
            try {
                ks.get(a, 1, now, r);
            } finally {
                unlockKey(a, 1);
            }
        } else if (a.is(0, "SET")) {
            set(a, r, now);
        } else if (a.is(0, "LPUSH") || a.is(0, "RPUSH")) {
            arity(a, n >= 3);
            Keyspace ks = lockKey(a, 1);
            try {
                r.integer(ks.push(a, 1, 2, a.is(0, "LPUSH"), now));
            } finally {
                unlockKey(a, 1);
            }
        } else if (a.is(0, "LPOP") || a.is(0, "RPOP")) {
            arity(a, n == 2 || n == 3);
            long count = -1;
            if (n == 3) {
                count = a.longValue(2);
                if (count < 0) {
                    throw new RedisException("ERR value is out of range, must be positive");
                }
            }
            Keyspace ks = lockKey(a, 1);
            try {
                ks.pop(a, 1, a.is(0, "LPOP"), count, now, r);
            } finally {
                unlockKey(a, 1);
            }
        } else if (a.is(0, "LRANGE")) {
            arity(a, n == 4);
            long start = a.longValue(2);
            long stop = a.longValue(3);
            Keyspace ks = lockKey(a, 1);
            try {
                ks.range(a, 1, start, stop, now, r);
            } finally {
                unlockKey(a, 1);
            }
        } else if (a.is(0, "LLEN")) {
            arity(a, n == 2);
            Keyspace ks = lockKey(a, 1);
            try {
                r.integer(ks.listLength(a, 1, now));
            } finally {
                unlockKey(a, 1);
            }
        } else if (a.is(0, "INCR") || a.is(0, "DECR")) {
            arity(a, n == 2);
            increment(a, r, a.is(0, "INCR") ? 1 : -1, now);
        } else if (a.is(0, "INCRBY") || a.is(0, "DECRBY")) {
            arity(a, n == 3);
            long delta = a.longValue(2);
            if (a.is(0, "DECRBY")) {
                if (delta == Long.MIN_VALUE) {
                    throw new RedisException("ERR decrement would overflow");
                }
                delta = -delta;
            }
            increment(a, r, delta, now);
        } else if (a.is(0, "MGET")) {
            arity(a, n >= 2);
            lockKeys(a, 1, 1);
            try {
                r.array(n - 1);
                for (int k = 1; k < n; k++) {
                    try {
                        keyspace(a, k).get(a, k, now, r);
                    } catch (RedisException wrongType) {
                        r.nil();   // MGET answers nil for a key that is not a string
                    }
                }
            } finally {
                shards.unlockAll(mask);
            }
        } else if (a.is(0, "MSET")) {
            arity(a, n >= 3 && n % 2 == 1);
            lockKeys(a, 1, 2);
            try {
                for (int k = 1; k < n; k += 2) {
                    keyspace(a, k).set(a, k, k + 1, 0, Keyspace.ALWAYS, false, now);
                }
            } finally {
                shards.unlockAll(mask);
            }
            r.ok();
        } else if (a.is(0, "DEL") || a.is(0, "UNLINK") || a.is(0, "EXISTS")) {
            arity(a, n >= 2);
            boolean delete = !a.is(0, "EXISTS");
            long count = 0;
            lockKeys(a, 1, 1);
            try {
                for (int k = 1; k < n; k++) {
                    Keyspace ks = keyspace(a, k);
                    count += (delete ? ks.delete(a, k, now) : ks.exists(a, k, now)) ? 1 : 0;
                }
            } finally {
                shards.unlockAll(mask);
            }
            r.integer(count);
        } else if (a.is(0, "APPEND")) {
            arity(a, n == 3);
            Keyspace ks = lockKey(a, 1);
            try {
                r.integer(ks.append(a, 1, 2, maxValueBytes, now));
            } finally {
                unlockKey(a, 1);
            }
        } else if (a.is(0, "STRLEN")) {
            arity(a, n == 2);
            Keyspace ks = lockKey(a, 1);
            try {
                r.integer(ks.stringLength(a, 1, now));
            } finally {
                unlockKey(a, 1);
            }
        } else if (a.is(0, "EXPIRE") || a.is(0, "PEXPIRE")) {
            arity(a, n == 3);
            long amount = a.longValue(2);
            long unit = a.is(0, "EXPIRE") ? 1000 : 1;
            long expireAt;
            try {
                expireAt = Math.addExact(now, Math.multiplyExact(amount, unit));
            } catch (ArithmeticException e) {
                throw new RedisException("ERR invalid expire time in '" + a.string(0).toLowerCase() + "' command");
            }
            Keyspace ks = lockKey(a, 1);
            try {
                r.integer(ks.expireAt(a, 1, expireAt <= 0 ? now : expireAt, now) ? 1 : 0);
            } finally {
                unlockKey(a, 1);
            }
        } else if (a.is(0, "TTL") || a.is(0, "PTTL")) {
            arity(a, n == 2);
            long ttl;
            Keyspace ks = lockKey(a, 1);
            try {
                ttl = ks.timeToLive(a, 1, now);
            } finally {
                unlockKey(a, 1);
            }
            r.integer(ttl < 0 || a.is(0, "PTTL") ? ttl : (ttl + 500) / 1000);
        } else {
            server.runServerCommand(a, r, connection, now);
        }
    }

    private void set(Args a, Reply r, long now) {
        int n = a.count();
        arity(a, n >= 3);
        long expireAt = 0;
        int condition = Keyspace.ALWAYS;
        boolean keepTtl = false;
        boolean expiry = false;
        for (int i = 3; i < n; i++) {
            if ((a.is(i, "EX") || a.is(i, "PX") || a.is(i, "EXAT") || a.is(i, "PXAT")) && i + 1 < n && !expiry
                    && !keepTtl) {
                long amount = a.longValue(i + 1);
                boolean seconds = a.is(i, "EX") || a.is(i, "EXAT");
                boolean absolute = a.is(i, "EXAT") || a.is(i, "PXAT");
                if (amount <= 0) {
                    throw new RedisException("ERR invalid expire time in 'set' command");
                }
                try {
                    long millis = seconds ? Math.multiplyExact(amount, 1000) : amount;
                    expireAt = absolute ? millis : Math.addExact(now, millis);
                } catch (ArithmeticException e) {
                    throw new RedisException("ERR invalid expire time in 'set' command");
                }
                expiry = true;
                i++;
            } else if (a.is(i, "NX") && condition == Keyspace.ALWAYS) {
                condition = Keyspace.IF_ABSENT;
            } else if (a.is(i, "XX") && condition == Keyspace.ALWAYS) {
                condition = Keyspace.IF_PRESENT;
            } else if (a.is(i, "KEEPTTL") && !expiry) {
                keepTtl = true;
            } else {
                throw RedisException.SYNTAX;
            }
        }
        boolean done;
        Keyspace ks = lockKey(a, 1);
        try {
            done = ks.set(a, 1, 2, expireAt, condition, keepTtl, now);   // a time already past deletes the key
        } finally {
            unlockKey(a, 1);
        }
        if (done) {
            r.ok();
        } else {
            r.nil();
        }
    }

    private void increment(Args a, Reply r, long delta, long now) {
        Keyspace ks = lockKey(a, 1);
        try {
            r.integer(ks.incrementBy(a, 1, delta, now));
        } finally {
            unlockKey(a, 1);
        }
    }

    private static void arity(Args a, boolean ok) {
        if (!ok) {
            throw RedisException.wrongArgs(a);
        }
    }

    private Keyspace lockKey(Args a, int key) {
        return shards.lock(shards.of(a.hash(key)));
    }

    private void unlockKey(Args a, int key) {
        shards.unlock(shards.of(a.hash(key)));
    }

    private Keyspace keyspace(Args a, int key) {
        return shards.keyspace(shards.of(a.hash(key)));
    }

    /** Locks the shards of arguments {@code first}, {@code first + step}, ... (their bits in {@link #mask}). */
    private void lockKeys(Args a, int first, int step) {
        for (int k = first; k < a.count(); k += step) {
            int shard = shards.of(a.hash(k));
            mask[shard >>> 6] |= 1L << shard;
        }
        shards.lockAll(mask);
    }
}
