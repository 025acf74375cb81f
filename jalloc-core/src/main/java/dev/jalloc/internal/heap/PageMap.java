package dev.jalloc.internal.heap;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.SystemCallException;
import dev.jalloc.internal.arena.Region;
import dev.jalloc.internal.os.Os;
import dev.jalloc.internal.util.Bits;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Page spans of a heap, allocated best fit: a {@link BestFit} over a <em>shadow</em> region with one 32-byte block
 * unit per 4 KiB heap page, so a span of n pages is a shadow block of 32n bytes. The heap's pages carry no
 * headers (large objects are exactly page-aligned and page-sized), the shadow's boundary tags and free tree do
 * the bookkeeping out of band, and a free span merges with its free neighbours in O(1).
 *
 * <pre>
 *   shadow (out of band)                       heap pages
 *   [prologue 48][p0 32][p1 32][p2 32] ...     [page 0][page 1][page 2] ...
 *   shadow payload of page p: S + 48 + 32 p    heap address of page p: base + 4096 p
 *
 *   S (the shadow region's address) = a 2 MiB boundary - 48, so that page p's shadow payload is aligned to
 *   32 * 2^k exactly when p is a multiple of 2^k: BestFit's aligned allocation then hands out page spans aligned
 *   to up to 2^16 pages (256 MiB).
 * </pre>
 * The shadow costs 32 bytes per 4 KiB page of address space in use (0.8%), committed as the page range grows.
 */
final class PageMap {
    static final int PAGE_SHIFT = 12;
    static final long PAGE = 1L << PAGE_SHIFT;
    private static final long UNIT = 32;
    private static final long SHADOW_ALIGN = 2L << 20;
    /** Heap-page alignments up to this many pages are supported by the shadow's alignment. */
    static final long MAX_ALIGNED_PAGES = SHADOW_ALIGN / UNIT;

    private final ShadowRegion shadow;
    private final BestFit spans;

    /**
     * @param maxPages the most pages the heap may span
     * @throws OutOfNativeMemoryError if the OS refuses the shadow reservation
     */
    PageMap(Os os, long maxPages) {
        // Exactly maxPages units fit: BestFit's blocks end at FIRST_BLOCK + 8 + maxPages * UNIT at the most.
        this.shadow = new ShadowRegion(os, BestFit.FIRST_BLOCK + 8 + maxPages * UNIT);
        try {
            this.spans = new BestFit(shadow, 16 * os.pageSize(), UNIT);
        } catch (RuntimeException | Error e) {
            shadow.release(0);
            throw e;
        }
    }

    /**
     * {@return the first page of a free span of {@code pages} pages whose first page is a multiple of
     * {@code alignPages} (a power of two up to {@link #MAX_ALIGNED_PAGES}), or -1 if the page range is full}
     */
    long allocate(long pages, long alignPages) {
        long payload = spans.allocate(pages * UNIT - 8, alignPages <= 1 ? 16 : alignPages * UNIT);
        return payload < 0 ? -1 : (payload - BestFit.FIRST_BLOCK - 8) / UNIT;
    }

    /**
     * Resizes the span starting at {@code page} to {@code pages} pages: in place if it shrinks or its free
     * successor allows, else to a new span (and the old one is freed: its pages still hold their bytes for the
     * caller to copy). {@return the span's first page, or -1 if there is no room (the span is unchanged)}
     */
    long reallocate(long page, long pages) {
        long payload = spans.reallocate(payload(page), pages * UNIT - 8);
        return payload < 0 ? -1 : (payload - BestFit.FIRST_BLOCK - 8) / UNIT;
    }

    /** Frees the span starting at {@code page}; {@link IllegalArgumentException} if no span starts there. */
    void free(long page) {
        spans.free(payload(page));
    }

    /** {@return the pages of the allocated span starting at {@code page}} */
    long pages(long page) {
        return (spans.usableSize(payload(page)) + 8) / UNIT;
    }

    /** {@return the pages the shadow's blocks cover: the page range in use or free so far} */
    long pageRange() {
        return (spans.footprint() - BestFit.FIRST_BLOCK - 8) / UNIT;
    }

    /** {@return the shadow's committed bytes: the page map's own footprint} */
    long footprint() {
        return shadow.footprint();
    }

    long freePages() {
        return spans.freeBytes() / UNIT;
    }

    long freeSpans() {
        return spans.freeBlocks();
    }

    /** Calls {@code action(firstPage, pages)} for every free span. */
    void forEachFree(java.util.function.BiConsumer<Long, Long> action) {
        spans.forEachFree((block, size) -> action.accept((block - BestFit.FIRST_BLOCK) / UNIT, size / UNIT));
    }

    void check() {
        spans.check();
    }

    void release() {
        shadow.release(0);
    }

    /** {@return {address, byteSize} of the shadow's reservation: for leak tests} */
    long[] osRange() {
        return new long[] {shadow.reservation, shadow.reservedSize};
    }

    private static long payload(long page) {
        return BestFit.FIRST_BLOCK + 8 + page * UNIT;
    }

    /** The shadow: a reservation of its own, seen from 48 bytes before a 2 MiB boundary. */
    private static final class ShadowRegion implements Region {
        private final Os os;
        private final long reservation;
        private final long reservedSize;
        private final long start;
        private final long size;
        private final Arena scope = Arena.ofShared();
        private final MemorySegment segment;
        /** The end of the committed range, from {@link #reservation}: a page multiple. */
        private long committed;

        ShadowRegion(Os os, long byteSize) {
            this.os = os;
            long page = os.pageSize();
            this.reservedSize = Bits.alignUp(byteSize + SHADOW_ALIGN, SHADOW_ALIGN);
            try {
                this.reservation = os.reserve(reservedSize, SHADOW_ALIGN);
            } catch (SystemCallException e) {
                throw new OutOfNativeMemoryError("heap: cannot reserve a page map of " + reservedSize + " bytes", e);
            }
            this.start = reservation + SHADOW_ALIGN - (BestFit.FIRST_BLOCK + 8);
            this.size = byteSize;
            this.segment = MemorySegment.ofAddress(start).reinterpret(size, scope, null);
            this.committed = Bits.alignDown(start - reservation, page);   // nothing below start is ever committed
        }

        @Override
        public long address() {
            return start;
        }

        @Override
        public long pageSize() {
            return os.pageSize();
        }

        @Override
        public long reservedBytes() {
            return size;
        }

        @Override
        public long committedBytes() {
            return Math.max(0, reservation + committed - start);
        }

        /** {@return the bytes committed from the OS, the page holding the start included} */
        long footprint() {
            return committed - Bits.alignDown(start - reservation, os.pageSize());
        }

        @Override
        public void commitTo(long end) {
            long target = Bits.alignUp(start - reservation + end, os.pageSize());
            if (target <= committed) {
                return;
            }
            try {
                os.commit(reservation + committed, target - committed);
            } catch (SystemCallException e) {
                if (!e.isOutOfMemory()) {
                    throw e;
                }
                throw new OutOfNativeMemoryError("heap: cannot commit " + (target - committed)
                        + " bytes of page map", e);
            }
            committed = target;
        }

        @Override
        public void purgeAbove(long keep) {
            // The page map never shrinks while the heap is open.
        }

        @Override
        public void release(long liveBytes) {
            scope.close();
            os.release(reservation, reservedSize);
        }

        @Override
        public void onTakenAway(Runnable action) {
            // Nobody else can take it.
        }

        @Override
        public MemorySegment segment() {
            return segment;
        }
    }
}
