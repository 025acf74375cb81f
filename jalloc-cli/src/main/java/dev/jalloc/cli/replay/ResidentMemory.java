package dev.jalloc.cli.replay;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * This process's anonymous resident memory, read from {@code /proc/self/statm}, and its peak growth above a
 * baseline: what {@code peak_rss_bytes} is made of.
 *
 * <pre>
 *   /proc/self/statm   size  resident  shared  text  lib  data  dt        (7 numbers, in pages)
 *                      ...   61234     9876    ...
 *   anonymous resident pages = resident - shared     (shared: resident pages backed by a file or shmem)
 *
 *   markBaseline()  ── sample() ── sample() ── ... ── peakGrowthBytes() = max(sample - baseline, 0) x page size
 * </pre>
 * Anonymous pages are where every allocator's memory lives ({@code brk}, private anonymous {@code mmap}); file
 * pages (the JDK's modules, the libraries) are left out, since the JVM maps and drops them for reasons of its
 * own. A reading is one {@code pread} of a small procfs file into a buffer made once: a few microseconds, no
 * allocation, so it can be taken after every op of a trace ({@code /proc/self/smaps_rollup} walks every page
 * table: far too slow for that). The kernel computes {@code resident} and {@code shared} from its per-process
 * counters: exact to the page on Linux 6.18 (checked against {@code smaps_rollup}), up to 64 page events behind
 * per thread before 6.2 (proc(5) calls them inexact).
 *
 * <p>Where there is no {@code /proc/self/statm} (not Linux), every reading is -1, and so is the peak.
 */
final class ResidentMemory implements AutoCloseable {
    static final Path STATM = Path.of("/proc/self/statm");
    /** {@code _SC_PAGESIZE} on Linux (glibc and musl alike). */
    private static final int SC_PAGESIZE = 30;

    private final FileChannel statm;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(256);
    private final long pageSize;
    private long baselinePages;
    private long peakGrowthPages;

    private ResidentMemory(FileChannel statm, long pageSize) {
        this.statm = statm;
        this.pageSize = pageSize;
    }

    /**
     * {@return a reader of this process's statm, or one whose every reading is -1 where there is none}
     *
     * @throws UncheckedIOException if {@code /proc/self/statm} exists but cannot be opened
     */
    static ResidentMemory open() {
        if (!Files.isReadable(STATM)) {
            return new ResidentMemory(null, 0);
        }
        try {
            return new ResidentMemory(FileChannel.open(STATM, StandardOpenOption.READ), pageSize());
        } catch (IOException e) {
            throw new UncheckedIOException(STATM + ": cannot open it", e);
        }
    }

    /** {@return whether readings are real (there is a {@code /proc/self/statm})} */
    boolean isAvailable() {
        return statm != null;
    }

    /** {@return the anonymous resident memory of this process now, in bytes, or -1 if unavailable} */
    long anonymousBytes() {
        return statm == null ? -1 : anonymousPages() * pageSize;
    }

    /** Takes the current reading as the baseline and forgets the peak. */
    void markBaseline() {
        if (statm != null) {
            baselinePages = anonymousPages();
            peakGrowthPages = 0;
        }
    }

    /** Reads once, and keeps the reading if it is the highest since the baseline. */
    void sample() {
        if (statm != null) {
            peakGrowthPages = Math.max(peakGrowthPages, anonymousPages() - baselinePages);
        }
    }

    /** {@return the highest sample since the baseline minus the baseline, in bytes (never below 0), or -1} */
    long peakGrowthBytes() {
        return statm == null ? -1 : peakGrowthPages * pageSize;
    }

    @Override
    public void close() {
        if (statm != null) {
            try {
                statm.close();
            } catch (IOException e) {
                throw new UncheckedIOException(STATM + ": cannot close it", e);
            }
        }
    }

    private long anonymousPages() {
        buffer.clear();
        try {
            // procfs makes the text again for every read at offset 0
            while (buffer.hasRemaining() && statm.read(buffer, buffer.position()) > 0) {
                // until the end of the file
            }
        } catch (IOException e) {
            throw new UncheckedIOException(STATM + ": cannot read it", e);
        }
        buffer.flip();
        return anonymousPages(buffer);
    }

    /**
     * {@return {@code resident - shared} of the statm text in {@code text} (from its position to its limit)}
     *
     * @throws IllegalStateException if the text is not seven unsigned decimal numbers
     */
    static long anonymousPages(ByteBuffer text) {
        long resident = 0;
        long shared = 0;
        int fields = 0;
        int i = text.position();
        int end = text.limit();
        while (fields <= 7) {
            while (i < end && text.get(i) == ' ') {
                i++;
            }
            if (i == end || text.get(i) == '\n') {
                fields = i < end - 1 ? -1 : fields;   // one line, nothing after it
                break;
            }
            int first = i;
            long value = 0;
            while (i < end && i - first < 18 && text.get(i) >= '0' && text.get(i) <= '9') {
                value = value * 10 + (text.get(i++) - '0');
            }
            if (i == first || i < end && text.get(i) != ' ' && text.get(i) != '\n') {
                fields = -1;
                break;
            }
            if (fields == 1) {
                resident = value;
            } else if (fields == 2) {
                shared = value;
            }
            fields++;
        }
        if (fields != 7 || shared > resident) {
            throw new IllegalStateException(STATM + ": '" + printable(text)
                    + "' (expected: seven numbers, the third not above the second)");
        }
        return resident - shared;
    }

    private static String printable(ByteBuffer text) {
        StringBuilder s = new StringBuilder();
        for (int i = text.position(); i < text.limit() && s.length() < 120; i++) {
            char c = (char) (text.get(i) & 0xFF);
            s.append(c >= ' ' && c < 127 ? c : '?');
        }
        return s.toString();
    }

    private static long pageSize() {
        Linker linker = Linker.nativeLinker();
        MethodHandle sysconf = linker.downcallHandle(linker.defaultLookup().findOrThrow("sysconf"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        long pageSize;
        try {
            pageSize = (long) sysconf.invokeExact(SC_PAGESIZE);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
            throw new IllegalStateException("sysconf(_SC_PAGESIZE): " + pageSize + " (expected: a power of two)");
        }
        return pageSize;
    }
}
