package dev.jalloc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The mappings of this process, read from {@code /proc/self/maps}, for leak checks. Linux only. */
public final class ProcMaps {
    private static final Path MAPS = Path.of("/proc/self/maps");

    /** One line of the file: {@code [start, end)}, permissions such as {@code rw-p}, and the whole line. */
    public record Mapping(long start, long end, String perms, String line) {
        public boolean overlaps(long from, long to) {
            return start < to && from < end;
        }
    }

    private ProcMaps() {
    }

    /** {@return whether this system has {@code /proc/self/maps}} */
    public static boolean available() {
        return Files.isReadable(MAPS);
    }

    /** {@return the current mappings} */
    public static List<Mapping> read() {
        try {
            List<Mapping> result = new ArrayList<>();
            for (String line : Files.readAllLines(MAPS)) {
                String[] parts = line.split("\\s+");
                String[] range = parts[0].split("-");
                result.add(new Mapping(Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16),
                        parts[1], line));
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return how many bytes of {@code [from, to)} the given mappings cover} */
    public static long coveredBytes(List<Mapping> mappings, long from, long to) {
        long covered = 0;
        for (Mapping m : mappings) {
            if (m.overlaps(from, to)) {
                covered += Math.min(to, m.end()) - Math.max(from, m.start());
            }
        }
        return covered;
    }

    /**
     * {@return the mappings of {@code after} that overlap {@code [from, to)} and are identical (same range, same
     * permissions) to a mapping of {@code before}}: leftovers, as opposed to mappings another thread made in a
     * freed range in between.
     */
    public static List<Mapping> leftovers(List<Mapping> before, List<Mapping> after, long from, long to) {
        List<Mapping> result = new ArrayList<>();
        for (Mapping m : after) {
            if (m.overlaps(from, to) && before.stream().anyMatch(b -> b.line().equals(m.line()))) {
                result.add(m);
            }
        }
        return result;
    }
}
