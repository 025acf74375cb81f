package dev.jalloc.heap;

import dev.jalloc.heap.HeapPicture.HugeMapping;
import dev.jalloc.heap.HeapPicture.Kind;
import dev.jalloc.heap.HeapPicture.Run;
import dev.jalloc.internal.util.Bits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link HeapPicture} as one self-contained HTML page: the template {@code heap-picture.html} (a resource
 * beside this class: style, markup and a small script that draws on a canvas) with the title and the picture's data,
 * as JSON in a {@code <script type="application/json">}, put in. No network: no address outside the page.
 *
 * <pre>
 *   data.runs[i] = [firstPage, pages, kind, sizeClass, slotSize, slots, liveSlots, usedSlots, owner, spans, runs]
 *                   kind: index into data.kinds; owner: null for none; spans: the slab, pool and large runs the
 *                   entry stands for (1 or 0 for one run); runs: the runs it stands for (1 unless aggregated)
 * </pre>
 * Aggregation, so that the page stays small (a few MB at most): up to {@value #MAX_ENTRIES} runs are written one by
 * one. Above that, neighbouring runs of the same kind, size class and owner are merged (their pages, slots and live
 * and used slots summed); if still above, the prefix is cut into groups of a power of two of pages, each written as
 * one entry of the kind that holds most of its pages, with the slots and spans of the runs that start in it. The
 * spans of every entry add up to the picture's slab, pool and large runs in every case: the script sums them as it
 * draws and puts the sum in {@code body data-drawn-spans}.
 */
final class HeapPictureHtml {
    /** The most entries written: above, runs are merged. */
    static final int MAX_ENTRIES = 40_000;

    private static final String TEMPLATE = template();

    private HeapPictureHtml() {
    }

    /** {@return the page of {@code picture} titled {@code title}} */
    static String page(HeapPicture picture, String title) {
        StringBuilder b = new StringBuilder(TEMPLATE.length() + picture.runs().size() * 40);
        for (String part : TEMPLATE.split("(?=\\{\\{)|(?<=}})")) {
            b.append(switch (part) {
                case "{{TITLE}}" -> escapeHtml(title);
                case "{{DATA}}" -> json(picture, title);
                default -> part;
            });
        }
        return b.toString();
    }

    /** {@return the slab, pool and large runs of {@code runs}: the spans the page draws} */
    static long spans(List<Run> runs) {
        long n = 0;
        for (Run r : runs) {
            n += isSpan(r.kind()) ? 1 : 0;
        }
        return n;
    }

    private static boolean isSpan(Kind kind) {
        return kind == Kind.SLAB || kind == Kind.POOL || kind == Kind.LARGE;
    }

    /** One entry of {@code data.runs}: a run, or runs merged. */
    private record Entry(long firstPage, long pages, Kind kind, int sizeClass, long slotSize, long slots, long live,
            long used, int owner, long spans, long runs) {
        static Entry of(Run r) {
            return new Entry(r.firstPage(), r.pages(), r.kind(), r.sizeClass(), r.slotSize(), r.slots(),
                    r.liveSlots(), r.usedSlots(), r.owner(), isSpan(r.kind()) ? 1 : 0, 1);
        }

        boolean mergesWith(Entry next) {
            return kind == next.kind && sizeClass == next.sizeClass && owner == next.owner;
        }

        Entry plus(Entry next) {
            return new Entry(firstPage, pages + next.pages, kind, sizeClass, slotSize, slots + next.slots,
                    live + next.live, used + next.used, owner, spans + next.spans, runs + next.runs);
        }
    }

    /** {@return the entries to write, and how they were aggregated} */
    private static List<Entry> entries(HeapPicture picture, StringBuilder aggregation, long[] pagesPerCell) {
        List<Entry> entries = new ArrayList<>(Math.min(picture.runs().size(), MAX_ENTRIES));
        pagesPerCell[0] = 1;
        if (picture.runs().size() <= MAX_ENTRIES) {
            picture.runs().forEach(r -> entries.add(Entry.of(r)));
            return entries;
        }
        for (Run r : picture.runs()) {
            Entry e = Entry.of(r);
            if (!entries.isEmpty() && entries.getLast().mergesWith(e)) {
                entries.set(entries.size() - 1, entries.getLast().plus(e));
            } else {
                entries.add(e);
            }
        }
        if (entries.size() <= MAX_ENTRIES) {
            aggregation.append(picture.runs().size()).append(" runs; neighbours of one kind, class and owner merged");
            return entries;
        }
        long group = 1;
        while ((picture.prefixPages() + group - 1) / group > MAX_ENTRIES) {
            group <<= 1;
        }
        pagesPerCell[0] = group;
        aggregation.append(picture.runs().size()).append(" runs; groups of ").append(group)
                .append(" pages, each of the kind of most of its pages");
        return groups(picture, group);
    }

    /** {@return the prefix in groups of {@code group} pages} */
    private static List<Entry> groups(HeapPicture picture, long group) {
        List<Entry> entries = new ArrayList<>();
        List<Run> runs = picture.runs();
        int i = 0;
        long[] pagesOf = new long[Kind.values().length];
        for (long from = 0; from < picture.prefixPages(); from += group) {
            long to = Math.min(picture.prefixPages(), from + group);
            java.util.Arrays.fill(pagesOf, 0);
            long slots = 0;
            long live = 0;
            long used = 0;
            long spans = 0;
            long count = 0;
            while (i > 0 && runs.get(i).firstPage() > from) {
                i--;
            }
            for (int j = i; j < runs.size() && runs.get(j).firstPage() < to; j++) {
                Run r = runs.get(j);
                long overlap = Math.min(to, r.firstPage() + r.pages()) - Math.max(from, r.firstPage());
                if (overlap <= 0) {
                    i = j + 1;
                    continue;
                }
                pagesOf[r.kind().ordinal()] += overlap;
                if (r.firstPage() >= from) {
                    slots += r.slots();
                    live += r.liveSlots();
                    used += r.usedSlots();
                    spans += isSpan(r.kind()) ? 1 : 0;
                    count++;
                }
            }
            int most = 0;
            for (int k = 1; k < pagesOf.length; k++) {
                most = pagesOf[k] > pagesOf[most] ? k : most;
            }
            entries.add(new Entry(from, to - from, Kind.values()[most], -1, 0, slots, live, used, Run.NO_OWNER, spans,
                    count));
        }
        return entries;
    }

    /** {@return the picture as the page's JSON; safe inside a script element} */
    private static String json(HeapPicture picture, String title) {
        StringBuilder aggregation = new StringBuilder();
        long[] pagesPerCell = new long[1];
        List<Entry> entries = entries(picture, aggregation, pagesPerCell);
        StringBuilder b = new StringBuilder(64 + entries.size() * 40);
        b.append("{\"title\":").append(string(title));
        b.append(",\"shared\":").append(picture.stats().shared());
        b.append(",\"address\":").append(picture.address());
        b.append(",\"pageBytes\":").append(HeapPicture.PAGE);
        b.append(",\"prefixPages\":").append(picture.prefixPages());
        b.append(",\"reservedPages\":").append(picture.reservedPages());
        b.append(",\"pagesPerCell\":").append(pagesPerCell[0]);
        b.append(",\"aggregation\":").append(string(aggregation.toString()));
        b.append(",\"spans\":").append(spans(picture.runs()));
        b.append(",\"kinds\":[");
        for (Kind k : Kind.values()) {
            b.append(k.ordinal() == 0 ? "" : ",").append(string(k.name()));
        }
        b.append("],\"runs\":[");
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            b.append(i == 0 ? "[" : ",\n[").append(e.firstPage).append(',').append(e.pages).append(',')
                    .append(e.kind.ordinal()).append(',').append(e.sizeClass).append(',').append(e.slotSize)
                    .append(',').append(e.slots).append(',').append(e.live).append(',').append(e.used).append(',')
                    .append(e.owner == Run.NO_OWNER ? "null" : Integer.toString(e.owner)).append(',').append(e.spans)
                    .append(',').append(e.runs).append(']');
        }
        b.append("],\"huge\":[");
        for (int i = 0; i < picture.huge().size(); i++) {
            HugeMapping h = picture.huge().get(i);
            b.append(i == 0 ? "[" : ",[").append(h.address()).append(',').append(h.bytes()).append(']');
        }
        b.append("],\"stats\":{");
        HeapStats stats = picture.stats();
        boolean first = true;
        for (RecordComponent c : HeapStats.class.getRecordComponents()) {
            if (c.getType() != List.class) {
                b.append(first ? "" : ",").append(string(c.getName())).append(':')
                        .append(string(String.valueOf(value(c, stats))));
                first = false;
            }
        }
        b.append(",\"fragmentation\":").append(string(String.format("%.1f %%", 100 * stats.fragmentation())));
        b.append(",\"committed\":").append(string(Bits.bytes(stats.committedBytes())));
        b.append(",\"live\":").append(string(Bits.bytes(stats.liveBytes())));
        b.append("},\"classColumns\":[");
        RecordComponent[] columns = SizeClassStats.class.getRecordComponents();
        for (int i = 0; i < columns.length; i++) {
            b.append(i == 0 ? "" : ",").append(string(columns[i].getName()));
        }
        b.append("],\"classes\":[");
        first = true;
        for (SizeClassStats c : stats.classes()) {
            if (c.liveBlocks() != 0 || c.cachedSlots() != 0 || c.spans() != 0) {
                b.append(first ? "[" : ",[");
                for (int i = 0; i < columns.length; i++) {
                    b.append(i == 0 ? "" : ",").append(value(columns[i], c));
                }
                b.append(']');
                first = false;
            }
        }
        return b.append("]}").toString();
    }

    private static Object value(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c, e);
        }
    }

    /** {@return {@code s} as a JSON string that cannot end a script element: {@code <}, {@code >}, {@code &} as \\u} */
    static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** {@return {@code s} as HTML text: {@code & < > " '} as entities} */
    static String escapeHtml(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String template() {
        try (InputStream in = HeapPictureHtml.class.getResourceAsStream("heap-picture.html")) {
            if (in == null) {
                throw new IllegalStateException("heap-picture.html missing beside " + HeapPictureHtml.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
