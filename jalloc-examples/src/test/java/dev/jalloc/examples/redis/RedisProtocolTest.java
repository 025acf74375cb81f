package dev.jalloc.examples.redis;

import static dev.jalloc.examples.redis.RedisTesting.usedMemory;
import static dev.jalloc.examples.redis.RedisTesting.awaitTrue;
import static dev.jalloc.examples.redis.RedisTesting.closeAndCheckNoLeak;
import static dev.jalloc.examples.redis.RedisTesting.pattern;
import static dev.jalloc.examples.redis.RedisTesting.start;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The protocol's edges, over sockets: pipelines (long ones, and ones whose replies outgrow the output buffer), large
 * values, clients that leave mid-command, malformed input (an error reply, the connection closes, the server lives),
 * values over the configured limit (an error reply, the connection goes on), QUIT and SHUTDOWN.
 */
class RedisProtocolTest {
    private static final String PROTOCOL_ERROR = "ERR Protocol error: ";
    private static final String TOO_LARGE = "ERR string exceeds maximum allowed size (";

    @AfterEach
    void noThreadsLeft() throws InterruptedException {
        RedisTesting.assertNoServerThreads();
    }

    // ---- pipelines and large values ---------------------------------------------------------------------------

    @Test
    void ten_thousand_pipelined_commands_answered_in_order() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            List<Object[]> commands = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                switch (i % 5) {
                    case 0 -> {
                        commands.add(new Object[] {"SET", "key:" + i, "value:" + i});
                        expected.add("+OK");
                    }
                    case 1 -> {
                        commands.add(new Object[] {"GET", "key:" + (i - 1)});
                        expected.add("$value:" + (i - 1));
                    }
                    case 2 -> {
                        commands.add(new Object[] {"INCR", "counter"});
                        expected.add(":" + (i / 5 + 1));
                    }
                    case 3 -> {
                        commands.add(new Object[] {"RPUSH", "list", Integer.toString(i)});
                        expected.add(":" + (i / 5 + 1));
                    }
                    default -> {
                        commands.add(new Object[] {"GET", "absent:" + i});
                        expected.add("$nil");
                    }
                }
            }
            List<Object> replies = c.pipeline(commands);
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), RespClient.text(replies.get(i)), "reply " + i);
            }
            assertEquals(":2002", c.cmd("DBSIZE"));
            assertEquals("[$3, $8]", c.cmd("LRANGE", "list", "0", "1"));
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void replies_over_a_mebibyte_make_the_server_wait_for_the_reader() throws Exception {
        // One event loop: while it waits for the slow reader's socket, it must still serve another client.
        try (RedisServer server = start(RedisConfig.defaults().withEventLoops(1));
             RespClient slow = RespClient.connect(server.port());
             RespClient other = RespClient.connect(server.port())) {
            byte[] value = pattern(100 * 1024, 5);
            assertEquals("+OK", slow.cmd("SET", "big", value));
            for (int i = 0; i < 200; i++) {   // 20 MiB of replies: far more than the socket buffers hold
                slow.send("GET", "big");
            }
            slow.send("PING");
            slow.flush();
            Thread.sleep(200);   // not a timing assertion: lets the server fill the socket and stop
            assertEquals("+PONG", other.cmd("PING"), "the loop is not blocked by a client that does not read");
            assertEquals(":" + value.length, other.cmd("STRLEN", "big"));
            for (int i = 0; i < 200; i++) {
                assertArrayEquals(value, (byte[]) slow.read(), "reply " + i);
            }
            assertEquals("+PONG", RespClient.text(slow.read()));
            assertEquals("+PONG", slow.cmd("PING"));

            // The same through the pipelining helper, which writes and reads at once.
            List<Object[]> gets = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                gets.add(new Object[] {"GET", "big"});
                gets.add(new Object[] {"SET", "k" + i, value});
            }
            List<Object> replies = slow.pipeline(gets);
            for (int i = 0; i < replies.size(); i += 2) {
                assertArrayEquals(value, (byte[]) replies.get(i));
                assertEquals("OK", replies.get(i + 1));
            }
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void large_values_grow_the_input_buffer_which_shrinks_after() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            byte[] large = pattern(5 << 20, 9);
            assertEquals("+OK", c.cmd("SET", "large", large));
            assertArrayEquals(large, (byte[]) c.call("GET", "large"));
            assertEquals(":" + large.length, c.cmd("STRLEN", "large"));
            // Small pipelined commands after it, then a large one in the middle of a pipeline.
            List<Object[]> commands = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                commands.add(new Object[] {"SET", "small:" + i, "v" + i});
            }
            commands.add(new Object[] {"RPUSH", "list", large, "tail"});
            commands.add(new Object[] {"GET", "small:42"});
            List<Object> replies = c.pipeline(commands);
            assertEquals("+OK", RespClient.text(replies.get(99)));
            assertEquals(":2", RespClient.text(replies.get(100)));
            assertEquals("$v42", RespClient.text(replies.get(101)));
            assertArrayEquals(large, (byte[]) c.call("LPOP", "list"));
            assertEquals("$tail", c.cmd("LPOP", "list"));
            closeAndCheckNoLeak(server);
        }
    }

    // ---- clients that leave ----------------------------------------------------------------------------------------

    @Test
    void a_client_that_disconnects_mid_command_changes_nothing() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            c.cmd("SET", "existing", "v");
            long used = usedMemory(c);
            byte[] set = RespClient.encode("SET", "half", "written");
            for (int cut : new int[] {1, 4, 8, 13, set.length - 3, set.length - 1}) {
                try (RespClient leaving = RespClient.connect(server.port())) {
                    leaving.sendRaw(Arrays.copyOf(set, cut));
                }
            }
            try (RespClient leaving = RespClient.connect(server.port())) {
                leaving.sendRaw(Arrays.copyOf(set, 10));
                leaving.abort();   // a reset, not a close
            }
            // A large SET cut off in its value: 3 MiB of a 16 MiB value arrive, then the client is gone.
            try (RespClient leaving = RespClient.connect(server.port())) {
                leaving.sendRaw("*3\r\n$3\r\nSET\r\n$5\r\nlarge\r\n$" + (16 << 20) + "\r\n");
                leaving.sendRaw(pattern(3 << 20, 1));
            }
            assertEquals(":1", c.cmd("DBSIZE"));
            assertEquals("$v", c.cmd("GET", "existing"));
            assertEquals(":0", c.cmd("EXISTS", "half", "large"));
            assertEquals(used, usedMemory(c), "nothing was allocated for the commands never run");
            try (RespClient another = RespClient.connect(server.port())) {
                assertEquals("+OK", another.cmd("SET", "large", pattern(1 << 20, 2)));
                assertEquals("+OK", another.cmd("SET", "half", "written"));
            }
            assertEquals(":3", c.cmd("DBSIZE"));
            awaitTrue("only one client left connected", () -> info(c).contains("\r\nconnected_clients:1\r\n"));
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void clients_resetting_their_connections_do_not_stop_any_event_loop() throws IOException {
        try (RedisServer server = start(RedisConfig.defaults().withEventLoops(3))) {
            for (int i = 0; i < 150; i++) {
                RespClient client = RespClient.connect(server.port());
                if (i % 3 == 0) {
                    client.sendRaw("*2\r\n$4\r\nECHO\r\n$3\r\nab");
                }
                client.abort();
            }
            // Round robin: six clients reach each of the three loops twice.
            List<RespClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    clients.add(RespClient.connect(server.port()));
                }
                for (RespClient client : clients) {
                    assertEquals("+PONG", client.cmd("PING"), client.toString());
                }
                RespClient first = clients.getFirst();
                awaitTrue("connected_clients counts the six open ones",
                        () -> info(first).contains("\r\nconnected_clients:6\r\n"));
            } finally {
                for (RespClient client : clients) {
                    client.close();
                }
            }
            closeAndCheckNoLeak(server);
        }
    }

    // ---- malformed input --------------------------------------------------------------------------------------

    @Test
    void malformed_commands_get_a_protocol_error_and_the_server_lives() throws IOException {
        String[][] cases = {
            {"*1\r\n$abc\r\n", "invalid bulk length"},
            {"*2\r\n+x\r\n", "expected '$', got '+'"},
            {"*1\r\n$" + "1".repeat(70), "header too long"},
            {"*" + "2".repeat(70), "header too long"},
            {"*1\r\n$-5\r\n", "invalid bulk length"},
            {"*1\r\n$-1\r\n", "invalid bulk length"},
            {"*1\r\n$3\r\nabcXY", "bulk string not followed by CRLF"},
            {"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nvv\r\n", "bulk string not followed by CRLF"},
            {"*abc\r\n", "invalid multibulk length"},
            {"*2000000\r\n", "invalid multibulk length"},
            {"*1\rX\n", "CR without LF in a header"},
            {"*1\r\n\u0000", "expected '$', got '\\x00'"},
        };
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            c.cmd("SET", "k", "v");
            for (String[] malformed : cases) {
                try (RespClient bad = RespClient.connect(server.port())) {
                    // A good command first, in the same write: it runs, then the bad one ends the connection.
                    bad.sendRaw(RespClient.ascii("*1\r\n$4\r\nPING\r\n" + malformed[0]));
                    assertEquals("+PONG", RespClient.text(bad.read()));
                    Object reply = bad.read();
                    assertEquals("-" + PROTOCOL_ERROR + malformed[1], RespClient.text(reply), malformed[0]);
                    assertTrue(bad.awaitClosedByServer(), "the connection closes after a protocol error");
                }
                try (RespClient next = RespClient.connect(server.port())) {
                    assertEquals("+PONG", next.cmd("PING"), "a new connection works after " + malformed[0]);
                }
                assertEquals(":1", c.cmd("DBSIZE"));
                assertEquals("$v", c.cmd("GET", "k"));
            }
            // Bytes one at a time, up to the one that is wrong.
            try (RespClient bad = RespClient.connect(server.port())) {
                for (byte b : RespClient.ascii("*2\r\n$3\r\nGET\r\n:")) {
                    bad.sendRaw(new byte[] {b});
                }
                assertEquals("-" + PROTOCOL_ERROR + "expected '$', got ':'", RespClient.text(bad.read()));
                assertTrue(bad.awaitClosedByServer());
            }
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void a_bulk_length_beyond_any_limit_is_a_protocol_error_not_bytes_to_skip() throws IOException {
        // 2^63 - 1 once overflowed the count of bytes to skip: the "value" after it then ran as commands. Lengths
        // over 512 MiB, the most any configuration allows, are refused as Redis refuses them, not skipped.
        try (RedisServer server = start(RedisConfig.defaults().withMaxValueBytes(1024));
             RespClient c = RespClient.connect(server.port())) {
            c.cmd("SET", "k", "v");
            for (String length : new String[] {"9223372036854775807", "9223372036854775806", "536870913"}) {
                try (RespClient bad = RespClient.connect(server.port())) {
                    bad.sendRaw("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$" + length + "\r\n*1\r\n$8\r\nFLUSHALL\r\n");
                    assertEquals("-" + PROTOCOL_ERROR + "invalid bulk length", RespClient.text(bad.read()), length);
                    assertTrue(bad.awaitClosedByServer());
                }
                try (RespClient bad = RespClient.connect(server.port())) {   // in the arguments skipped
                    bad.sendRaw("*4\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000\r\n" + "y".repeat(2000) + "\r\n$" + length
                            + "\r\n*1\r\n$8\r\nFLUSHALL\r\n");
                    Object reply = bad.read();
                    assertEquals("-" + PROTOCOL_ERROR + "invalid bulk length", RespClient.text(reply), length);
                }
                assertEquals(":1", c.cmd("DBSIZE"), "FLUSHALL was a value's bytes, never a command");
            }
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void a_command_over_the_query_buffer_limit_is_a_protocol_error() throws IOException, InterruptedException {
        // With a 1 KiB value limit the input buffer may grow to 1 MiB and 2 KiB: one MSET of 1.5 MiB is too large.
        try (RedisServer server = start(RedisConfig.defaults().withMaxValueBytes(1024));
             RespClient c = RespClient.connect(server.port())) {
            List<Object> mset = new ArrayList<>(List.of("MSET"));
            for (int i = 0; i < 30_000; i++) {
                mset.add("k" + i);
                mset.add("v".repeat(40));
            }
            // Written from another thread: the server stops reading and closes, so the write may fail midway.
            Thread writer = Thread.ofPlatform().name("resp-client-writer").start(() -> {
                try {
                    c.send(mset.toArray());
                    c.flush();
                } catch (IOException expected) {
                    // the connection closed under it
                }
            });
            Object reply = c.read();
            assertInstanceOf(RespClient.RedisError.class, reply);
            assertTrue(((RespClient.RedisError) reply).startsWith(PROTOCOL_ERROR + "command larger than the query"
                    + " buffer limit"), RespClient.text(reply));
            assertTrue(c.awaitClosedByServer());
            writer.join();
            try (RespClient next = RespClient.connect(server.port())) {
                assertEquals(":0", next.cmd("DBSIZE"));
            }
            closeAndCheckNoLeak(server);
        }
    }

    // ---- values over the limit ----------------------------------------------------------------------------------

    @Test
    void a_value_over_the_limit_gets_an_error_and_the_connection_goes_on() throws IOException, InterruptedException {
        try (RedisServer server = start(RedisConfig.defaults().withMaxValueBytes(1024));
             RespClient c = RespClient.connect(server.port())) {
            String tooLarge = "-" + TOO_LARGE + "1025 bytes; the limit is 1024, --max-value-bytes)";
            assertEquals(tooLarge, c.cmd("SET", "k", pattern(1025, 1)));
            assertEquals("$nil", c.cmd("GET", "k"));
            assertEquals("+OK", c.cmd("SET", "k", pattern(1024, 1)));
            assertArrayEquals(pattern(1024, 1), (byte[]) c.call("GET", "k"));
            assertEquals(tooLarge, c.cmd("SET", pattern(1025, 2), "v"), "a key over the limit");
            assertEquals(tooLarge, c.cmd(pattern(1025, 3), "k"), "a command name over the limit");
            assertEquals("-" + TOO_LARGE + "5000000 bytes; the limit is 1024, --max-value-bytes)",
                    c.cmd("SET", "k", pattern(5_000_000, 1)));
            assertArrayEquals(pattern(1024, 1), (byte[]) c.call("GET", "k"), "the refused SET changed nothing");

            // In the middle of MSET's arguments, two of them over: one error, and nothing is set.
            assertEquals(tooLarge, c.cmd("MSET", "a", "1", "b", pattern(1025, 4), "c", pattern(2000, 5), "d", "4"));
            assertEquals(":0", c.cmd("EXISTS", "a", "b", "c", "d"));
            assertEquals("+PONG", c.cmd("PING"));

            // In a pipeline, between other commands; the empty bulk after the large one included.
            Object[][] pipeline = {
                {"PING"}, {"SET", "x", pattern(1025, 1)}, {"RPUSH", "l", "a", pattern(4096, 2), ""}, {"INCR", "n"},
                {"ECHO", "after"},
            };
            List<Object> replies = c.pipeline(List.of(pipeline));
            assertEquals("[+PONG, " + tooLarge + ", -" + TOO_LARGE + "4096 bytes; the limit is 1024, "
                    + "--max-value-bytes), :1, $after]", RespClient.text(replies));

            // Split into many small writes: the header, the bytes, the rest of the command, each in pieces.
            byte[] split = concat(RespClient.encode("SET", "split", pattern(3000, 6), "EX", "100"),
                    RespClient.encode("SET", "after-split", "ok"));
            for (int at = 0; at < split.length; at += 7) {
                c.sendRaw(Arrays.copyOfRange(split, at, Math.min(split.length, at + 7)));
                if (at % 700 == 0) {
                    Thread.sleep(1);   // lets the server read the pieces apart
                }
            }
            assertEquals("-" + TOO_LARGE + "3000 bytes; the limit is 1024, --max-value-bytes)",
                    RespClient.text(c.read()));
            assertEquals("+OK", RespClient.text(c.read()));
            assertEquals("$ok", c.cmd("GET", "after-split"));
            assertEquals(":0", c.cmd("EXISTS", "split"));

            // APPEND may not make a string over the limit either.
            assertEquals(":1000", c.cmd("APPEND", "grow", pattern(1000, 7)));
            assertEquals("-" + TOO_LARGE + "1100 bytes; the limit is 1024, --max-value-bytes)",
                    c.cmd("APPEND", "grow", pattern(100, 8)));
            assertEquals(":1000", c.cmd("STRLEN", "grow"));
            assertEquals(":1024", c.cmd("APPEND", "grow", pattern(24, 8)));
            assertEquals("[$proto-max-bulk-len, $1024]", c.cmd("CONFIG", "GET", "proto-max-bulk-len"));
            assertEquals(":4", c.cmd("DBSIZE"), "k, n, after-split, grow");
            closeAndCheckNoLeak(server);
        }
    }

    // ---- QUIT and SHUTDOWN --------------------------------------------------------------------------------------

    @Test
    void quit_replies_ok_then_closes_without_running_what_follows() throws IOException {
        try (RedisServer server = start(); RespClient c = RespClient.connect(server.port())) {
            try (RespClient quitting = RespClient.connect(server.port())) {
                quitting.send("SET", "before", "quit");
                quitting.send("QUIT");
                quitting.send("SET", "after", "quit");
                quitting.flush();
                assertEquals("+OK", RespClient.text(quitting.read()));
                assertEquals("+OK", RespClient.text(quitting.read()));
                assertTrue(quitting.awaitClosedByServer(), "QUIT closes the connection");
            }
            try (RespClient inline = RespClient.connect(server.port())) {
                inline.sendRaw("quit\r\n");
                assertEquals("+OK", RespClient.text(inline.read()));
                assertTrue(inline.awaitClosedByServer());
            }
            assertEquals(":1", c.cmd("EXISTS", "before"));
            assertEquals(":0", c.cmd("EXISTS", "after"));
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void shutdown_stops_the_server_and_reports_no_leak() throws Exception {
        int port;
        try (RedisServer server = start()) {
            port = server.port();
            try (RespClient c = RespClient.connect(port); RespClient bystander = RespClient.connect(port)) {
                c.cmd("SET", "k", pattern(5000, 1));
                c.cmd("RPUSH", "l", "a", "b", "c");
                c.send("SHUTDOWN");
                c.flush();
                assertTrue(c.awaitClosedByServer(), "SHUTDOWN closes the connection, no reply");
                assertTrue(bystander.awaitClosedByServer(), "every connection is closed");
            }
            awaitTrue("the server shut down", () -> server.shutdownReport() != null);
            server.awaitShutdown();
            String report = server.shutdownReport();
            assertNotNull(report);
            assertTrue(report.startsWith("redis example on port (ephemeral), storage jalloc: 2 keys, "), report);
            assertTrue(report.contains("after freeing every key: 0 blocks "), report);
            assertEquals(report, closeAndCheckNoLeak(server), "closing again changes nothing");
        }
        assertThrows(ConnectException.class, () -> RespClient.connect(port).close(), "nobody listens any more");
    }

    @Test
    void close_on_an_interrupted_thread_still_stops_every_loop_before_freeing() throws Exception {
        // An interrupted join of the acceptor once skipped stopping the loops: the keys and the heap were then
        // freed under loops still running commands.
        RedisServer server = start();
        try (RespClient c = RespClient.connect(server.port())) {
            c.cmd("SET", "k", pattern(1000, 1));
            Thread.currentThread().interrupt();
            try {
                server.close();
            } finally {
                assertTrue(Thread.interrupted(), "close() keeps the caller's interrupt");
            }
            assertTrue(c.awaitClosedByServer(), "the loops closed their connections");
        }
        RedisTesting.assertNoServerThreads();
        closeAndCheckNoLeak(server);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static String info(RespClient c) throws IOException {
        return RespClient.string(c.call("INFO"));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
