package dev.jalloc.cli.plot;

import java.util.Locale;

/**
 * Writes SVG elements as text: plain SVG 1.1 with presentation attributes (no style sheet, no script, no external
 * reference), every coordinate printed with at most one decimal in {@link Locale#ROOT}, so the same calls always
 * give the same bytes. Every text and attribute value goes through {@link #escape(String)}: this class is the one
 * place that escapes.
 */
final class Svg {
    /** The font of every text: Arial's metrics ({@link TextMetrics}), which Helvetica and Liberation Sans share. */
    static final String FONT = "Helvetica, Arial, 'Liberation Sans', sans-serif";

    private final StringBuilder out = new StringBuilder();

    /** Starts the elements of a document; {@link #finish} gives it its size once the elements are known. */
    Svg() {
    }

    /** A rectangle; {@code stroke} may be null; {@code attributes} (escaped, from {@link #attr}) may be null. */
    Svg rect(double x, double y, double width, double height, String fill, String stroke, String attributes) {
        out.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
                .append(num(Math.max(0, width))).append("\" height=\"").append(num(Math.max(0, height)))
                .append("\" fill=\"").append(fill).append('"');
        if (stroke != null) {
            out.append(" stroke=\"").append(stroke).append('"');
        }
        return close(attributes);
    }

    /** A line of {@code width} pixels; {@code dash} (an SVG dash array) may be null. */
    Svg line(double x1, double y1, double x2, double y2, String stroke, double width, String dash, String attributes) {
        out.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"")
                .append(num(x2)).append("\" y2=\"").append(num(y2)).append("\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"").append(num(width)).append('"');
        if (dash != null) {
            out.append(" stroke-dasharray=\"").append(dash).append('"');
        }
        return close(attributes);
    }

    /** A circle; {@code fill} may be {@code "none"}. */
    Svg circle(double cx, double cy, double r, String fill, String stroke, String attributes) {
        out.append("<circle cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy)).append("\" r=\"")
                .append(num(r)).append("\" fill=\"").append(fill).append("\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"1.5\"");
        return close(attributes);
    }

    /** A closed polygon through {@code xy} (x, y pairs). */
    Svg polygon(String fill, String attributes, double... xy) {
        out.append("<polygon points=\"");
        for (int i = 0; i < xy.length; i += 2) {
            out.append(i == 0 ? "" : " ").append(num(xy[i])).append(',').append(num(xy[i + 1]));
        }
        out.append("\" fill=\"").append(fill).append('"');
        return close(attributes);
    }

    /**
     * Text at ({@code x}, {@code y}) (its baseline), anchored {@code start}, {@code middle} or {@code end},
     * rotated by {@code degrees} around that point when not 0; {@code style} is {@code "bold"}, {@code "italic"}
     * or null.
     */
    Svg text(double x, double y, String text, double size, String fill, String anchor, String style, double degrees,
             String attributes) {
        out.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" font-size=\"")
                .append(num(size)).append("\" fill=\"").append(fill).append('"');
        if (!anchor.equals("start")) {
            out.append(" text-anchor=\"").append(anchor).append('"');
        }
        if ("bold".equals(style)) {
            out.append(" font-weight=\"bold\"");
        } else if ("italic".equals(style)) {
            out.append(" font-style=\"italic\"");
        }
        if (degrees != 0) {
            out.append(" transform=\"rotate(").append(num(degrees)).append(' ').append(num(x)).append(' ')
                    .append(num(y)).append(")\"");
        }
        if (attributes != null) {
            out.append(' ').append(attributes);
        }
        out.append('>').append(escape(text)).append("</text>\n");
        return this;
    }

    /** Opens a group with {@code attributes} (from {@link #attr}); close it with {@link #end()}. */
    Svg group(String attributes) {
        out.append("<g ").append(attributes).append(">\n");
        return this;
    }

    /** Closes the group {@link #group} opened. */
    Svg end() {
        out.append("</g>\n");
        return this;
    }

    /** A comment (its text must not hold "--": it is replaced by "- -"). */
    Svg comment(String text) {
        out.append("<!-- ").append(escape(text).replace("--", "- -")).append(" -->\n");
        return this;
    }

    /**
     * {@return the document: {@code width} by {@code height} pixels, white, {@code title} for screen readers, then
     * the elements drawn so far}
     */
    String finish(double width, double height, String title) {
        StringBuilder document = new StringBuilder(out.length() + 512);
        document.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        document.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"").append(num(width))
                .append("\" height=\"").append(num(height)).append("\" viewBox=\"0 0 ").append(num(width)).append(' ')
                .append(num(height)).append("\" font-family=\"").append(escape(FONT)).append("\">\n");
        document.append("<title>").append(escape(title)).append("</title>\n");
        document.append("<rect x=\"0\" y=\"0\" width=\"").append(num(width)).append("\" height=\"").append(num(height))
                .append("\" fill=\"#ffffff\"/>\n");
        return document.append(out).append("</svg>\n").toString();
    }

    /** {@return {@code name="value"}, the value escaped} */
    static String attr(String name, String value) {
        return name + "=\"" + escape(value) + '"';
    }

    /**
     * {@return {@code text} safe in XML text and in a double-quoted attribute}: {@code & < > "} and {@code '} as
     * entities, and every character XML 1.0 does not allow (C0 controls but tab, line feed and carriage return;
     * lone surrogates; U+FFFE, U+FFFF) as U+FFFD
     */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        escaped.append(c).append(text.charAt(++i));
                    } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || Character.isSurrogate(c)
                            || c == '\uFFFE' || c == '\uFFFF') {
                        escaped.append('\uFFFD');
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    /** {@return {@code value} with at most one decimal, no trailing ".0", never "-0"} */
    static String num(double value) {
        long tenths = Math.round(value * 10);
        if (tenths == 0) {
            return "0";
        }
        String sign = tenths < 0 ? "-" : "";
        long abs = Math.abs(tenths);
        return abs % 10 == 0 ? sign + abs / 10 : sign + abs / 10 + "." + abs % 10;
    }

    private Svg close(String attributes) {
        if (attributes != null) {
            out.append(' ').append(attributes);
        }
        out.append("/>\n");
        return this;
    }
}
