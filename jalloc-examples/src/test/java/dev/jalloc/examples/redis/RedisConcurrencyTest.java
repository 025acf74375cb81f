package dev.jalloc.examples.redis;

import static dev.jalloc.examples.redis.RedisTesting.closeAndCheckNoLeak;
import static dev.jalloc.examples.redis.RedisTesting.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Eight clients, each on its own connection and thread, run seeded random SET, GET, DEL, LPUSH, LPOP, MSET and MGET
 * on 40 shared keys, so that a block one event loop allocates is often freed by another and keys change type
 * under other clients. Every reply must be one the command can give, every value read back must be intact (each
 * carries its own check), and at the end DBSIZE agrees with what EXISTS finds key by key, and the heap's leak report
 * says no block is left once the keys are freed.
 */
class RedisConcurrencyTest {
    private static final int CLIENTS = 8;
    private static final int OPERATIONS = 2500;
    private static final int KEYS = 40;

    @AfterEach
    void noThreadsLeft() throws InterruptedException {
        RedisTesting.assertNoServerThreads();
    }

    @Test
    void eight_clients_on_shared_keys() throws Exception {
        long seed = RedisTesting.seed("RedisConcurrencyTest");
        RedisConfig d = RedisConfig.defaults();   // few shards: clients meet on each shard's lock
        RedisConfig config = new RedisConfig(d.host(), 0, 4, d.storage(), d.hardening(), d.debug(),
                d.maxValueBytes(), 8);
        try (RedisServer server = start(config)) {
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch ready = new CountDownLatch(CLIENTS);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < CLIENTS; t++) {
                int client = t;
                long clientSeed = new SplittableRandom(seed + t).nextLong();
                threads.add(Thread.ofPlatform().name("resp-client-" + t).start(() -> {
                    try (RespClient c = RespClient.connect(server.port())) {
                        ready.countDown();
                        ready.await();
                        work(c, client, new SplittableRandom(clientSeed));
                    } catch (Throwable e) {
                        failures.add(new AssertionError("client " + client + " (seed " + seed + ")", e));
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join(RedisTesting.DEADLINE_MILLIS * 4);
                assertTrue(!thread.isAlive(), thread + " did not finish");
            }
            if (!failures.isEmpty()) {
                AssertionError all = new AssertionError(failures.size() + " clients failed, seed " + seed);
                failures.forEach(all::addSuppressed);
                throw all;
            }
            long found = 0;
            try (RespClient c = RespClient.connect(server.port())) {
                for (int k = 0; k < KEYS; k++) {
                    Object exists = c.call("EXISTS", key(k));
                    found += (Long) exists;
                    Object value = c.call("GET", key(k));
                    if (value instanceof byte[] bytes) {
                        check(bytes);
                    } else if (value instanceof RespClient.RedisError) {
                        for (Object element : (List<?>) c.call("LRANGE", key(k), "0", "-1")) {
                            check((byte[]) element);
                        }
                    }
                }
                assertEquals(found, (Long) c.call("DBSIZE"), "DBSIZE and the keys EXISTS finds, seed " + seed);
            }
            String report = closeAndCheckNoLeak(server);
            assertTrue(report.contains(": " + found + " keys, "), report);
        }
    }

    private static void work(RespClient c, int client, SplittableRandom random) throws IOException {
        for (int i = 0; i < OPERATIONS; i++) {
            String key = key(random.nextInt(KEYS));
            int op = random.nextInt(100);
            if (op < 25) {
                expect(c.call("SET", key, value(client, i, random)), "OK");
            } else if (op < 45) {
                Object reply = c.call("GET", key);
                if (reply instanceof byte[] bytes) {
                    check(bytes);
                } else if (reply != null) {
                    expectWrongType(reply);
                }
            } else if (op < 55) {
                Object reply = c.call("DEL", key, key(random.nextInt(KEYS)));
                assertTrue(reply instanceof Long n && n >= 0 && n <= 2, RespClient.text(reply));
            } else if (op < 72) {
                Object reply = c.call("LPUSH", key, value(client, i, random), value(client, i + 1, random));
                if (!(reply instanceof Long n && n >= 2)) {
                    expectWrongType(reply);
                }
            } else if (op < 88) {
                Object reply = random.nextBoolean() ? c.call("LPOP", key) : c.call("LPOP", key, "3");
                if (reply instanceof byte[] bytes) {
                    check(bytes);
                } else if (reply instanceof List<?> list) {
                    assertTrue(!list.isEmpty() && list.size() <= 3, RespClient.text(reply));
                    for (Object element : list) {
                        check((byte[]) element);
                    }
                } else if (reply != null && reply != RespClient.NIL_ARRAY) {
                    expectWrongType(reply);
                }
            } else if (op < 94) {
                String other = key(random.nextInt(KEYS));
                expect(c.call("MSET", key, value(client, i, random), other, value(client, -i, random)), "OK");
            } else {
                Object reply = c.call("MGET", key, key(random.nextInt(KEYS)), key(random.nextInt(KEYS)));
                for (Object element : (List<?>) reply) {
                    if (element != null) {
                        check((byte[]) element);
                    }
                }
            }
        }
        expect(c.call("PING"), "PONG");
    }

    private static String key(int k) {
        return "shared:" + k;
    }

    /**
     * {@return a value that carries its own check}: a header {@code client.op.length|} then {@code length} bytes that
     * depend on the header
     */
    private static byte[] value(int client, int op, SplittableRandom random) {
        int length = random.nextInt(10) == 0 ? random.nextInt(20_000) : random.nextInt(200);
        byte[] header = (client + "." + op + "." + length + "|").getBytes(StandardCharsets.US_ASCII);
        byte[] value = new byte[header.length + length];
        System.arraycopy(header, 0, value, 0, header.length);
        byte[] body = RedisTesting.pattern(length, java.util.Arrays.hashCode(header));
        System.arraycopy(body, 0, value, header.length, length);
        return value;
    }

    private static void check(byte[] value) {
        int bar = -1;
        for (int i = 0; i < value.length && i < 40; i++) {
            if (value[i] == '|') {
                bar = i;
                break;
            }
        }
        assertTrue(bar > 0, "a value without its header");
        byte[] header = java.util.Arrays.copyOf(value, bar + 1);
        String[] parts = new String(header, 0, bar, StandardCharsets.US_ASCII).split("\\.");
        int length = Integer.parseInt(parts[2]);
        assertEquals(header.length + length, value.length, "the length of " + new String(header,
                StandardCharsets.US_ASCII));
        byte[] body = java.util.Arrays.copyOfRange(value, header.length, value.length);
        assertTrue(java.util.Arrays.equals(RedisTesting.pattern(length, java.util.Arrays.hashCode(header)), body),
                "the bytes of " + new String(header, StandardCharsets.US_ASCII));
    }

    private static void expect(Object reply, String simple) {
        assertEquals("+" + simple, RespClient.text(reply));
    }

    private static void expectWrongType(Object reply) {
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value", RespClient.text(reply));
    }
}
