package dev.jalloc.examples.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./jalloc redis}'s command line: usage errors, help, and one whole run from start to SHUTDOWN. */
class RedisMainTest {
    @TempDir
    Path dir;

    @AfterEach
    void noThreadsLeft() throws InterruptedException {
        RedisTesting.assertNoServerThreads();
    }

    /** What one {@link RedisMain#run} printed, and its exit status. */
    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = RedisMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void help_prints_the_usage_and_returns_0() {
        for (String help : new String[] {"--help", "-h"}) {
            Run run = run(help);
            assertEquals(0, run.status());
            assertTrue(run.out().startsWith("Usage: ./jalloc redis"), run.out());
            assertTrue(run.out().contains("--max-value-bytes N"), run.out());
            assertEquals("", run.err());
        }
    }

    @Test
    void usage_errors_return_2_with_a_message() {
        String[][] cases = {
            {"unknown option --bogus", "--bogus", "1"},
            {"unknown option --bogus", "--bogus"},
            {"unknown option port", "port", "6379"},
            {"--port needs a value", "--port"},
            {"port: 70000 (expected: 0 to 65535)", "--port", "70000"},
            {"port: -1 (expected: 0 to 65535)", "--port", "-1"},
            {"--port: abc (expected: an integer)", "--port", "abc"},
            {"--port: 99999999999 (expected: an integer)", "--port", "99999999999"},
            {"storage: heap (expected: jalloc, byte-arrays or netty)", "--storage", "heap"},
            {"--picture draws the jalloc heap: storage byte-arrays has none", "--storage", "byte-arrays",
                "--picture", "heap.html"},
            {"hardening and debug levels are the jalloc heap's: storage netty has none", "--storage", "netty",
                "--hardening", "full"},
            {"no hardening level 'max': none, light, standard or full", "--hardening", "max"},
            {"eventLoops: 0 (expected: 1 to 256)", "--event-loops", "0"},
            {"maxValueBytes: 0 (expected: 1 to 536870912)", "--max-value-bytes", "0"},
            {"--max-value-bytes: 1k (expected: an integer)", "--max-value-bytes", "1k"},
            {"--picture needs a value", "--port", "0", "--picture"},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            Run run = run(args);
            assertEquals(2, run.status(), () -> String.join(" ", args) + ": " + run.err());
            assertTrue(run.err().startsWith("jalloc redis: " + c[0] + "\n"), () -> String.join(" ", args)
                    + " printed:\n" + run.err());
            assertTrue(run.err().contains("Usage: ./jalloc redis"), run.err());
            assertEquals("", run.out());
        }
        Run debug = run("--debug", "verbose");
        assertEquals(2, debug.status());
        assertTrue(debug.err().startsWith("jalloc redis: ") && debug.err().contains("verbose"), debug.err());
    }

    @Test
    void a_whole_run_until_shutdown_reports_no_leak_and_draws_the_heap() throws Exception {
        Path picture = dir.resolve("heap.html");
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        AtomicInteger status = new AtomicInteger(-1);
        Thread main = Thread.ofPlatform().name("resp-redis-main").start(() -> status.set(RedisMain.run(
                new String[] {"--port", "0", "--event-loops", "2", "--debug", "sampled", "--picture",
                    picture.toString()}, out, new PrintStream(errBytes, true, StandardCharsets.UTF_8))));
        try {
            Pattern portLine = Pattern.compile("^jalloc redis: RedisServer\\[127\\.0\\.0\\.1:(\\d+), storage jalloc, "
                    + "2 event loops, 64 shards] \\(stop: redis-cli -p (\\d+) shutdown, or Ctrl-C\\)\n");
            RedisTesting.awaitTrue("the first line, with the port", () -> portLine.matcher(text(outBytes)).find());
            Matcher m = portLine.matcher(text(outBytes));
            assertTrue(m.find());
            int port = Integer.parseInt(m.group(1));
            assertEquals(m.group(1), m.group(2));
            try (RespClient c = RespClient.connect(port)) {
                assertEquals("+OK", c.cmd("SET", "k", "v"));
                assertEquals(":2", c.cmd("RPUSH", "l", "a", "b"));
                c.send("SHUTDOWN");
                c.flush();
                assertTrue(c.awaitClosedByServer(), "SHUTDOWN closes the connection without a reply");
            }
            main.join(RedisTesting.DEADLINE_MILLIS);
            assertFalse(main.isAlive(), "run() returns after SHUTDOWN");
        } finally {
            if (main.isAlive()) {   // a failed test must not leave the server running
                try (RespClient c = RespClient.connect(portOf(text(outBytes)))) {
                    c.send("SHUTDOWN");
                    c.flush();
                } catch (IOException | RuntimeException ignored) {
                    // the server is gone already
                }
                main.join(RedisTesting.DEADLINE_MILLIS);
            }
        }
        String printed = text(outBytes);
        assertEquals(0, status.get(), printed + errBytes);
        assertEquals("", text(errBytes));
        assertTrue(printed.contains("redis example on port (ephemeral), storage jalloc: 2 keys, "), printed);
        assertTrue(printed.contains("heap picture written to " + picture), printed);
        assertTrue(printed.contains("after freeing every key: 0 blocks "), printed);
        assertTrue(printed.contains("debug level SAMPLED"), printed);
        String html = Files.readString(picture);
        assertTrue(html.toLowerCase(java.util.Locale.ROOT).contains("<html"), "an HTML page");
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private static int portOf(String printed) {
        Matcher m = Pattern.compile("redis-cli -p (\\d+) shutdown").matcher(printed);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
