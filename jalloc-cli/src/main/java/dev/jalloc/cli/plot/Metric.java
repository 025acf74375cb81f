package dev.jalloc.cli.plot;

import dev.jalloc.cli.plot.Figure.Better;
import java.util.Locale;

/**
 * What a value measures: its name (a JMH benchmark's score, a replay column, an mtbench column), the words a panel's
 * title gives it, its unit, how it prints and which way is better.
 *
 * @param name the name options select it by ({@code score}, {@code kops_per_s}, {@code peak_rss}...)
 * @param title what it is, in a few words, for a panel's title (may be empty)
 * @param unit its unit, as the axis label names it
 * @param quantity how its values print
 * @param better which way is better
 */
record Metric(String name, String title, String unit, Quantity quantity, Better better) {

    /** {@return JMH's score in {@code unit}}: time per op lower is better, ops per time higher */
    static Metric score(String unit) {
        return new Metric("score", "", unit, Quantity.NUMBER, better(unit));
    }

    /** {@return which way is better for a value in {@code unit}}: per op lower; per second (or ms, us, ns) higher */
    static Better better(String unit) {
        String u = unit.toLowerCase(Locale.ROOT).strip();
        if (u.endsWith("/op")) {
            return Better.LOWER;
        }
        if (u.matches("[a-z]*ops/(s|sec|ms|us|ns|min)") || u.matches("[a-z]+/(s|sec|ms|us|ns|min)")
                && !u.startsWith("mb/") && !u.startsWith("b/")) {
            return Better.HIGHER;
        }
        return Better.NEITHER;
    }
}
