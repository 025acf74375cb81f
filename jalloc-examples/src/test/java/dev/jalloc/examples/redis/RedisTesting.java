package dev.jalloc.examples.redis;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the Redis example's tests share: starting servers, checking they leave nothing behind, waiting, seeds. */
final class RedisTesting {
    /** The longest any test waits for something that should happen at once (a thread to end, a key to expire). */
    static final long DEADLINE_MILLIS = 15_000;

    private RedisTesting() {
    }

    /** {@return a server on an ephemeral port with the default configuration} */
    static RedisServer start() throws IOException {
        return RedisServer.start(RedisConfig.defaults().withPort(0));
    }

    /** {@return a server on an ephemeral port with {@code config}} */
    static RedisServer start(RedisConfig config) throws IOException {
        return RedisServer.start(config.withPort(0));
    }

    /**
     * Closes the server and checks its report: the jalloc heap's leak report says no block outlived the keys.
     *
     * @return the report
     */
    static String closeAndCheckNoLeak(RedisServer server) {
        server.close();
        String report = server.shutdownReport();
        assertNotNull(report, "a closed server has a report");
        assertTrue(report.contains("after freeing every key: 0 blocks "), () -> "blocks leaked:\n" + report);
        assertTrue(!report.contains("the server failed"), () -> "the server failed:\n" + report);
        return report;
    }

    /**
     * Waits until no thread of a server (acceptor, event loops, the SHUTDOWN command's) is alive: every test calls
     * it after closing its servers, so that none leaves a thread behind.
     */
    static void assertNoServerThreads() throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (true) {
            List<Thread> left = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && (t.getName().startsWith("redis-") || t.getName().startsWith("resp-")))
                    .toList();
            if (left.isEmpty()) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                fail("threads left behind: " + left);
            }
            Thread.sleep(10);
        }
    }

    /**
     * Polls {@code condition} every few milliseconds until it holds; fails after {@link #DEADLINE_MILLIS}. No upper
     * bound on time is asserted: the deadline only keeps a broken server from hanging the test.
     */
    static void awaitTrue(String what, Callable<Boolean> condition) {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (true) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            if (System.currentTimeMillis() > deadline) {
                fail("not within " + DEADLINE_MILLIS + " ms: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * {@return the seed of a randomized test}: {@code -Djalloc.seed=N} replays one, otherwise a new one; printed
     * either way, so that any failure can be replayed
     */
    static long seed(String test) {
        String given = System.getProperty("jalloc.seed");
        long seed = given != null ? Long.parseLong(given) : System.nanoTime();
        System.out.println(test + ": seed " + seed + " (replay with -Djalloc.seed=" + seed + ")");
        return seed;
    }

    /** {@return the 256 byte values, 0 to 255, in order} */
    static byte[] allByteValues() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    /** {@return {@code length} bytes that depend on {@code tag}}: a value whose every byte can be checked */
    static byte[] pattern(int length, int tag) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + tag * 7 + (i >>> 8));
        }
        return bytes;
    }

    /** {@return INFO memory's used_memory} */
    static long usedMemory(RespClient c) throws IOException {
        Matcher m = Pattern.compile("\r\nused_memory:(\\d+)\r\n").matcher(RespClient.string(c.call("INFO", "memory")));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    /** Asserts that {@code reply} is an integer from {@code low} to {@code high}. */
    static void assertBetween(long low, long high, Object reply) {
        assertInstanceOf(Long.class, reply, () -> "an integer reply: " + RespClient.text(reply));
        long value = (Long) reply;
        assertTrue(value >= low && value <= high, () -> value + " (expected: " + low + " to " + high + ")");
    }
}
