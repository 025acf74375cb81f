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
 *   <li>Log: from a power of the base (10; 4 for bytes, whose ticks are then 1 KiB, 4 KiB, 16 KiB...) at or below
 *       the smallest positive value or whisker low end, to one at or above the largest. Each power is a labelled
 *       tick; where the axis spans two powers or fewer, 2 and 5 times them are labelled too.</li>
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

    /** {@return a log axis from a power of the base at or below {@code min} to one at or above {@code max}} */
    static Axis log(double min, double max, Quantity quantity) {
        double base = quantity == Quantity.BYTES ? 4 : 10;
        int from = (int) Math.floor(Math.log(min) / Math.log(base) + 1e-9);
        int to = (int) Math.ceil(Math.log(Math.max(max, min)) / Math.log(base) - 1e-9);
        if (to <= from) {
            to = from + 1;
        }
        boolean fine = to - from <= 2 && base == 10;
        List<Tick> list = new ArrayList<>();
        for (int power = from; power <= to; power++) {
            double decade = Math.pow(base, power);
            list.add(new Tick(decade, label(decade, quantity)));
            if (power == to) {
                break;
            }
            for (int m = 2; m < base; m++) {
                double value = m * decade;
                list.add(new Tick(value, fine && (m == 2 || m == 5) ? label(value, quantity) : ""));
            }
        }
        return new Axis(Scale.LOG, Math.pow(base, from), Math.pow(base, to), list);
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

    private static String label(double value, Quantity quantity) {
        return quantity == Quantity.BYTES ? quantity.format(value) : quantity.tick(value, value, value);
    }
}
