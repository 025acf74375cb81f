package dev.jalloc.bench.redis;

import dev.jalloc.bench.ProcStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The churn test of issue 13: fill a server to about {@code targetBytes} of values of mixed sizes, overwrite every
 * value with one of another size, delete a random half, and repeat (refill the deleted half, overwrite, delete),
 * reading the server's resident set after each phase, and once more after 12 s without a command. What an allocator
 * is judged on here is what a long-running cache does to it: holes of one size where values of another arrive.
 *
 * <p>Sizes: 60 % from 16 to 128 bytes, 30 % to 2 KiB, 9 % to 16 KiB, 1 % to 128 KiB (uniform within each band;
 * about 1.9 KiB on average). Two connections, used in turn batch by batch, so that on a server with several event
 * loops a value is often set on one thread and replaced or deleted on another. Each batch is 64 commands, sent at
 * once, then their replies read.
 */
final class RedisChurn {
    private static final int BATCH = 64;

    /** One phase's result. */
    record Row(String phase, long commands, double seconds, long liveValueBytes, long keys, long rssBytes,
            long usedMemory) {
        double opsPerSecond() {
            return commands / seconds;
        }

        String format() {
            return String.format(Locale.ROOT, "%-12s %9d ops %8.0f ops/s  live %7.1f MiB in %7d keys  RSS %7.1f MiB"
                    + "  used_memory %7.1f MiB", phase, commands, opsPerSecond(), liveValueBytes / 1048576.0, keys,
                    rssBytes / 1048576.0, usedMemory / 1048576.0);
        }
    }

    private final RespPipe[] pipes;
    private final long pid;
    private final SplittableRandom random;
    private final byte[] payload = new byte[128 * 1024];
    private int[] sizes = new int[0];   // 0: the key does not exist
    private long liveBytes;
    private long liveKeys;
    private int next;

    RedisChurn(int port, long pid, long seed) throws IOException {
        this.pipes = new RespPipe[] {new RespPipe(port), new RespPipe(port)};
        this.pid = pid;
        this.random = new SplittableRandom(seed);
        random.nextBytes(payload);
    }

    List<Row> run(long targetBytes, int rounds) throws IOException {
        List<Row> rows = new ArrayList<>();
        int keys = 0;
        long planned = 0;
        SplittableRandom planning = random.split();
        while (planned < targetBytes) {   // as many keys as the mix needs to reach the target once
            planned += size(planning);
            keys++;
        }
        sizes = new int[keys];
        for (int round = 1; round <= rounds; round++) {
            rows.add(phase(round == 1 ? "fill" : "refill " + round, Phase.FILL));
            rows.add(phase("overwrite " + round, Phase.OVERWRITE));
            rows.add(phase("delete " + round, Phase.DELETE));
        }
        rows.add(idle(IDLE_SECONDS));
        return rows;
    }

    private enum Phase { FILL, OVERWRITE, DELETE }

    /** How long the last row waits without a command: longer than jemalloc's default decay time in Redis (10 s). */
    static final int IDLE_SECONDS = 12;

    /** The resident set after {@code seconds} without a command: what the allocator gives back on its own. */
    private Row idle(int seconds) throws IOException {
        try {
            Thread.sleep(seconds * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long rss = residentBytes(pid);
        String info = pipes[0].call("INFO", "memory");
        return new Row("idle " + seconds + " s", 0, seconds, liveBytes, liveKeys, rss, field(info, "used_memory"));
    }

    private Row phase(String name, Phase phase) throws IOException {
        int[] order = shuffled(sizes.length);
        long commands = 0;
        long start = System.nanoTime();
        int inBatch = 0;
        RespPipe pipe = pipes[next];
        for (int i = 0; i < order.length; i++) {
            int key = order[i];
            boolean exists = sizes[key] > 0;
            switch (phase) {
                case FILL, OVERWRITE -> {
                    if (phase == Phase.FILL && exists || phase == Phase.OVERWRITE && !exists) {
                        continue;
                    }
                    int size = size(random);
                    if (exists) {
                        while (size == sizes[key]) {
                            size = size(random);
                        }
                        liveBytes -= sizes[key];
                    } else {
                        liveKeys++;
                    }
                    int offset = random.nextInt(payload.length - size + 1);
                    pipe.command(payload, offset, size, "SET", "key:" + key);
                    sizes[key] = size;
                    liveBytes += size;
                }
                case DELETE -> {
                    if (!exists || (i & 1) == 0) {
                        continue;   // a random half: every other key of a random order
                    }
                    pipe.command(null, 0, 0, "DEL", "key:" + key);
                    liveBytes -= sizes[key];
                    liveKeys--;
                    sizes[key] = 0;
                }
                default -> throw new AssertionError(phase);
            }
            commands++;
            if (++inBatch == BATCH) {
                pipe.sync();
                inBatch = 0;
                next ^= 1;
                pipe = pipes[next];
            }
        }
        pipe.sync();
        double seconds = (System.nanoTime() - start) / 1e9;
        String info = pipes[0].call("INFO", "memory");
        return new Row(name, commands, seconds, liveBytes, liveKeys, residentBytes(pid), field(info, "used_memory"));
    }

    private static int size(SplittableRandom random) {
        int band = random.nextInt(100);
        if (band < 60) {
            return random.nextInt(16, 129);
        } else if (band < 90) {
            return random.nextInt(129, 2049);
        } else if (band < 99) {
            return random.nextInt(2049, 16385);
        }
        return random.nextInt(16385, 131073);
    }

    private int[] shuffled(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** {@return a process's resident set in bytes, from /proc/PID/status} */
    static long residentBytes(long pid) throws IOException {
        long kib = ProcStatus.kib(Long.toString(pid), "VmRSS");
        if (kib < 0) {
            throw new IOException("no VmRSS in /proc/" + pid + "/status");
        }
        return kib * 1024;
    }

    /** {@return the integer field {@code name} of an INFO text, or -1 if absent} */
    static long field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        return -1;
    }

    void close() throws IOException {
        for (RespPipe pipe : pipes) {
            pipe.close();
        }
    }
}
