package dev.jalloc.examples.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The text of {@code INFO} and the answers of {@code CONFIG GET}, in Redis's formats: sections that start with
 * {@code # Name}, then {@code field:value} lines. The memory section has Redis's fields ({@code used_memory}, the
 * process's {@code used_memory_rss}, and {@code mem_fragmentation_ratio}, RSS over used) and the storage's own.
 */
final class Info {
    private static final String[] SECTIONS = {"server", "clients", "memory", "stats", "keyspace"};

    private Info() {
    }

    static String text(RedisServer server, Storage storage, Args args, long now) {
        StringBuilder info = new StringBuilder();
        for (String section : SECTIONS) {
            if (!wanted(args, section)) {
                continue;
            }
            if (!info.isEmpty()) {
                info.append("\r\n");
            }
            info.append("# ").append(Character.toUpperCase(section.charAt(0))).append(section.substring(1))
                    .append("\r\n");
            switch (section) {
                case "server" -> {
                    line(info, "redis_version", "7.0.0");
                    line(info, "redis_mode", "standalone");
                    line(info, "server_kind", "jalloc-examples RESP2 server (Java " + Runtime.version() + ")");
                    line(info, "multiplexing_api", "java.nio");
                    line(info, "event_loops", server.loopCount());
                    line(info, "shards", server.shards.count());
                    line(info, "process_id", ProcessHandle.current().pid());
                    line(info, "tcp_port", server.port());
                    line(info, "uptime_in_seconds", (now - server.startMillis()) / 1000);
                }
                case "clients" -> line(info, "connected_clients", server.connectedClients());
                case "memory" -> memory(info, storage);
                case "stats" -> line(info, "total_connections_received", server.acceptedConnections());
                case "keyspace" -> {
                    long keys = server.shards.size();
                    if (keys > 0) {
                        line(info, "db0", "keys=" + keys);
                    }
                }
                default -> throw new AssertionError(section);
            }
        }
        return info.toString();
    }

    private static void memory(StringBuilder info, Storage storage) {
        long used = storage.usedBytes();
        long rss = residentBytes();
        line(info, "used_memory", used);
        line(info, "used_memory_human", human(used));
        line(info, "used_memory_rss", rss);
        line(info, "used_memory_rss_human", human(rss));
        line(info, "mem_fragmentation_ratio", used == 0 ? "0.00"
                : String.format(Locale.ROOT, "%.2f", (double) rss / used));
        Runtime runtime = Runtime.getRuntime();
        line(info, "java_heap_used", runtime.totalMemory() - runtime.freeMemory());
        line(info, "java_heap_committed", runtime.totalMemory());
        storage.describe(info);
    }

    /** {@return the process's resident set, from /proc/self/status; 0 where there is none} */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** {@code INFO} with no argument, {@code all}, {@code everything} or {@code default} shows every section. */
    private static boolean wanted(Args args, String section) {
        if (args.count() == 1) {
            return true;
        }
        for (int i = 1; i < args.count(); i++) {
            if (args.is(i, section.toUpperCase(Locale.ROOT)) || args.is(i, "ALL") || args.is(i, "EVERYTHING")
                    || args.is(i, "DEFAULT")) {
                return true;
            }
        }
        return false;
    }

    private static void line(StringBuilder info, String name, Object value) {
        info.append(name).append(':').append(value).append("\r\n");
    }

    private static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        return String.format(Locale.ROOT, "%.2f%c", bytes / (double) (1L << unit * 10), " KMGTPE".charAt(unit));
    }

    /** {@code CONFIG GET name}: the few settings clients ask about, as name-value pairs; others are absent. */
    static void config(RedisServer server, String name, Reply reply) {
        String[][] settings = {
            {"save", ""},
            {"appendonly", "no"},
            {"maxmemory", "0"},
            {"databases", "1"},
            {"port", Integer.toString(server.port())},
            {"proto-max-bulk-len", Long.toString(server.config.maxValueBytes())},
        };
        int matches = 0;
        for (String[] setting : settings) {
            matches += name.equals("*") || name.equalsIgnoreCase(setting[0]) ? 1 : 0;
        }
        reply.array(2L * matches);
        for (String[] setting : settings) {
            if (name.equals("*") || name.equalsIgnoreCase(setting[0])) {
                reply.bulk(setting[0]);
                reply.bulk(setting[1]);
            }
        }
    }
}
