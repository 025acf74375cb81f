package dev.jalloc.heap;

import dev.jalloc.internal.util.Bits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A heap's reservation page by page at one moment, from {@link Heap#picture()}: what each run of 4 KiB pages of its
 * committed prefix holds, the huge mappings beside it, and the statistics record of the same moment. For people:
 * {@link #toText()} draws it for a terminal, {@link #toHtml()} as a page for a browser.
 *
 * <pre>
 *   page 0                                                           prefixPages            reservedPages
 *   [slab c3][guard][pool c40 ......][large ....][free][purged ][slab c0] | never committed ... |
 *    run: firstPage, pages, kind, size class, slots, live and used slots, owner (a shared heap's cache)
 * </pre>
 * The runs cover {@code [0, prefixPages)} in order, without gaps: a slab or pool is one run, a large payload one
 * run, and free pages are split into runs of {@link Kind#FREE} (still charged) and {@link Kind#PURGED} (given back
 * to the OS). A hardened heap's guard pages after slabs and pools ({@link HeapBuilder#guardSlabInterval}) are runs
 * of {@link Kind#GUARD}: inside the prefix, yet neither committed nor free.
 *
 * @param stats         the statistics record of the same moment
 * @param address       the address of page 0
 * @param prefixPages   heap pages of the committed prefix, which the runs cover
 * @param reservedPages heap pages of the whole reservation
 * @param runs          the runs of pages, in address order
 * @param huge          the huge payloads, each a mapping of its own
 */
public record HeapPicture(HeapStats stats, long address, long prefixPages, long reservedPages, List<Run> runs,
        List<HugeMapping> huge) {
    /** The bytes of one heap page: {@value}. */
    public static final long PAGE = 4096;

    /** What a run of pages holds. */
    public enum Kind {
        /** Slots of a small size class, one page. */
        SLAB,
        /** Slots of a medium size class, several pages. */
        POOL,
        /** One large payload. */
        LARGE,
        /** A freed large payload's pages, kept for the next large allocation of the same size. */
        CACHED,
        /** Free pages, still charged by the OS. */
        FREE,
        /** Free pages given back to the OS: they cost nothing and read as zero. */
        PURGED,
        /**
         * A guard page after a slab or pool of a hardened heap: never handed out, inaccessible (any access faults),
         * not committed; reserved address space only.
         */
        GUARD
    }

    /**
     * One run of pages.
     *
     * @param firstPage the index of its first page
     * @param pages     its pages
     * @param kind      what it holds
     * @param sizeClass a slab's or pool's size class, else -1
     * @param slotSize  the bytes of each slot, else 0
     * @param slots     its slots, else 0
     * @param liveSlots slots allocated and not freed
     * @param usedSlots slots out of the span: live, in a cache, or freed by another thread and not yet taken back
     * @param owner     a shared heap's cache that owns it (platform threads' caches from 0, virtual threads'
     *                  stripes from -1 down), else {@link Integer#MIN_VALUE}
     */
    public record Run(long firstPage, long pages, Kind kind, int sizeClass, long slotSize, int slots, int liveSlots,
            int usedSlots, int owner) {
        /** No owner: a confined heap's span, or pages that are not a span's. */
        public static final int NO_OWNER = Integer.MIN_VALUE;

        /**
         * Makes a run.
         *
         * @throws NullPointerException if {@code kind} is null
         */
        public Run {
            Objects.requireNonNull(kind, "kind");
        }

        /** {@return the share of its slots that are live, 0 for what has no slots} */
        public double fill() {
            return slots == 0 ? 0 : (double) liveSlots / slots;
        }
    }

    /**
     * A huge payload's mapping.
     *
     * @param address its address
     * @param bytes   its bytes
     */
    public record HugeMapping(long address, long bytes) {
    }

    /**
     * Makes a picture; the lists are copied.
     *
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the runs do not cover {@code [0, prefixPages)} in order without gaps, or
     *                                  {@code prefixPages} is above {@code reservedPages}
     */
    public HeapPicture {
        Objects.requireNonNull(stats, "stats");
        runs = List.copyOf(runs);
        huge = List.copyOf(huge);
        long next = 0;
        for (Run r : runs) {
            if (r.firstPage() != next || r.pages() <= 0) {
                throw new IllegalArgumentException("runs must cover [0, prefixPages) in order without gaps: " + r
                        + " after page " + next);
            }
            next += r.pages();
        }
        if (next != prefixPages || prefixPages > reservedPages) {
            throw new IllegalArgumentException("runs cover " + next + " pages, prefixPages is " + prefixPages
                    + " of " + reservedPages + " reserved");
        }
    }

    /**
     * {@return the pages of runs of kind {@code kind}}
     *
     * @param kind the kind of runs to count
     */
    public long pages(Kind kind) {
        long n = 0;
        for (Run r : runs) {
            if (r.kind() == kind) {
                n += r.pages();
            }
        }
        return n;
    }

    /** {@return the slab, pool and large runs: the spans that {@link #toHtml()} draws} */
    public long spans() {
        return HeapPictureHtml.spans(runs);
    }

    /**
     * {@return the picture as one self-contained HTML page titled "jalloc heap"} See {@link #toHtml(String)}.
     */
    public String toHtml() {
        return toHtml("jalloc heap");
    }

    /**
     * {@return the picture as one self-contained HTML page titled {@code title}: the prefix drawn on a canvas, a
     * page a cell, 64 or 128 cells a row, a colour per kind, a slab's or pool's live share filled from the left, a
     * toggle to colour slabs and pools by owner (a shared heap's), the numbers of a run on hover, a legend, the huge
     * mappings and the statistics beside} The page needs no network: the picture is embedded as JSON in a script
     * element and drawn by a small inline script, which then sets {@code data-drawn-spans} on the body to the spans
     * it drew (it equals {@link #spans()}), or {@code data-error} to the message of a script error. Text is
     * HTML-escaped.
     *
     * @implNote Up to 40,000 runs are written one by one. Above that, neighbouring runs of the same kind, size class
     *     and owner are merged; if there are still more, the prefix is drawn in groups of a power of two of pages
     *     (a cell each), each of the kind that holds most of its pages. The page stays under a few megabytes.
     *     O(runs) time.
     * @param title the page's title and heading (any text: it is escaped)
     * @throws NullPointerException if {@code title} is null
     */
    public String toHtml(String title) {
        return HeapPictureHtml.page(this, Objects.requireNonNull(title, "title"));
    }

    /**
     * Writes {@link #toHtml(String)} to {@code file} in UTF-8, replacing it if it exists.
     *
     * @param file  the page to write
     * @param title the page's title
     * @throws IOException if the file cannot be written
     */
    public void writeHtml(Path file, String title) throws IOException {
        Files.writeString(file, toHtml(title), StandardCharsets.UTF_8);
    }

    /**
     * Writes {@link #toHtml()} to {@code file} in UTF-8, replacing it if it exists.
     *
     * @param file the page to write
     * @throws IOException if the file cannot be written
     */
    public void writeHtml(Path file) throws IOException {
        writeHtml(file, "jalloc heap");
    }

    /**
     * {@return the picture for a terminal: a legend, then the prefix drawn one character per page (or per group of
     * pages, so that it fits 64 lines of 64), then the huge mappings and the statistics}
     *
     * <pre>
     *   S slab  P pool  L large  c cached large  . free  _ purged  # guard; a slab or pool in capitals when more
     *   than half full, in lower case (s, p) otherwise; a group of pages shows what most of its pages hold
     * </pre>
     */
    public String toText() {
        StringBuilder b = new StringBuilder();
        long perChar = Math.max(1, (prefixPages + 4095) / 4096);
        b.append("heap at ").append(Bits.hex(address)).append(": ").append(prefixPages).append(" pages committed of ")
                .append(reservedPages).append(" reserved, ").append(perChar).append(perChar == 1 ? " page" : " pages")
                .append(" per character\n");
        b.append("  S/s slab  P/p pool (capital: more than half full)  L large  c cached  . free  _ purged  # guard\n");
        char[] line = new char[64];
        int col = 0;
        long page = 0;
        long rowStart = 0;
        int runIndex = 0;
        long[] votes = new long[Kind.values().length * 2];
        while (page < prefixPages) {
            long groupEnd = Math.min(prefixPages, page + perChar);
            java.util.Arrays.fill(votes, 0);
            while (page < groupEnd) {
                while (runs.get(runIndex).firstPage() + runs.get(runIndex).pages() <= page) {
                    runIndex++;
                }
                Run r = runs.get(runIndex);
                long upTo = Math.min(groupEnd, r.firstPage() + r.pages());
                votes[r.kind().ordinal() * 2 + (r.fill() > 0.5 ? 1 : 0)] += upTo - page;
                page = upTo;
            }
            int best = 0;
            for (int v = 1; v < votes.length; v++) {
                if (votes[v] > votes[best]) {
                    best = v;
                }
            }
            line[col++] = symbol(Kind.values()[best / 2], best % 2 == 1);
            if (col == line.length || page == prefixPages) {
                b.append(String.format("  %8d  ", rowStart)).append(line, 0, col).append('\n');
                rowStart = page;
                col = 0;
            }
        }
        for (HugeMapping h : huge) {
            b.append("  huge mapping at ").append(Bits.hex(h.address())).append(", ").append(Bits.bytes(h.bytes()))
                    .append('\n');
        }
        return b.append(stats).toString();
    }

    private static char symbol(Kind kind, boolean full) {
        return switch (kind) {
            case SLAB -> full ? 'S' : 's';
            case POOL -> full ? 'P' : 'p';
            case LARGE -> 'L';
            case CACHED -> 'c';
            case FREE -> '.';
            case PURGED -> '_';
            case GUARD -> '#';
        };
    }
}
