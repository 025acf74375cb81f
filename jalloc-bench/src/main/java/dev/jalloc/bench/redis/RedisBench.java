package dev.jalloc.bench.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 13's Redis benchmark, one command for all of it: for each server (the example on the jalloc heap, on
 * {@code byte[]}s, on Netty's pooled buffers, and Debian's {@code redis-server} as the native anchor) it starts the
 * server, runs {@code redis-benchmark}'s set/get/lpush/lpop test and mimalloc-bench's redis workload, then the
 * {@link RedisChurn churn test}, reads {@code INFO memory}, and shuts the server down (the jalloc server writes its
 * heap picture then). Every server runs alone on the machine; raw outputs and a summary go to {@code --out}.
 *
 * <pre>
 * ./jalloc redisbench [--out DIR] [--servers jalloc,byte-arrays,netty,redis-server] [--requests N]
 *                     [--churn-bytes N] [--rounds N] [--seed N] [--event-loops N] [--workloads redis-benchmark,churn]
 * </pre>
 */
public final class RedisBench {
    private static final Pattern RPS = Pattern.compile("([A-Za-z][A-Za-z_ 0-9]*): ([0-9.]+) requests per second");

    private RedisBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args the options above
     * @throws Exception if a server cannot be started or a run fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--out", "redis-bench-results");
        options.put("--servers", "jalloc,byte-arrays,netty,redis-server");
        options.put("--requests", "2000000");
        options.put("--churn-bytes", Long.toString(1L << 30));
        options.put("--rounds", "3");
        options.put("--seed", "13");
        options.put("--event-loops", "2");
        options.put("--workloads", "redis-benchmark,churn");
        options.put("--attach", "0");   // a port: measure a server already running there (for profiling it)
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println("""
                    Usage: ./jalloc redisbench [--out DIR] [--servers jalloc,byte-arrays,netty,redis-server]
                             [--requests N] [--churn-bytes N] [--rounds N] [--seed N] [--event-loops N]
                             [--workloads redis-benchmark,churn] [--attach PORT]
                    For each server: start it alone, run redis-benchmark's set/get/lpush/lpop test (--requests,
                    default 2000000) and mimalloc-bench's redis workload (half as many), then the churn test
                    (--churn-bytes of values, default 1 GiB; --rounds rounds of refill, overwrite and delete
                    half; then 12 s idle; the server's RSS after each), and shut it down. Needs redis-benchmark
                    (Debian redis-tools) and, for the anchor, redis-server. Results in --out (default
                    redis-bench-results): summary.txt and each tool's raw output. --attach PORT measures a
                    server already running there instead of starting one.""");
            return;
        }
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!options.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + options.keySet());
            }
            options.put(args[i], args[i + 1]);
        }
        Path root = Path.of(System.getProperty("jalloc.root", "."));
        Path out = Path.of(options.get("--out"));
        Files.createDirectories(out);
        long requests = Long.parseLong(options.get("--requests"));
        StringBuilder summary = new StringBuilder();
        summary.append("# redisbench ").append(Instant.now()).append(", ").append(String.join(" ", args))
                .append("\n# machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores; ")
                .append(Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                        .filter(l -> l.startsWith("model name")).findFirst().orElse("?")).append('\n');
        for (String server : options.get("--servers").split(",")) {
            summary.append(runOne(server, root, out, requests, options)).append('\n');
            Files.writeString(out.resolve("summary.txt"), summary);
        }
        System.out.print(summary);
    }

    private static String runOne(String server, Path root, Path out, long requests, Map<String, String> options)
            throws Exception {
        int port = Integer.parseInt(options.get("--attach"));
        if (port > 0) {
            StringBuilder text = new StringBuilder("## " + server + " (attached to port " + port + ")\n");
            long pid = waitReady(port, null);
            if (options.get("--workloads").contains("redis-benchmark")) {
                redisBenchmark(port, server, out, requests, text);
            }
            if (options.get("--workloads").contains("churn")) {
                churn(port, pid, server, out, options, text);
            }
            return text.toString();
        }
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        if (server.equals("redis-server")) {
            command.addAll(List.of("redis-server", "--port", Integer.toString(port), "--save", "", "--appendonly",
                    "no", "--bind", "127.0.0.1"));
        } else {
            command.addAll(List.of(root.resolve("jalloc").toString(), "redis", "--port", Integer.toString(port),
                    "--storage", server, "--event-loops", options.get("--event-loops")));
            if (server.equals("jalloc")) {
                command.addAll(List.of("--picture", out.resolve("heap-after-churn.html").toString()));
            }
        }
        Path log = out.resolve(server + "-server.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        StringBuilder text = new StringBuilder("## " + server + " (" + String.join(" ", command) + ")\n");
        try {
            long pid = waitReady(port, process);
            if (options.get("--workloads").contains("redis-benchmark")) {
                redisBenchmark(port, server, out, requests, text);
            }
            if (options.get("--workloads").contains("churn")) {
                churn(port, pid, server, out, options, text);
            }
            try (RespPipe pipe = new RespPipe(port)) {
                pipe.command(null, 0, 0, server.equals("redis-server") ? new String[] {"SHUTDOWN", "NOSAVE"}
                        : new String[] {"SHUTDOWN"});
                pipe.flushOnly();
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                text.append("(did not stop after SHUTDOWN within 120 s: killed)\n");
            }
        } finally {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        return text.toString();
    }

    private static void redisBenchmark(int port, String server, Path out, long requests, StringBuilder text)
            throws Exception {
        String set = benchmark(port, out.resolve(server + "-set-get.txt"), "-q", "-P", "16", "-r", "1000000",
                "-n", Long.toString(requests), "-t", "set,get,lpush,lpop");
        flush(port);
        String lists = benchmark(port, out.resolve(server + "-mimalloc-bench.txt"), "-r", "1000000", "-n",
                Long.toString(requests / 2), "-q", "-P", "16", "lpush", "a", "1", "2", "3", "4", "5", "lrange",
                "a", "1", "5");
        String listLength;
        try (RespPipe pipe = new RespPipe(port)) {
            listLength = pipe.call("LLEN", "a");
        }
        flush(port);
        text.append("redis-benchmark: ").append(set).append('\n');
        text.append("mimalloc-bench redis workload: ").append(lists).append(" (list a then held ")
                .append(listLength).append(" elements)\n");
    }

    private static void churn(int port, long pid, String server, Path out, Map<String, String> options,
            StringBuilder text) throws Exception {
        RedisChurn churn = new RedisChurn(port, pid, Long.parseLong(options.get("--seed")));
        List<RedisChurn.Row> rows = churn.run(Long.parseLong(options.get("--churn-bytes")),
                Integer.parseInt(options.get("--rounds")));
        for (RedisChurn.Row row : rows) {
            text.append("churn ").append(row.format()).append('\n');
        }
        churn.close();
        try (RespPipe pipe = new RespPipe(port)) {
            String info = pipe.call("INFO", "memory");
            Files.writeString(out.resolve(server + "-info-after-churn.txt"), info);
            for (String line : info.split("\r\n")) {
                if (line.startsWith("used_memory:") || line.startsWith("used_memory_rss:")
                        || line.startsWith("mem_fragmentation_ratio:") || line.startsWith("mem_allocator:")
                        || line.startsWith("allocator_frag_ratio:") || line.startsWith("java_heap_committed:")) {
                    text.append("after churn ").append(line).append('\n');
                }
            }
        }
    }

    private static long waitReady(int port, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);   // ./jalloc may build first
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IOException("the server exited with status " + process.exitValue());
            }
            try (RespPipe pipe = new RespPipe(port)) {
                String info = pipe.call("INFO", "server");
                return RedisChurn.field(info, "process_id");
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IOException("the server did not answer on port " + port);
    }

    private static void flush(int port) throws IOException {
        try (RespPipe pipe = new RespPipe(port)) {
            pipe.call("FLUSHALL");
        }
    }

    /** Runs redis-benchmark, keeps its output, {@return its "X: N requests per second" results on one line} */
    private static String benchmark(int port, Path output, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("redis-benchmark", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        Process run = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] bytes = run.getInputStream().readAllBytes();
        int status = run.waitFor();
        String text = new String(bytes, StandardCharsets.UTF_8);
        Files.writeString(output, String.join(" ", command) + "\n" + text);
        if (status != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + status + ": " + text);
        }
        StringBuilder results = new StringBuilder();
        for (String line : text.split("[\r\n]")) {
            Matcher m = RPS.matcher(line);
            if (m.find()) {
                results.append(String.format(Locale.ROOT, "%s %.0f/s; ", m.group(1).trim(),
                        Double.parseDouble(m.group(2))));
            }
        }
        return results.toString();
    }
}
