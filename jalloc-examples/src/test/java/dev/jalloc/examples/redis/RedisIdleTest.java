package dev.jalloc.examples.redis;

import static dev.jalloc.examples.redis.RedisTesting.closeAndCheckNoLeak;
import static dev.jalloc.examples.redis.RedisTesting.pattern;
import static dev.jalloc.examples.redis.RedisTesting.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An idle server gives its free memory back: after a second without a command the jalloc storage trims its heap,
 * so the pages of deleted values leave the process even if no client ever calls again. Polled with a pause longer
 * than the idle time between polls (a poll is a command), and a generous deadline; no time is asserted.
 */
class RedisIdleTest {
    @AfterEach
    void noThreadsLeft() throws InterruptedException {
        RedisTesting.assertNoServerThreads();
    }

    @Test
    void an_idle_server_gives_the_pages_of_deleted_values_back() throws Exception {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            byte[] value = pattern(64 * 1024, 7);
            for (int i = 0; i < 256; i++) {   // 16 MiB of large values: whole pages of their own
                c.send("SET", "k" + i, value);
            }
            c.flush();
            for (int i = 0; i < 256; i++) {
                assertEquals("+OK", RespClient.text(c.read()));
            }
            long full = committed(c);
            assertTrue(full >= 16L << 20, "committed with the values: " + full);
            assertEquals("+OK", c.cmd("FLUSHALL"));
            long deadline = System.currentTimeMillis() + RedisTesting.DEADLINE_MILLIS;
            long now;
            do {
                Thread.sleep(RedisServer.IDLE_MILLIS + 500);   // quiet for longer than the idle time
                now = committed(c);
                if (now < 4L << 20) {
                    break;
                }
            } while (System.currentTimeMillis() < deadline);
            if (now >= 4L << 20) {
                fail("the idle server kept " + now + " bytes committed of the " + full + " it had");
            }
            closeAndCheckNoLeak(server);
        }
    }

    private static long committed(RespClient c) throws IOException {
        Matcher m = Pattern.compile("\r\njalloc_committed_bytes:(\\d+)\r\n")
                .matcher(RespClient.string(c.call("INFO", "memory")));
        assertTrue(m.find(), "INFO memory has jalloc_committed_bytes");
        return Long.parseLong(m.group(1));
    }
}
