package dev.jalloc.cli.plot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The words a caption gives a run made here and now: the date in UTC, and the machine (processor, CPUs, OS, JDK),
 * as BENCHMARKS.md states them for every table. For {@code jalloc replay --plot}, whose figure is made by the run
 * itself; {@code jalloc plot} takes them from the user ({@code --caption}), who knows when the numbers were made.
 */
public final class Machine {
    private Machine() {
    }

    /** {@return the time now in UTC, to the second: {@code 2026-12-02 12:48:03 UTC}} */
    public static String now() {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                .format(Instant.now().atOffset(ZoneOffset.UTC));
    }

    /** {@return this machine: {@code 2 CPUs (AMD EPYC ...), Linux 6.18.44 amd64, Java 25.0.3+9 (Eclipse Adoptium)}} */
    public static String describe() {
        int cpus = Runtime.getRuntime().availableProcessors();
        String model = cpuModel();
        return cpus + " CPU" + (cpus == 1 ? "" : "s") + (model.isEmpty() ? "" : " (" + model + ")") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")";
    }

    /** {@return the processor's model name from /proc/cpuinfo, or "" where there is none} */
    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
