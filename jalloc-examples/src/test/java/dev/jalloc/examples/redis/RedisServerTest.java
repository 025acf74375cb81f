package dev.jalloc.examples.redis;

import static dev.jalloc.examples.redis.RedisTesting.allByteValues;
import static dev.jalloc.examples.redis.RedisTesting.closeAndCheckNoLeak;
import static dev.jalloc.examples.redis.RedisTesting.pattern;
import static dev.jalloc.examples.redis.RedisTesting.start;
import static dev.jalloc.examples.redis.RedisTesting.usedMemory;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The commands of {@link RedisServer}, driven over a socket with {@link RespClient}, against Redis 7's replies
 * word for word (checked against redis-server 7.0.15; the tests do not need one). Expiry is in
 * {@link RedisExpiryTest}, lists in {@link RedisListTest}, the protocol's edge cases (pipelining, malformed input,
 * limits, disconnects, QUIT, SHUTDOWN) in {@link RedisProtocolTest}, many clients at once in
 * {@link RedisConcurrencyTest}. Every test closes its server and checks the heap's leak report.
 */
class RedisServerTest {
    static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value";
    static final String NOT_INTEGER = "-ERR value is not an integer or out of range";

    @AfterEach
    void noThreadsLeft() throws InterruptedException {
        RedisTesting.assertNoServerThreads();
    }

    @Test
    void get_set_and_their_conditions() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            assertEquals("$nil", c.cmd("GET", "k"));
            assertEquals("+OK", c.cmd("SET", "k", "v"));
            assertEquals("$v", c.cmd("GET", "k"));
            assertEquals("+OK", c.cmd("set", "k", "w"), "command names ignore case");
            assertEquals("$w", c.cmd("get", "k"));
            assertEquals("$nil", c.cmd("SET", "k", "x", "NX"));
            assertEquals("$w", c.cmd("GET", "k"));
            assertEquals("+OK", c.cmd("SET", "k", "x", "XX"));
            assertEquals("$x", c.cmd("GET", "k"));
            assertEquals("$nil", c.cmd("SET", "absent", "x", "XX"));
            assertEquals("$nil", c.cmd("GET", "absent"));
            assertEquals("+OK", c.cmd("SET", "new", "y", "nx"));
            assertEquals("$y", c.cmd("GET", "new"));
            assertEquals(":1", c.cmd("STRLEN", "new"));
            assertEquals(":0", c.cmd("STRLEN", "absent"));

            assertEquals("-ERR syntax error", c.cmd("SET", "k", "v", "NX", "XX"));
            assertEquals("-ERR syntax error", c.cmd("SET", "k", "v", "EX"));
            assertEquals("-ERR syntax error", c.cmd("SET", "k", "v", "EX", "10", "PX", "10"));
            assertEquals("-ERR syntax error", c.cmd("SET", "k", "v", "KEEPTTL", "EX", "10"));
            assertEquals("-ERR syntax error", c.cmd("SET", "k", "v", "GETX"));
            assertEquals("-ERR invalid expire time in 'set' command", c.cmd("SET", "k", "v", "EX", "0"));
            assertEquals("-ERR invalid expire time in 'set' command", c.cmd("SET", "k", "v", "PX", "-1"));
            assertEquals("-ERR invalid expire time in 'set' command",
                    c.cmd("SET", "k", "v", "EX", "9223372036854775807"));
            assertEquals("-ERR invalid expire time in 'set' command",
                    c.cmd("SET", "k", "v", "PX", "9223372036854775807"));
            assertEquals(NOT_INTEGER, c.cmd("SET", "k", "v", "EX", "ten"));
            assertEquals("$x", c.cmd("GET", "k"), "a SET that failed changed nothing");
            assertEquals(":-1", c.cmd("TTL", "k"));

            // A time already past: the key is deleted (if the condition holds), and the reply is OK.
            assertEquals("$nil", c.cmd("SET", "k", "v", "NX", "EXAT", "1"));
            assertEquals("$x", c.cmd("GET", "k"));
            assertEquals("+OK", c.cmd("SET", "k", "v", "XX", "EXAT", "1"));
            assertEquals(":0", c.cmd("EXISTS", "k"));
            assertEquals("+OK", c.cmd("SET", "k", "v", "PXAT", "1"));
            assertEquals(":0", c.cmd("EXISTS", "k"));
            assertEquals("+OK", c.cmd("SET", "far", "v", "PXAT", "9223372036854775807"));
            assertEquals("$v", c.cmd("GET", "far"));
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void overwrite_with_other_sizes_and_types() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            int[] sizes = {1, 100 * 1024, 10, 0, 4096, 3, 1 << 20, 17};
            for (int round = 0; round < sizes.length; round++) {
                byte[] value = pattern(sizes[round], round);
                assertEquals("+OK", c.cmd("SET", "k", value));
                assertArrayEquals(value, (byte[]) c.call("GET", "k"), "size " + sizes[round]);
                assertEquals(":" + sizes[round], c.cmd("STRLEN", "k"));
                if (round == 2) {   // a string becomes a list, then a string again
                    assertEquals(WRONGTYPE, c.cmd("LPUSH", "k", "x"));
                    assertEquals(":1", c.cmd("DEL", "k"));
                    assertEquals(":3", c.cmd("RPUSH", "k", "a", pattern(50_000, 1), "c"));
                    assertEquals(WRONGTYPE, c.cmd("GET", "k"));
                    assertEquals("+OK", c.cmd("SET", "k", "now a string"));
                    assertEquals("$now a string", c.cmd("GET", "k"));
                    assertEquals(WRONGTYPE, c.cmd("LLEN", "k"));
                }
            }
            assertEquals("+OK", c.cmd("MSET", "k", "via mset"));
            assertEquals("$via mset", c.cmd("GET", "k"));
            c.cmd("RPUSH", "l", "a");
            assertEquals("+OK", c.cmd("MSET", "l", "list overwritten by MSET"));
            assertEquals("$list overwritten by MSET", c.cmd("GET", "l"));
            assertEquals(":2", c.cmd("DBSIZE"));
            assertEquals(":2", c.cmd("DEL", "k", "l"));
            assertEquals(0, usedMemory(c), "every overwritten block was freed");
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void append_grows_a_string_step_by_step() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            java.io.ByteArrayOutputStream model = new java.io.ByteArrayOutputStream();
            int step = 1;
            for (int round = 0; model.size() < 200 * 1024; round++) {
                byte[] piece = pattern(step, round);
                model.write(piece);
                assertEquals(":" + model.size(), c.cmd("APPEND", "k", piece));
                step = step * 3 / 2 + 1;
            }
            assertArrayEquals(model.toByteArray(), (byte[]) c.call("GET", "k"));
            assertEquals(":" + model.size(), c.cmd("STRLEN", "k"));
            assertEquals(":0", c.cmd("APPEND", "empty", ""));
            assertEquals("$", c.cmd("GET", "empty"));
            c.cmd("RPUSH", "list", "a");
            assertEquals(WRONGTYPE, c.cmd("APPEND", "list", "x"));
            assertEquals(WRONGTYPE, c.cmd("STRLEN", "list"));
            assertEquals("+OK", c.cmd("SET", "k", "short again"));
            assertEquals(":12", c.cmd("APPEND", "k", "!"));
            assertEquals("$short again!", c.cmd("GET", "k"));
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void incr_decr_and_their_edges() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            assertEquals(":1", c.cmd("INCR", "n"));
            assertEquals(":11", c.cmd("INCRBY", "n", "10"));
            assertEquals(":10", c.cmd("DECR", "n"));
            assertEquals(":-5", c.cmd("DECRBY", "n", "15"));
            assertEquals("$-5", c.cmd("GET", "n"));
            assertEquals(":-1", c.cmd("DECR", "fresh"));
            assertEquals(":-9223372036854775808", c.cmd("INCRBY", "min", "-9223372036854775808"));
            assertEquals("-ERR increment or decrement would overflow", c.cmd("DECR", "min"));
            assertEquals("-ERR decrement would overflow", c.cmd("DECRBY", "n", "-9223372036854775808"));
            c.cmd("SET", "max", "9223372036854775807");
            assertEquals("-ERR increment or decrement would overflow", c.cmd("INCR", "max"));
            assertEquals("-ERR increment or decrement would overflow", c.cmd("INCRBY", "max", "1"));
            assertEquals(":-1", c.cmd("INCRBY", "max", "-9223372036854775808"));
            assertEquals(":0", c.cmd("INCR", "max"));

            // What Redis's string2ll refuses: signs, spaces, leading zeros, "-0", more than 19 digits.
            for (String bad : new String[] {"abc", "", "+1", " 1", "1 ", "01", "00", "-0", "-", "1.5", "0x10",
                    "9223372036854775808", "-9223372036854775809", "111111111111111111111"}) {
                c.cmd("SET", "s", bad);
                assertEquals(NOT_INTEGER, c.cmd("INCR", "s"), "INCR of '" + bad + "'");
                assertEquals("$" + bad, c.cmd("GET", "s"), "a failed INCR changed nothing");
                assertEquals(NOT_INTEGER, c.cmd("INCRBY", "n", bad), "INCRBY by '" + bad + "'");
            }
            assertEquals("$-5", c.cmd("GET", "n"));
            c.cmd("SET", "s", "-9223372036854775808");
            assertEquals(":-9223372036854775807", c.cmd("INCR", "s"));
            c.cmd("SET", "s", "0");
            assertEquals(":1", c.cmd("INCR", "s"));
            c.cmd("RPUSH", "list", "1");
            assertEquals(WRONGTYPE, c.cmd("INCR", "list"));
            assertEquals(WRONGTYPE, c.cmd("DECRBY", "list", "2"));
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void del_unlink_exists_count_duplicates_once_each() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            c.cmd("MSET", "a", "1", "b", "2", "c", "3");
            c.cmd("RPUSH", "l", "x", "y");
            assertEquals(":3", c.cmd("EXISTS", "a", "a", "absent", "b"));
            assertEquals(":4", c.cmd("EXISTS", "a", "b", "c", "l"));
            assertEquals(":1", c.cmd("DEL", "a", "a"));
            assertEquals(":0", c.cmd("DEL", "a"));
            assertEquals(":2", c.cmd("UNLINK", "b", "l", "absent"));
            assertEquals(":0", c.cmd("EXISTS", "a", "b", "l"));
            assertEquals(":1", c.cmd("DBSIZE"));
            assertEquals(":2", c.cmd("EXISTS", "c", "c"));
            assertEquals(":1", c.cmd("DEL", "c", "c", "c"));
            assertEquals(":0", c.cmd("DBSIZE"));
            assertEquals(0, usedMemory(c));
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void mset_and_mget_over_many_shards() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            int keys = 1000;   // far more than the 64 shards: every shard's lock is taken by one command
            List<Object> mset = new ArrayList<>(List.of("MSET"));
            List<Object> mget = new ArrayList<>(List.of("MGET"));
            for (int i = 0; i < keys; i++) {
                mset.add("key:" + i);
                mset.add(pattern(i % 300, i));
                mget.add("key:" + i);
                mget.add("absent:" + i);
            }
            assertEquals("+OK", c.cmd(mset.toArray()));
            assertEquals(":" + keys, c.cmd("DBSIZE"));
            List<?> values = (List<?>) c.call(mget.toArray());
            assertEquals(2 * keys, values.size());
            for (int i = 0; i < keys; i++) {
                assertArrayEquals(pattern(i % 300, i), (byte[]) values.get(2 * i), "key:" + i);
                assertNull(values.get(2 * i + 1), "absent:" + i);
            }
            assertEquals("+OK", c.cmd("MSET", "dup", "first", "other", "x", "dup", "last"));
            assertEquals("[$last, $x]", c.cmd("MGET", "dup", "other"));
            c.cmd("LPUSH", "list", "a");
            assertEquals("[$last, $nil, $nil]", c.cmd("MGET", "dup", "list", "absent"), "a list is nil in MGET");
            assertEquals("-ERR wrong number of arguments for 'mset' command", c.cmd("MSET", "a", "1", "b"));
            assertEquals(":0", c.cmd("EXISTS", "a"), "a refused MSET sets nothing");
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void keys_and_values_are_binary_safe() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            byte[] all = allByteValues();
            byte[] crlf = "a\r\nb\r\n$3\r\n*1\r\n".getBytes(StandardCharsets.US_ASCII);
            assertEquals("+OK", c.cmd("SET", all, all));
            assertArrayEquals(all, (byte[]) c.call("GET", all));
            assertEquals("+OK", c.cmd("SET", crlf, crlf));
            assertArrayEquals(crlf, (byte[]) c.call("GET", crlf));
            assertEquals("+OK", c.cmd("SET", "empty", ""));
            assertEquals("$", c.cmd("GET", "empty"));
            assertEquals(":0", c.cmd("STRLEN", "empty"));
            assertEquals(":1", c.cmd("EXISTS", "empty"), "an empty value is a value");
            assertEquals("+OK", c.cmd("SET", "", "empty key"));
            assertEquals("$empty key", c.cmd("GET", ""));
            assertEquals(":1", c.cmd("EXISTS", ""));

            // Keys that differ in one byte are different keys (the first and the last, and a zero byte).
            byte[] other = all.clone();
            other[255] = 0;
            assertEquals("$nil", c.cmd("GET", other));
            other = all.clone();
            other[0] = 1;
            assertEquals("$nil", c.cmd("GET", other));
            assertEquals("$nil", c.cmd("GET", new byte[] {0}));
            assertEquals("+OK", c.cmd("SET", new byte[] {0}, "zero"));
            assertEquals("$zero", c.cmd("GET", new byte[] {0}));
            assertEquals("$nil", c.cmd("GET", new byte[] {0, 0}));

            assertEquals(WRONGTYPE, c.cmd("RPUSH", all, all, crlf, ""));
            assertArrayEquals(all, (byte[]) c.call("GET", all), "RPUSH on a string changed nothing");
            assertEquals(":3", c.cmd("RPUSH", "bin-list", all, crlf, ""));
            List<?> range = (List<?>) c.call("LRANGE", "bin-list", "0", "-1");
            assertArrayEquals(all, (byte[]) range.get(0));
            assertArrayEquals(crlf, (byte[]) range.get(1));
            assertArrayEquals(new byte[0], (byte[]) range.get(2));
            assertArrayEquals(all, (byte[]) c.call("LPOP", "bin-list"));
            List<?> mget = (List<?>) c.call("MGET", all, crlf, "empty", "absent");
            assertArrayEquals(all, (byte[]) mget.get(0));
            assertArrayEquals(crlf, (byte[]) mget.get(1));
            assertArrayEquals(new byte[0], (byte[]) mget.get(2));
            assertNull(mget.get(3));
            assertEquals(":512", c.cmd("APPEND", all, all));
            byte[] twice = new byte[512];
            System.arraycopy(all, 0, twice, 0, 256);
            System.arraycopy(all, 0, twice, 256, 256);
            assertArrayEquals(twice, (byte[]) c.call("GET", all));
            assertArrayEquals(crlf, (byte[]) c.call("ECHO", crlf));
            assertArrayEquals(all, (byte[]) c.call("PING", all));
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void server_commands() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            assertEquals("+PONG", c.cmd("PING"));
            assertEquals("$hello", c.cmd("PING", "hello"));
            assertEquals("$hello", c.cmd("ECHO", "hello"));
            assertEquals("$", c.cmd("ECHO", ""));
            assertEquals("+OK", c.cmd("SELECT", "0"));
            assertEquals("-ERR DB index is out of range", c.cmd("SELECT", "1"), "one database only");
            assertEquals(NOT_INTEGER, c.cmd("SELECT", "abc"));
            assertEquals("[$maxmemory, $0]", c.cmd("CONFIG", "GET", "maxmemory"));
            assertEquals("[$save, $]", c.cmd("config", "get", "SAVE"));
            assertEquals("[$appendonly, $no]", c.cmd("CONFIG", "GET", "appendonly"));
            assertEquals("[$port, $" + server.port() + "]", c.cmd("CONFIG", "GET", "port"));
            assertEquals("[$proto-max-bulk-len, $536870912]", c.cmd("CONFIG", "GET", "proto-max-bulk-len"));
            assertEquals("[]", c.cmd("CONFIG", "GET", "no-such-setting"));
            assertEquals(12, ((List<?>) c.call("CONFIG", "GET", "*")).size());
            assertEquals("[]", c.cmd("COMMAND"));
            assertEquals(":0", c.cmd("COMMAND", "COUNT"));
            assertEquals("+OK", c.cmd("CLIENT", "SETNAME", "tester"));
            assertInstanceOf(Long.class, c.call("CLIENT", "ID"));

            c.cmd("MSET", "a", "1", "b", "2");
            c.cmd("RPUSH", "l", "x");
            assertEquals(":3", c.cmd("DBSIZE"));
            assertEquals("+OK", c.cmd("FLUSHDB"));
            assertEquals(":0", c.cmd("DBSIZE"));
            c.cmd("SET", "a", "1");
            assertEquals("+OK", c.cmd("FLUSHALL", "ASYNC"));
            assertEquals(":0", c.cmd("DBSIZE"));
            c.cmd("SET", "a", "1");
            assertEquals("+OK", c.cmd("FLUSHALL", "sync"));
            assertEquals(":0", c.cmd("DBSIZE"));
            assertEquals(0, usedMemory(c), "FLUSHALL gave back every block");

            // Inline commands (telnet's), and empty requests that are skipped.
            c.sendRaw("PING\r\n");
            assertEquals("+PONG", RespClient.text(c.read()));
            c.sendRaw("  echo   hi \r\nping\n");
            assertEquals("$hi", RespClient.text(c.read()));
            assertEquals("+PONG", RespClient.text(c.read()));
            c.sendRaw("*0\r\n*-1\r\n\r\nSET inline value\r\n");
            assertEquals("+OK", RespClient.text(c.read()));
            assertEquals("$value", c.cmd("GET", "inline"));
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void unknown_commands_wrong_arity_and_wrong_types() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            assertEquals("-ERR unknown command 'foo', with args beginning with: ", c.cmd("foo"));
            assertEquals("-ERR unknown command 'FOO', with args beginning with: 'a' 'b' 'c' 'd' 'e' ",
                    c.cmd("FOO", "a", "b", "c", "d", "e"));
            assertEquals("-ERR unknown command 'foo', with args beginning with: '" + "x".repeat(128) + "' ",
                    c.cmd("foo", "x".repeat(200), "y"), "Redis quotes at most 128 bytes of arguments");
            assertEquals("-ERR unknown command 'foo', with args beginning with: '" + "x".repeat(124) + "' 'y' ",
                    c.cmd("foo", "x".repeat(124), "yy", "z"), "the last argument quoted is cut at 128 bytes");
            assertEquals("-ERR unknown command 'foo', with args beginning with: '" + "x".repeat(125) + "' ",
                    c.cmd("foo", "x".repeat(125), "y"));
            assertEquals("-ERR unknown command 'a  b', with args beginning with: 'c d' ",
                    c.cmd("a\r\nb", "c\nd"), "CR and LF become spaces: the error stays one line");

            String[][] wrongArity = {
                {"get"}, {"get", "a", "b"}, {"set", "a"}, {"mset", "a"}, {"mset", "a", "b", "c"}, {"mget"},
                {"del"}, {"unlink"}, {"exists"}, {"incr"}, {"incr", "a", "b"}, {"decr"}, {"incrby", "a"},
                {"decrby", "a"}, {"append", "a"}, {"strlen"}, {"lpush", "a"}, {"rpush", "a"}, {"lpop"},
                {"lpop", "a", "1", "2"}, {"rpop"}, {"lrange", "a", "1"}, {"llen"}, {"expire", "a"},
                {"pexpire", "a"}, {"ttl"}, {"pttl"}, {"ping", "a", "b"}, {"echo"}, {"echo", "a", "b"},
                {"dbsize", "x"}, {"select"}, {"select", "0", "1"},
            };
            for (String[] command : wrongArity) {
                assertEquals("-ERR wrong number of arguments for '" + command[0] + "' command",
                        c.cmd((Object[]) command), String.join(" ", command));
            }
            assertEquals("-ERR wrong number of arguments for 'get' command", c.cmd("GET"), "the name in lower case");
            assertEquals("-ERR wrong number of arguments for 'config|get' command", c.cmd("CONFIG", "GET"));
            assertEquals("-ERR wrong number of arguments for 'client|setname' command", c.cmd("CLIENT", "SETNAME"));
            assertEquals("-ERR wrong number of arguments for 'client|id' command", c.cmd("CLIENT", "ID", "x"));
            assertEquals("-ERR unknown subcommand 'foo'. Try CONFIG HELP.", c.cmd("CONFIG", "foo"));
            assertEquals("-ERR unknown subcommand 'foo'. Try CLIENT HELP.", c.cmd("CLIENT", "foo"));
            assertEquals("-ERR syntax error", c.cmd("FLUSHALL", "x"));
            assertEquals(":0", c.cmd("DBSIZE"), "no refused command made a key");

            c.cmd("SET", "s", "v");
            c.cmd("RPUSH", "l", "x");
            assertEquals(WRONGTYPE, c.cmd("GET", "l"));
            assertEquals(WRONGTYPE, c.cmd("LLEN", "s"));
            assertEquals("$v", c.cmd("GET", "s"));
            assertEquals("[$x]", c.cmd("LRANGE", "l", "0", "-1"));
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void info_has_a_memory_section_with_redis_fields() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            c.cmd("SET", "k", pattern(10_000, 1));
            String all = RespClient.string(c.call("INFO"));
            for (String section : new String[] {"# Server", "# Clients", "# Memory", "# Stats", "# Keyspace"}) {
                assertTrue(all.contains(section + "\r\n"), section + " in\n" + all);
            }
            assertTrue(all.contains("\r\ndb0:keys=1\r\n"), all);
            assertTrue(all.contains("\r\ntcp_port:" + server.port() + "\r\n"), all);
            assertTrue(all.contains("\r\nconnected_clients:1\r\n"), all);

            String memory = RespClient.string(c.call("INFO", "memory"));
            assertTrue(memory.startsWith("# Memory\r\n"), memory);
            assertTrue(!memory.contains("# Server"), "only the section asked for:\n" + memory);
            Map<String, String> fields = fields(memory);
            long used = Long.parseLong(fields.get("used_memory"));
            assertTrue(used >= 10_000, "used_memory holds the value: " + used);
            assertTrue(Long.parseLong(fields.get("used_memory_rss")) > 0, memory);
            assertTrue(fields.get("mem_fragmentation_ratio").matches("\\d+\\.\\d\\d"), memory);
            assertTrue(fields.get("mem_allocator").startsWith("jalloc-heap"), memory);
            assertEquals(RespClient.string(c.call("INFO", "MEMORY")).lines().count(), memory.lines().count());
            assertEquals("$", c.cmd("INFO", "no-such-section"));
            closeAndCheckNoLeak(server);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static Map<String, String> fields(String info) {
        Map<String, String> fields = new TreeMap<>();
        for (String line : info.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }

}
