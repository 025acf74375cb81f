package dev.jalloc.cli.plot;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The colour of each series, the same in every chart: a contender or allocator that jalloc's benchmarks know has a
 * colour of its own (jalloc's in blues, glibc orange, jemalloc green, mimalloc red, ...), so that a reader who
 * learned one chart reads the next (a series renamed with the known name in it, {@code OFF (jallocHeap)}, keeps
 * its colour); a figure's only series, unknown, is slate grey (so that it is not taken for a contender); any other
 * series takes the first colour of a fixed list that no series of the
 * same figure has yet, in the figure's order. The colours are those of Tableau 10 and their lighter twins, chosen
 * to stay apart for the common forms of colour blindness as far as ten colours can.
 */
final class Palette {
    /** The colours in the order given to unknown series. */
    static final List<String> COLOURS = List.of("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
            "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#a0cbe8", "#ffbe7d", "#8cd17d", "#86bcb6", "#f1ce63");

    /** The colour of a figure's one series when it is none of the known: a slate grey that no contender has. */
    static final String ALONE = "#6b7b8c";

    /** The known series: jalloc's allocators, their peers, and the debug levels (which are jalloc heaps). */
    private static final Map<String, String> KNOWN = Map.ofEntries(
            Map.entry("jallocheap", "#4e79a7"), Map.entry("jalloc", "#4e79a7"),
            Map.entry("jallocshared", "#a0cbe8"), Map.entry("jalloc-shared", "#a0cbe8"),
            Map.entry("jallocsharedvirtual", "#76b7b2"),
            Map.entry("jallocbestfit", "#b07aa1"), Map.entry("bestfit", "#b07aa1"),
            Map.entry("glibccritical", "#f28e2b"), Map.entry("glibc", "#f28e2b"),
            Map.entry("jemalloccritical", "#59a14f"), Map.entry("jemalloc", "#59a14f"),
            Map.entry("mimalloccritical", "#e15759"), Map.entry("mimalloc", "#e15759"),
            Map.entry("rpmalloc", "#9c755f"),
            Map.entry("nettypooled", "#edc948"), Map.entry("nettyadaptive", "#ffbe7d"),
            Map.entry("arenashared", "#bab0ac"),
            Map.entry("speedoflight", "#79706e"), Map.entry("(none)", "#bab0ac"),
            Map.entry("jallocleaks", "#86bcb6"), Map.entry("jallocsampled", "#f1ce63"),
            Map.entry("jallocall", "#ff9da7"), Map.entry("jallocparanoid", "#d37295"));

    private Palette() {
    }

    /** {@return a colour for each of {@code series}, in order: the known ones theirs, the others the first free} */
    static Map<String, String> colours(List<String> series) {
        Map<String, String> chosen = new HashMap<>();
        for (String name : series) {
            String known = known(name);
            if (known != null && !chosen.containsValue(known)) {
                chosen.put(name, known);
            }
        }
        if (series.size() == 1 && chosen.isEmpty()) {
            chosen.put(series.getFirst(), ALONE);
            return chosen;
        }
        int next = 0;
        for (String name : series) {
            if (!chosen.containsKey(name)) {
                while (next < COLOURS.size() && chosen.containsValue(COLOURS.get(next))) {
                    next++;
                }
                chosen.put(name, next < COLOURS.size() ? COLOURS.get(next++) : grey(name));
            }
        }
        return chosen;
    }

    /**
     * {@return the colour of a known series named {@code name}, or of the one it names among its words (a renamed
     * series such as {@code OFF (jallocHeap)} keeps jallocHeap's colour); null if none}
     */
    private static String known(String name) {
        String whole = KNOWN.get(name.toLowerCase(Locale.ROOT));
        if (whole != null) {
            return whole;
        }
        for (String word : name.toLowerCase(Locale.ROOT).split("[^a-z0-9()-]+|[()]")) {
            String colour = KNOWN.get(word);
            if (colour != null && !word.equals("(none)")) {
                return colour;
            }
        }
        return null;
    }

    /** Past fifteen series: greys, told apart by the legend's order only (a figure that needs them has too many). */
    private static String grey(String name) {
        int level = 0x50 + Math.floorMod(name.hashCode(), 0x80);
        return String.format("#%02x%02x%02x", level, level, level);
    }
}
