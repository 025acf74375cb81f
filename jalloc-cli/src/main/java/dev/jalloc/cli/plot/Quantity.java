package dev.jalloc.cli.plot;

import java.util.Locale;

/**
 * What a panel's values are, which says how they print: plain numbers (times, rates, counts: digits grouped by
 * thousands, {@code M} and {@code G} for millions and billions), bytes (binary prefixes: KiB, MiB, GiB) or ratios
 * (three decimals). Values print with about three significant digits, and an error with as many decimals as its
 * value (or enough for two digits of its own), as the benchmark tables print them ({@code 3.17 ± 0.13},
 * {@code 5,874 ± 291}, {@code 1.164 ± 0.013}).
 */
public enum Quantity {
    /** A time, a rate or a count: digits grouped, {@code M} and {@code G} for millions and billions. */
    NUMBER,
    /** A byte count: binary prefixes (KiB, MiB, GiB); log axes in powers of 4. */
    BYTES,
    /** A ratio such as a utilization: three decimals; its linear axis runs to 1 at least. */
    RATIO;

    /** {@return {@code value} as a label} */
    String format(double value) {
        return switch (this) {
            case RATIO -> String.format(Locale.ROOT, "%.3f", value);
            case BYTES -> bytes(value);
            case NUMBER -> number(value, decimals(value));
        };
    }

    /**
     * {@return {@code value ± error} as a label among values up to {@code max}}: both with the value's decimals,
     * or more (two more at most) where the error needs them for two significant digits ({@code 1.164 ± 0.013});
     * no error if it is NaN; numbers in millions (or billions) all alike where {@code max} is that big, but
     * for those under a thousandth of that unit
     */
    String format(double value, double error, double max) {
        boolean withError = !Double.isNaN(error);
        return switch (this) {
            case RATIO -> format(value) + (withError ? " ± " + format(error) : "");
            case BYTES -> bytes(value) + (withError ? " ± " + bytes(error) : "");
            case NUMBER -> {
                if (value == 0 && !withError) {
                    yield "0";
                }
                double divisor = Math.abs(max) >= 1e9 ? 1e9 : Math.abs(max) >= 1e6 ? 1e6 : 1;
                if (Math.abs(value) < divisor / 1000) {
                    divisor = 1;    // a thousandth of the unit or less prints plainly: 10.7, not 0.0000107 M
                }
                String suffix = divisor == 1e9 ? " G" : divisor == 1e6 ? " M" : "";
                int decimals = divisor == 1 ? decimals(value) : Math.max(2, decimals(value / divisor));
                if (withError && error > 0) {
                    // enough decimals for two significant digits of the error, two more than the value's at most
                    int forError = (int) Math.max(0, 1 - Math.floor(Math.log10(error / divisor)));
                    decimals = Math.min(decimals + 2, Math.max(decimals, forError));
                }
                yield grouped(value / divisor, decimals) + (withError ? " ± " + grouped(error / divisor, decimals)
                        : "") + suffix;
            }
        };
    }

    /** {@return a tick's label, {@code step} being the distance between ticks (it fixes the decimals)} */
    String tick(double value, double step, double max) {
        return switch (this) {
            case RATIO -> String.format(Locale.ROOT, "%." + Math.max(1, stepDecimals(step)) + "f", value);
            case BYTES -> {
                double unit = byteUnit(max);
                yield grouped(value / unit, stepDecimals(step / unit)) + " " + byteUnitName(unit);
            }
            case NUMBER -> {
                if (max >= 1e6) {
                    double divisor = max >= 1e9 ? 1e9 : 1e6;
                    yield grouped(value / divisor, stepDecimals(step / divisor)) + (value == 0 ? ""
                            : divisor == 1e9 ? " G" : " M");
                }
                yield grouped(value, stepDecimals(step));
            }
        };
    }

    /** {@return a power of 4 bytes as a log axis' tick names it: {@code 4 KiB}, {@code 256 KiB}, {@code 1 MiB}} */
    static String byteTick(double value) {
        double unit = byteUnit(value);
        return grouped(value / unit, 0) + " " + byteUnitName(unit);
    }

    /** {@return the largest power of 1024 not above {@code max} (at least 1)} */
    static double byteUnit(double max) {
        double unit = 1;
        while (unit * 1024 <= max && unit < 0x1p40) {
            unit *= 1024;
        }
        return unit;
    }

    /** {@return the name of a power of 1024 from {@link #byteUnit}} */
    static String byteUnitName(double unit) {
        return unit >= 0x1p40 ? "TiB" : unit >= 0x1p30 ? "GiB" : unit >= 0x1p20 ? "MiB" : unit >= 0x1p10 ? "KiB" : "B";
    }

    private static String bytes(double value) {
        double unit = byteUnit(Math.abs(value));
        if (unit == 1) {
            return grouped(value, 0) + " B";
        }
        return grouped(value / unit, 1) + " " + byteUnitName(unit);
    }

    private static String number(double value, int decimals) {
        double big = Math.abs(value);
        if (big >= 1e9) {
            return grouped(value / 1e9, decimals(value / 1e9)) + " G";
        }
        if (big >= 1e6) {
            return grouped(value / 1e6, decimals(value / 1e6)) + " M";
        }
        return grouped(value, decimals);
    }

    /** About three significant digits: 5,874; 723.0; 11.54; 3.17; 0.650; 0.0123. */
    private static int decimals(double value) {
        double big = Math.abs(value);
        if (big >= 1000) {
            return 0;
        }
        if (big >= 100) {
            return 1;
        }
        if (big >= 1 || big == 0) {
            return 2;
        }
        return Math.min(9, 2 - (int) Math.floor(Math.log10(big)));
    }

    /** {@return the decimals that tell ticks {@code step} apart} */
    private static int stepDecimals(double step) {
        if (step >= 1) {
            return Math.abs(step - Math.rint(step)) < 1e-9 ? 0 : 1;
        }
        int decimals = (int) Math.ceil(-Math.log10(step) - 1e-9);
        double scaled = step * Math.pow(10, decimals);
        return Math.abs(scaled - Math.rint(scaled)) < 1e-6 ? decimals : decimals + 1;
    }

    private static String grouped(double value, int decimals) {
        String text = String.format(Locale.ROOT, "%,." + decimals + "f", value);
        return text.matches("-0(\\.0*)?") ? text.substring(1) : text;
    }
}
