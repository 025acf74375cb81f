package dev.jalloc.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Readings from {@code /proc/meminfo} and {@code /proc/sys/vm}, for tests that need the machine's limits. */
public final class MemInfo {
    private MemInfo() {
    }

    /** {@return MemTotal + SwapTotal in bytes} */
    public static long physicalPlusSwapBytes() throws IOException {
        long sum = 0;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:") || line.startsWith("SwapTotal:")) {
                sum += Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return sum;
    }

    /**
     * {@return whether a single commit larger than RAM + swap is refused}: true under the heuristic
     * ({@code vm.overcommit_memory=0}) and strict ({@code 2}) policies, false under {@code 1}.
     */
    public static boolean refusesOversizedCommits() throws IOException {
        Path mode = Path.of("/proc/sys/vm/overcommit_memory");
        return Files.isReadable(mode) && !Files.readString(mode).strip().equals("1");
    }
}
