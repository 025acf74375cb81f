package dev.jalloc.examples.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A server out of file descriptors keeps accepting once some are free again: a child JVM run under
 * {@code prlimit --nofile} (util-linux) takes more clients than it has descriptors for; the kernel queues the rest,
 * the server's accepts fail, and after some clients leave, the queued ones are accepted and served. The acceptor
 * once stopped for good at the first failed accept, and every later client waited forever.
 */
class RedisAcceptTest {
    private static final int DESCRIPTORS = 256;
    private static final int CLIENTS = 320;

    @Test
    void accepting_goes_on_after_the_descriptors_run_out() throws Exception {
        assumeTrue(new File("/usr/bin/prlimit").canExecute(), "prlimit not installed (Debian package util-linux)");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder("/usr/bin/prlimit", "--nofile=" + DESCRIPTORS + ":" + DESCRIPTORS, java,
                "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RedisMain.class.getName(), "--port", "0", "--event-loops", "1").redirectErrorStream(true).start();
        List<RespClient> clients = new ArrayList<>();
        try (BufferedReader lines = child.inputReader(StandardCharsets.UTF_8)) {
            String first = lines.readLine();
            Matcher m = Pattern.compile("redis-cli -p (\\d+) shutdown").matcher(String.valueOf(first));
            assertTrue(m.find(), "the first line: " + first);
            int port = Integer.parseInt(m.group(1));
            // Warm up first: a class the server loads after its descriptors ran out could not be read from the
            // class path's directories (the child runs on the tests' class path, not on jars).
            RespClient survivor = RespClient.connect(port);
            clients.add(survivor);
            assertEquals("+OK", survivor.cmd("SET", "k", "v"));
            assertEquals("$v", survivor.cmd("GET", "k"));
            assertEquals("+PONG", survivor.cmd("PING"));
            for (int i = 1; i < CLIENTS; i++) {   // the kernel completes each connection; the server accepts some
                clients.add(RespClient.connect(port));
            }
            assertEquals("+PONG", survivor.cmd("PING"), "a client accepted before the descriptors ran out");
            RespClient last = clients.getLast();   // queued by the kernel: the server could not accept it yet
            for (int i = 1; i < CLIENTS / 2; i++) {
                clients.get(i).close();   // their descriptors free up on the server as it reads their end
            }
            assertEquals("+PONG", last.cmd("PING"), "the last client, accepted once descriptors were free again");
            survivor.send("SHUTDOWN");
            survivor.flush();
            assertTrue(survivor.awaitClosedByServer());
            assertTrue(child.waitFor(RedisTesting.DEADLINE_MILLIS, TimeUnit.MILLISECONDS), "the server stopped");
            StringBuilder rest = new StringBuilder();
            for (String line; (line = lines.readLine()) != null; ) {
                rest.append(line).append('\n');
            }
            assertEquals(0, child.exitValue(), rest.toString());
            assertTrue(rest.toString().contains("1 keys") && rest.toString().contains("after freeing every key: 0 blocks "),
                    rest.toString());
            assertTrue(Pattern.compile("\\d+ accepts? failed, the first: java.io.IOException: Too many open files")
                    .matcher(rest).find(), rest.toString());
        } finally {
            for (RespClient client : clients) {
                client.close();
            }
            child.destroyForcibly();
            child.waitFor();
        }
    }
}
