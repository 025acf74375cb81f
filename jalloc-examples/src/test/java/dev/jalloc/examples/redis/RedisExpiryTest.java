package dev.jalloc.examples.redis;

import static dev.jalloc.examples.redis.RedisServerTest.NOT_INTEGER;
import static dev.jalloc.examples.redis.RedisTesting.assertBetween;
import static dev.jalloc.examples.redis.RedisTesting.awaitTrue;
import static dev.jalloc.examples.redis.RedisTesting.closeAndCheckNoLeak;
import static dev.jalloc.examples.redis.RedisTesting.pattern;
import static dev.jalloc.examples.redis.RedisTesting.start;
import static dev.jalloc.examples.redis.RedisTesting.usedMemory;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Expiry over sockets: SET's EX, PX, EXAT, PXAT and KEEPTTL, EXPIRE and PEXPIRE, TTL and PTTL as Redis 7 answers
 * them; keys read after their time are gone (lazy expiry), keys nobody reads are removed too (active expiry). Times
 * are polled with a generous deadline, never asserted.
 */
class RedisExpiryTest {
    @AfterEach
    void noThreadsLeft() throws InterruptedException {
        RedisTesting.assertNoServerThreads();
    }

    @Test
    void expiry_options_ttl_and_pttl() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            assertEquals(":-2", c.cmd("TTL", "k"));
            assertEquals(":-2", c.cmd("PTTL", "k"));
            c.cmd("SET", "k", "v");
            assertEquals(":-1", c.cmd("TTL", "k"));
            assertEquals(":-1", c.cmd("PTTL", "k"));

            assertEquals("+OK", c.cmd("SET", "k", "v", "EX", "100"));
            assertBetween(99, 100, c.call("TTL", "k"));
            assertBetween(1, 100_000, c.call("PTTL", "k"));
            assertEquals("+OK", c.cmd("SET", "k", "v", "PX", "100000"));
            assertBetween(99, 100, c.call("TTL", "k"));
            long nowSeconds = System.currentTimeMillis() / 1000;
            assertEquals("+OK", c.cmd("SET", "k", "v", "EXAT", nowSeconds + 1000));
            assertBetween(997, 1000, c.call("TTL", "k"));
            assertEquals("+OK", c.cmd("SET", "k", "v", "PXAT", System.currentTimeMillis() + 1_000_000));
            assertBetween(1, 1_000_000, c.call("PTTL", "k"));

            // KEEPTTL keeps it, a plain SET drops it, INCR and APPEND keep it.
            assertEquals("+OK", c.cmd("SET", "k", "w", "KEEPTTL"));
            assertBetween(1, 1_000_000, c.call("PTTL", "k"));
            assertEquals("$w", c.cmd("GET", "k"));
            assertEquals("+OK", c.cmd("SET", "k", "5"));
            assertEquals(":-1", c.cmd("TTL", "k"));
            assertEquals(":1", c.cmd("EXPIRE", "k", "100"));
            assertEquals(":6", c.cmd("INCR", "k"));
            assertBetween(99, 100, c.call("TTL", "k"));
            assertEquals(":2", c.cmd("APPEND", "k", "0"));
            assertBetween(99, 100, c.call("TTL", "k"));
            assertEquals("$60", c.cmd("GET", "k"));

            assertEquals(":1", c.cmd("PEXPIRE", "k", "200000"));
            assertBetween(100_001, 200_000, c.call("PTTL", "k"));
            assertEquals(":0", c.cmd("EXPIRE", "absent", "100"));
            assertEquals(":0", c.cmd("PEXPIRE", "absent", "100"));
            assertEquals("-ERR invalid expire time in 'expire' command",
                    c.cmd("EXPIRE", "k", "9223372036854775807"));
            assertEquals("-ERR invalid expire time in 'expire' command",
                    c.cmd("EXPIRE", "k", "-9223372036854775808"));
            assertEquals("-ERR invalid expire time in 'pexpire' command",
                    c.cmd("PEXPIRE", "k", "9223372036854775807"));
            assertEquals(NOT_INTEGER, c.cmd("EXPIRE", "k", "soon"));
            assertBetween(1, 200_000, c.call("PTTL", "k"));

            // Zero or a negative time deletes the key and counts it.
            assertEquals(":1", c.cmd("EXPIRE", "k", "0"));
            assertEquals(":0", c.cmd("EXISTS", "k"));
            c.cmd("SET", "k", "v");
            assertEquals(":1", c.cmd("PEXPIRE", "k", "-5"));
            assertEquals(":-2", c.cmd("TTL", "k"));
            c.cmd("RPUSH", "list", "a");
            assertEquals(":1", c.cmd("EXPIRE", "list", "100"));
            assertBetween(99, 100, c.call("TTL", "list"));
            assertEquals(":1", c.cmd("EXPIRE", "list", "-1"));
            assertEquals(":0", c.cmd("EXISTS", "list"));
            assertEquals("$nil", c.cmd("LPOP", "list"));
            closeAndCheckNoLeak(server);
        }
    }


    @Test
    void lazy_expiry_a_key_read_after_its_time_is_gone() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            assertEquals("+OK", c.cmd("SET", "short", "v", "PX", "50"));
            assertEquals("+OK", c.cmd("SET", "long", "v", "EX", "1000"));
            c.cmd("RPUSH", "list", "a", "b");
            assertEquals(":1", c.cmd("PEXPIRE", "list", "50"));
            awaitTrue("GET short answers nil", () -> c.call("GET", "short") == null);
            awaitTrue("LRANGE list answers an empty array", () -> c.cmd("LRANGE", "list", "0", "-1").equals("[]"));
            assertEquals(":0", c.cmd("EXISTS", "short", "list"));
            assertEquals(":-2", c.cmd("PTTL", "short"));
            assertEquals(":0", c.cmd("LLEN", "list"));
            assertEquals("$v", c.cmd("GET", "long"));
            assertEquals("+OK", c.cmd("SET", "short", "again", "NX"), "an expired key is absent for NX");
            assertEquals(":-1", c.cmd("TTL", "short"));
            assertEquals(":1", c.cmd("INCR", "expiring"));
            assertEquals(":1", c.cmd("PEXPIRE", "expiring", "20"));
            awaitTrue("INCR starts again from 0", () -> c.cmd("GET", "expiring").equals("$nil"));
            assertEquals(":1", c.cmd("INCR", "expiring"));
            closeAndCheckNoLeak(server);
        }
    }


    @Test
    void active_expiry_removes_keys_nobody_reads() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            List<Object[]> sets = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                sets.add(new Object[] {"SET", "doomed:" + i, pattern(i, i), "PX", "50"});
            }
            for (int i = 0; i < 20; i++) {
                sets.add(new Object[] {"RPUSH", "doomed-list:" + i, "a", "b"});
                sets.add(new Object[] {"PEXPIRE", "doomed-list:" + i, "50"});
                sets.add(new Object[] {"SET", "kept:" + i, "v"});
            }
            c.pipeline(sets);
            assertBetween(20, 340, c.call("DBSIZE"));   // DBSIZE counts keys not removed yet, as Redis does
            awaitTrue("DBSIZE falls to the 20 keys without expiry", () -> c.cmd("DBSIZE").equals(":20"));
            assertEquals("+OK", c.cmd("FLUSHALL"));
            assertEquals(0, usedMemory(c), "the expired keys' memory went back to the heap");
            closeAndCheckNoLeak(server);
        }
    }
}
