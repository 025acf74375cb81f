package dev.jalloc.examples.redis;

import static dev.jalloc.examples.redis.RedisServerTest.NOT_INTEGER;
import static dev.jalloc.examples.redis.RedisServerTest.WRONGTYPE;
import static dev.jalloc.examples.redis.RedisTesting.closeAndCheckNoLeak;
import static dev.jalloc.examples.redis.RedisTesting.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lists over sockets: LPUSH, RPUSH, LPOP and RPOP with and without a count, LRANGE, LLEN, as Redis 7 answers. */
class RedisListTest {
    @AfterEach
    void noThreadsLeft() throws InterruptedException {
        RedisTesting.assertNoServerThreads();
    }

    @Test
    void lists_push_pop_range_length() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            assertEquals(":3", c.cmd("LPUSH", "l", "a", "b", "c"));
            assertEquals("[$c, $b, $a]", c.cmd("LRANGE", "l", "0", "-1"), "LPUSH pushes each in turn at the head");
            assertEquals(":5", c.cmd("RPUSH", "l", "d", "e"));
            assertEquals("[$c, $b, $a, $d, $e]", c.cmd("LRANGE", "l", "0", "-1"));
            assertEquals(":5", c.cmd("LLEN", "l"));

            assertEquals("[$c, $b]", c.cmd("LRANGE", "l", "0", "1"));
            assertEquals("[$d, $e]", c.cmd("LRANGE", "l", "-2", "-1"));
            assertEquals("[$c, $b, $a, $d, $e]", c.cmd("LRANGE", "l", "-100", "100"));
            assertEquals("[$e]", c.cmd("LRANGE", "l", "4", "4"));
            assertEquals("[$a, $d]", c.cmd("LRANGE", "l", "2", "-2"));
            assertEquals("[]", c.cmd("LRANGE", "l", "5", "10"));
            assertEquals("[]", c.cmd("LRANGE", "l", "-1", "-2"));
            assertEquals("[]", c.cmd("LRANGE", "l", "3", "1"));
            assertEquals("[]", c.cmd("LRANGE", "l", "-100", "-6"));
            assertEquals("[$c]", c.cmd("LRANGE", "l", "-100", "-5"));
            assertEquals("[]", c.cmd("LRANGE", "l", "9223372036854775807", "-9223372036854775808"));
            assertEquals("[$c, $b, $a, $d, $e]", c.cmd("LRANGE", "l", "-9223372036854775808", "9223372036854775807"));
            assertEquals("[]", c.cmd("LRANGE", "absent", "0", "-1"));
            assertEquals(NOT_INTEGER, c.cmd("LRANGE", "l", "a", "1"));
            assertEquals(NOT_INTEGER, c.cmd("LRANGE", "l", "-0", "1"));

            assertEquals("$c", c.cmd("LPOP", "l"));
            assertEquals("$e", c.cmd("RPOP", "l"));
            assertEquals("[$b, $a]", c.cmd("LPOP", "l", "2"));
            assertEquals("[]", c.cmd("LPOP", "l", "0"));
            assertEquals(":1", c.cmd("LLEN", "l"));
            assertEquals("-ERR value is out of range, must be positive", c.cmd("LPOP", "l", "-1"));
            assertEquals(NOT_INTEGER, c.cmd("RPOP", "l", "x"));
            assertEquals("[$d]", c.cmd("RPOP", "l", "5"), "a count beyond the length pops what there is");
            assertEquals(":0", c.cmd("EXISTS", "l"), "popping the last element deletes the key");
            assertEquals(":-2", c.cmd("TTL", "l"));
            assertEquals("$nil", c.cmd("LPOP", "l"));
            assertEquals("$nil", c.cmd("RPOP", "l"));
            assertSame(RespClient.NIL_ARRAY, c.call("LPOP", "l", "2"), "a missing key with a count: a nil array");
            assertSame(RespClient.NIL_ARRAY, c.call("RPOP", "l", "0"));
            assertEquals(":0", c.cmd("LLEN", "l"));

            assertEquals(":2", c.cmd("RPUSH", "r", "1", "2"));
            assertEquals(":4", c.cmd("RPUSH", "r", "3", "4"));
            assertEquals("[$4, $3, $2]", c.cmd("RPOP", "r", "3"));
            assertEquals("$1", c.cmd("RPOP", "r"));
            assertEquals(":0", c.cmd("DBSIZE"));

            c.cmd("SET", "s", "v");
            Object[][] onString = {
                {"LPUSH", "s", "x"}, {"RPUSH", "s", "x"}, {"LPOP", "s"}, {"RPOP", "s", "1"}, {"LRANGE", "s", "0", "1"},
                {"LLEN", "s"},
            };
            for (Object[] command : onString) {
                assertEquals(WRONGTYPE, c.cmd(command), command[0] + " on a string");
            }
            assertEquals("$v", c.cmd("GET", "s"));

            // A long list: ranges walk from the nearer end.
            List<Object> push = new ArrayList<>(List.of("RPUSH", "long"));
            for (int i = 0; i < 1000; i++) {
                push.add(Integer.toString(i));
            }
            assertEquals(":1000", c.cmd(push.toArray()));
            assertEquals("[$10, $11, $12]", c.cmd("LRANGE", "long", "10", "12"));
            assertEquals("[$990, $991]", c.cmd("LRANGE", "long", "990", "991"));
            assertEquals("[$997, $998, $999]", c.cmd("LRANGE", "long", "-3", "5000"));
            assertEquals(1000, ((List<?>) c.call("LRANGE", "long", "0", "-1")).size());
            closeAndCheckNoLeak(server);
        }
    }
}
