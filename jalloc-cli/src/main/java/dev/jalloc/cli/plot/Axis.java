package dev.jalloc.cli.plot;

import dev.jalloc.cli.plot.Figure.Bar;
import dev.jalloc.cli.plot.Figure.Panel;
import dev.jalloc.cli.plot.Figure.Scale;
import java.util.ArrayList;
import java.util.List;

/**
 * A panel's value axis: its domain, its ticks and their labels, and where a value falls on it, as a fraction of the
 * axis' length from its low end.
 * <ul>
 *   <li>Linear: from 0 to a "nice" maximum (1, 2 or 5 times a power of ten; for bytes, of a power of 1024's unit)
 *       at or above every value and every whisker's high end; negative values are not expected (the low end stays 0,
 *       a whisker that would reach below it is cut there and marked). Ratios run to 1 at least.</li>
 *   <li>Log: from 1, 2 or 5 times a power of ten at or below the smallest positive value or whisker low end, to
 *       one at or above the largest (for bytes: powers of 4, whose ticks are 1 KiB, 4 KiB, 16 KiB...). Each power
 *       of ten and both ends are labelled ticks; where the axis spans 100 times or less, 2 and 5 times the powers
 *       are labelled too.</li>
 * </ul>
 */
final class Axis {
    /** One tick: its value, its label (empty for a minor, unlabelled tick). */
    record Tick(double value, String label) {
    }

    private final Scale scale;
    private final double low;
    private final double high;
    private final List<Tick> ticks;

    private Axis(Scale scale, double low, double high, List<Tick> ticks) {
        this.scale = scale;
        this.low = low;
        this.high = high;
        this.ticks = List.copyOf(ticks);
    }

    /** {@return the axis of {@code panel}}: fitting its values and whiskers, about {@code ticks} ticks when linear */
    static Axis of(Panel panel, int ticks) {
        double max = 0;
        double minPositive = Double.POSITIVE_INFINITY;
        for (Bar bar : panel.bars()) {
            if (!bar.isMeasured()) {
                continue;
            }
            double top = bar.value() + (bar.hasError() ? bar.error() : 0);
            max = Math.max(max, top);
            if (bar.value() > 0) {
                minPositive = Math.min(minPositive, bar.value());
            }
            double bottom = bar.value() - (bar.hasError() ? bar.error() : 0);
            if (bottom > 0) {
                minPositive = Math.min(minPositive, bottom);
            }
        }
        if (panel.scale() == Scale.LOG && minPositive < Double.POSITIVE_INFINITY) {
            return log(minPositive, max, panel.quantity());
        }
        return linear(panel.quantity() == Quantity.RATIO ? Math.max(1, max) : max, panel.quantity(), ticks);
    }

    /** {@return a linear axis from 0 to a nice value at or above {@code max}} */
    static Axis linear(double max, Quantity quantity, int ticks) {
        double unit = quantity == Quantity.BYTES ? Quantity.byteUnit(max) : 1;
        double scaled = max / unit;
        if (!(scaled > 0)) {
            scaled = 1;
        }
        double step = niceStep(scaled / ticks);
        double top = Math.ceil(scaled / step - 1e-9) * step;
        List<Tick> list = new ArrayList<>();
        int count = (int) Math.round(top / step);
        for (int i = 0; i <= count; i++) {
            double value = i * step * unit;
            list.add(new Tick(value, quantity.tick(value, step * unit, top * unit)));
        }
        return new Axis(Scale.LINEAR, 0, top * unit, list);
    }

    /**
     * {@return a log axis over [{@code min}, {@code max}]}: for numbers from the largest of 1, 2 or 5 times a power
     * of ten at or below {@code min} to the smallest at or above {@code max}; for bytes, from a power of 4 to a
     * power of 4
     */
    static Axis log(double min, double max, Quantity quantity) {
        max = Math.max(max, min);
        if (quantity == Quantity.BYTES) {
            int from = (int) Math.floor(Math.log(min) / Math.log(4) + 1e-9);
            int to = Math.max(from + 1, (int) Math.ceil(Math.log(max) / Math.log(4) - 1e-9));
            List<Tick> list = new ArrayList<>();
            for (int power = from; power <= to; power++) {
                list.add(new Tick(Math.pow(4, power), Quantity.byteTick(Math.pow(4, power))));
            }
            return new Axis(Scale.LOG, Math.pow(4, from), Math.pow(4, to), list);
        }
        double low = niceBelow(min);
        double high = niceAbove(max);
        if (high <= low) {
            high = niceAbove(low * 1.01);
        }
        boolean fine = high / low <= 100 + 1e-9;
        List<Tick> list = new ArrayList<>();
        for (int power = (int) Math.floor(Math.log10(low) + 1e-9); Math.pow(10, power) <= high * (1 + 1e-9); power++) {
            for (int m = 1; m <= 9; m++) {
                double value = m * Math.pow(10, power);
                if (value < low * (1 - 1e-9) || value > high * (1 + 1e-9)) {
                    continue;
                }
                boolean labelled = m == 1 || fine && (m == 2 || m == 5) || Math.abs(value - low) <= 1e-9 * low
                        || Math.abs(value - high) <= 1e-9 * high;
                list.add(new Tick(value, labelled ? label(value) : ""));
            }
        }
        return new Axis(Scale.LOG, low, high, list);
    }

    /** {@return the largest of 1, 2 or 5 times a power of ten at or below {@code value} (> 0)} */
    static double niceBelow(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value) + 1e-9));
        double fraction = value / power;
        return (fraction >= 5 - 1e-9 ? 5 : fraction >= 2 - 1e-9 ? 2 : 1) * power;
    }

    /** {@return the smallest of 1, 2 or 5 times a power of ten at or above {@code value} (> 0)} */
    static double niceAbove(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value) - 1e-9));
        double fraction = value / power;
        return (fraction <= 1 + 1e-9 ? 1 : fraction <= 2 + 1e-9 ? 2 : fraction <= 5 + 1e-9 ? 5 : 10) * power;
    }

    /** {@return where {@code value} falls, from 0 (the low end) to 1 (the high end), clamped to [0, 1]} */
    double fraction(double value) {
        double f = scale == Scale.LOG
                ? value <= 0 ? 0 : (Math.log(value) - Math.log(low)) / (Math.log(high) - Math.log(low))
                : (value - low) / (high - low);
        return Math.max(0, Math.min(1, f));
    }

    /** {@return whether {@code value} lies below the axis' low end (and so is drawn cut at it)} */
    boolean below(double value) {
        return value < low;
    }

    /** {@return the ticks, low to high} */
    List<Tick> ticks() {
        return ticks;
    }

    /** {@return the low end: 0 when linear} */
    double low() {
        return low;
    }

    /** {@return the high end} */
    double high() {
        return high;
    }

    /** {@return 1, 2 or 5 times a power of ten, at or above {@code raw}} */
    static double niceStep(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / power;
        double nice = fraction <= 1 + 1e-9 ? 1 : fraction <= 2 + 1e-9 ? 2 : fraction <= 5 + 1e-9 ? 5 : 10;
        return nice * power;
    }

    private static String label(double value) {
        double step = Math.pow(10, Math.floor(Math.log10(value) + 1e-9));
        return Quantity.NUMBER.tick(value, step, value);
    }
}
