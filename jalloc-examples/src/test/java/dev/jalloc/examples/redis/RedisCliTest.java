package dev.jalloc.examples.redis;

import static dev.jalloc.examples.redis.RedisTesting.allByteValues;
import static dev.jalloc.examples.redis.RedisTesting.closeAndCheckNoLeak;
import static dev.jalloc.examples.redis.RedisTesting.start;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real Redis tools against the server, unmodified: {@code redis-cli} (one command per run, {@code --pipe} mass
 * insertion, {@code -x} for a binary value from stdin) and a small bounded {@code redis-benchmark} run. Each test
 * skips where its tool is not installed (Debian package redis-tools). No timing is asserted.
 */
class RedisCliTest {
    private static final String NO_CLI = "redis-cli not installed (Debian package redis-tools)";
    private static final String NO_BENCHMARK = "redis-benchmark not installed (Debian package redis-tools)";
    private static final long PROCESS_TIMEOUT_SECONDS = 60;

    @AfterEach
    void noThreadsLeft() throws InterruptedException {
        RedisTesting.assertNoServerThreads();
    }

    @Test
    void redis_cli_runs_commands() throws IOException, InterruptedException {
        Path cli = onPath("redis-cli");
        assumeTrue(cli != null, NO_CLI);
        try (RedisServer server = start()) {
            String port = Integer.toString(server.port());
            assertEquals("PONG", run(0, null, cli, "-p", port, "ping"));
            assertEquals("OK", run(0, null, cli, "-p", port, "set", "k", "hello world"));
            assertEquals("hello world", run(0, null, cli, "-p", port, "get", "k"));
            assertEquals("", run(0, null, cli, "-p", port, "get", "absent"), "nil prints as an empty line");
            assertEquals("3", run(0, null, cli, "-p", port, "rpush", "l", "a", "b", "c"));
            assertEquals("a\nb\nc", run(0, null, cli, "-p", port, "lrange", "l", "0", "-1"));
            assertEquals("c", run(0, null, cli, "-p", port, "rpop", "l"));
            assertEquals("2", run(0, null, cli, "-p", port, "llen", "l"));
            assertEquals("7", run(0, null, cli, "-p", port, "incrby", "n", "7"));
            assertEquals("OK", run(0, null, cli, "-p", port, "set", "t", "v", "ex", "100"));
            assertTrue(Long.parseLong(run(0, null, cli, "-p", port, "ttl", "t")) > 0);
            assertEquals("4", run(0, null, cli, "-p", port, "dbsize"));
            assertTrue(run(0, null, cli, "-p", port, "get", "l").startsWith("WRONGTYPE"));
            String memory = run(0, null, cli, "-p", port, "info", "memory");
            assertTrue(memory.startsWith("# Memory"), memory);
            assertTrue(memory.contains("\nused_memory:") && memory.contains("\nused_memory_rss:")
                    && memory.contains("\nmem_fragmentation_ratio:"), memory);

            byte[] binary = allByteValues();   // -x: the last argument is stdin, byte for byte
            assertEquals("OK", run(0, binary, cli, "-p", port, "-x", "set", "bin"));
            try (RespClient c = RespClient.connect(server.port())) {
                assertArrayEquals(binary, (byte[]) c.call("GET", "bin"));
                assertEquals("$hello world", c.cmd("GET", "k"));
            }
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void redis_cli_pipe_mode_mass_insertion() throws IOException, InterruptedException {
        Path cli = onPath("redis-cli");
        assumeTrue(cli != null, NO_CLI);
        try (RedisServer server = start()) {
            ByteArrayOutputStream input = new ByteArrayOutputStream();
            int keys = 5000;
            for (int i = 0; i < keys; i++) {
                input.writeBytes(RespClient.encode("SET", "key:" + i, "value:" + i));
            }
            input.writeBytes(RespClient.encode("RPUSH", "list", "a", "b"));
            input.writeBytes(RespClient.encode("INCR", "list"));   // one error, counted as such
            // redis-cli --pipe exits with 1 when a reply was an error.
            String out = run(1, input.toByteArray(), cli, "-p", Integer.toString(server.port()), "--pipe");
            assertTrue(out.contains("errors: 1, replies: " + (keys + 2)), out);
            try (RespClient c = RespClient.connect(server.port())) {
                assertEquals(":" + (keys + 1), c.cmd("DBSIZE"));
                assertEquals("$value:4321", c.cmd("GET", "key:4321"));
            }
            closeAndCheckNoLeak(server);
        }
    }

    @Test
    void redis_benchmark_small_bounded_run() throws IOException, InterruptedException {
        Path benchmark = onPath("redis-benchmark");
        assumeTrue(benchmark != null, NO_BENCHMARK);
        try (RedisServer server = start()) {
            String out = run(0, null, benchmark, "-p", Integer.toString(server.port()), "-q", "-n", "2000", "-P", "4",
                    "-t", "set,get,lpush,lpop");
            List<String> results = Arrays.stream(out.split("[\r\n]+"))
                    .filter(line -> line.contains("requests per second")).map(String::strip).toList();
            assertEquals(4, results.size(), out);
            List<String> tests = new ArrayList<>();
            for (String line : results) {
                tests.add(line.substring(0, line.indexOf(':')));
            }
            assertEquals(List.of("SET", "GET", "LPUSH", "LPOP"), tests, out);
            closeAndCheckNoLeak(server);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** {@return the executable {@code name} in a directory of PATH, or null} */
    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Runs a command with {@code stdin} as its input (none if null); {@return its output and errors, stripped} after
     * checking it exits with {@code status} within a minute.
     */
    private static String run(int status, byte[] stdin, Path program, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.addAll(List.of(args));
        // Files, not pipes: a tool that hangs cannot block the test's reads or writes, only time out.
        Path input = Files.write(Files.createTempFile("redis-tool", ".in"), stdin == null ? new byte[0] : stdin);
        Path output = Files.createTempFile("redis-tool", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(input.toFile())
                .redirectOutput(output.toFile()).start();
        try {
            boolean ended = process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            String text = new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
            if (!ended) {
                fail(command + " did not end within " + PROCESS_TIMEOUT_SECONDS + " s:\n" + text);
            }
            assertEquals(status, process.exitValue(), () -> command + " exit status, after printing:\n" + text);
            return text.strip();
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(input);
            Files.deleteIfExists(output);
        }
    }
}
