package dev.jalloc.cli.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * How wide a text is drawn, without a font at hand: the advance widths of Helvetica (the same as Arial's and
 * Liberation Sans', which browsers substitute for it), in thousandths of the font size, for printable ASCII; other
 * characters count as a digit. A margin of 5 % covers the fonts that are a little wider. Used to lay labels out so
 * that none overlaps another, and to wrap long ones.
 */
final class TextMetrics {
    /** Widths of the characters 32 (space) to 126 (tilde), Helvetica's AFM. */
    private static final short[] WIDTHS = {
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  // space to /
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  // 0 to ?
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @ to O
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  // P to _
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  // ` to o
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584};      // p to ~
    private static final double BOLD = 1.08;
    private static final double MARGIN = 1.05;

    private TextMetrics() {
    }

    /** {@return the width of {@code text} in pixels at {@code size} pixels, bold or not} */
    static double width(String text, double size, boolean bold) {
        double thousandths = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            thousandths += c >= 32 && c <= 126 ? WIDTHS[c - 32] : 556;
        }
        return thousandths / 1000 * size * MARGIN * (bold ? BOLD : 1);
    }

    /**
     * {@return {@code text} cut into lines no wider than {@code maxWidth}}: after a space, or after one of
     * {@code - . _ / , ; :} or before a {@code [} or {@code (} where a word is too long, and inside a word only where
     * nothing else fits
     */
    static List<String> wrap(String text, double size, boolean bold, double maxWidth) {
        List<String> lines = new ArrayList<>();
        String rest = text.strip();
        while (!rest.isEmpty()) {
            if (width(rest, size, bold) <= maxWidth) {
                lines.add(rest);
                break;
            }
            int cut = -1;
            int fits = 0;
            for (int end = 1; end <= rest.length(); end++) {
                if (width(rest.substring(0, end), size, bold) > maxWidth) {
                    break;
                }
                fits = end;
                if (end < rest.length() && breaksAfter(rest, end)) {
                    cut = end;
                }
            }
            int at = cut > 0 ? cut : Math.max(1, fits);
            lines.add(rest.substring(0, at).strip());
            rest = rest.substring(at).strip();
        }
        return lines;
    }

    /** {@return whether a line may end after the first {@code end} characters of {@code text}} */
    private static boolean breaksAfter(String text, int end) {
        char before = text.charAt(end - 1);
        char after = text.charAt(end);
        return before == ' ' || "-._/,;:".indexOf(before) >= 0 && after != ' ' || after == '[' || after == '(';
    }
}
