package dev.jalloc.examples.redis;

import dev.jalloc.DebugLevel;
import dev.jalloc.LeakReport;
import dev.jalloc.heap.Hardening;
import dev.jalloc.heap.Heap;
import dev.jalloc.heap.HeapStats;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@link StorageKind#JALLOC}: every shard's keys, values and list nodes in one shared jalloc {@link Heap}, so a
 * block one event loop allocates is often freed by another. Owns the heap: {@link #shutdown()} reports its leaks
 * and closes it.
 */
final class JallocStorage extends Storage {
    private final Heap heap;
    private boolean closed;

    JallocStorage(Hardening hardening, DebugLevel debug) {
        this.heap = Heap.builder().shared(true).hardening(hardening).debug(debug).build();
    }

    @Override
    public StorageKind kind() {
        return StorageKind.JALLOC;
    }

    @Override
    public Keyspace newKeyspace() {
        return new JallocKeyspace(heap);
    }

    /** The server is idle: every free page of the heap goes back to the OS ({@link Heap#trim()}). */
    @Override
    void idle() {
        heap.trim();
    }

    @Override
    public long usedBytes() {
        return heap.liveBytes();
    }

    @Override
    public void describe(StringBuilder info) {
        HeapStats stats = heap.stats();
        info.append("mem_allocator:jalloc-heap (").append(heap.hardening().name().toLowerCase())
                .append(" hardening, ").append(heap.debugLevel().name().toLowerCase()).append(" debug)\r\n");
        info.append("jalloc_live_bytes:").append(stats.liveBytes()).append("\r\n");
        info.append("jalloc_live_blocks:").append(stats.liveBlocks()).append("\r\n");
        info.append("jalloc_committed_bytes:").append(stats.committedBytes()).append("\r\n");
        info.append("jalloc_fragmentation:").append(String.format("%.3f", stats.fragmentation())).append("\r\n");
        info.append("jalloc_stats:").append(stats.toString().replace('\n', ' ').replace('\r', ' ')).append("\r\n");
    }

    /**
     * Writes the heap's picture (an HTML page, one cell per page) to {@code file}.
     *
     * @param file where
     * @throws IOException if the file cannot be written
     */
    void writePicture(Path file) throws IOException {
        heap.picture().writeHtml(file, "jalloc redis example: the shared heap");
    }

    /** {@return the heap's leak report} (zero blocks once every keyspace is closed) */
    LeakReport leakReport() {
        return heap.leakReport();
    }

    @Override
    public String shutdown() {
        if (closed) {
            return "jalloc heap already closed";
        }
        LeakReport report = heap.leakReport();
        closed = true;
        heap.close();
        return report.toString();
    }
}
