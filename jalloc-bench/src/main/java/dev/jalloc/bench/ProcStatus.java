package dev.jalloc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Linux's {@code /proc/PID/status} memory fields ({@code VmRSS}, {@code VmHWM}), read the one way the benchmarks
 * read them: the harnesses that measure their own process and those that measure a server's.
 */
public final class ProcStatus {
    private ProcStatus() {
    }

    /**
     * {@return the value in kiB of {@code field} of {@code /proc/PROCESS/status}, or -1 if there is none} (not Linux,
     * no such process or field)
     *
     * @param process a process id, or {@code "self"}
     * @param field   {@code VmRSS}, {@code VmHWM}, ...
     */
    public static long kib(String process, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process + "/status"))) {
                if (line.startsWith(field + ":")) {
                    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                    return parts.length == 2 && parts[1].equals("kB") ? Long.parseLong(parts[0]) : -1;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
