package dev.jalloc.internal.heap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The shared heap's page map: heap page to its {@link SharedSpan}, in chunks that are made once and never move, so
 * that a thread reading it without a lock never holds an array another thread has replaced.
 *
 * <pre>
 *   page p  ->  chunks[p >>> 14][p & 16383]      a chunk: 16384 pages (64 MiB of region), made on first use
 *   a slab or pool is entered on each of its pages; a large span on its first page only (an interior address
 *   finds no span and is refused)
 * </pre>
 * Written under the heap's lock; read by any thread. A reader that learnt an address from the thread that
 * allocated it (as it must to free it) sees the entries made before that allocation; a racing or forged address
 * reads null, an older span or a newer one, and each is refused by the span's own checks or is the span that
 * really holds the address now.
 */
final class SpanDirectory {
    private static final int CHUNK_SHIFT = 14;
    private static final int CHUNK = 1 << CHUNK_SHIFT;
    private static final VarHandle CHUNKS = MethodHandles.arrayElementVarHandle(SharedSpan[][].class);

    private final SharedSpan[][] chunks;

    SpanDirectory(long maxPages) {
        this.chunks = new SharedSpan[(int) ((maxPages + CHUNK - 1) >>> CHUNK_SHIFT)][];
    }

    /** {@return the span holding page {@code p}, or null} {@code p} must be below the region's page count. */
    SharedSpan get(long p) {
        SharedSpan[] chunk = (SharedSpan[]) CHUNKS.getAcquire(chunks, (int) (p >>> CHUNK_SHIFT));
        return chunk == null ? null : chunk[(int) p & (CHUNK - 1)];
    }

    /** Enters {@code span} (or null) on pages {@code [from, from + n)}. Under the heap's lock. */
    void set(long from, long n, SharedSpan span) {
        for (long p = from; p < from + n; p++) {
            int c = (int) (p >>> CHUNK_SHIFT);
            SharedSpan[] chunk = chunks[c];
            if (chunk == null) {
                if (span == null) {
                    p = ((long) c + 1 << CHUNK_SHIFT) - 1;   // nothing to clear in a chunk never made
                    continue;
                }
                chunk = new SharedSpan[CHUNK];
                CHUNKS.setRelease(chunks, c, chunk);
            }
            chunk[(int) p & (CHUNK - 1)] = span;
        }
    }
}
