package dev.jalloc.fuzz;

import dev.jalloc.vector.DoubleVec;
import dev.jalloc.vector.IntVec;
import dev.jalloc.vector.LongVec;
import dev.jalloc.vector.Vec;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The primitive kinds' verbs taking model values ({@code long}: an int, a long, or a double's raw bits), so that
 * one driver covers {@link IntVec}, {@link LongVec} and {@link DoubleVec}.
 */
final class VecCalls {
    private VecCalls() {
    }

    static double d(long bits) {
        return Double.longBitsToDouble(bits);
    }

    static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    static void add(Vec v, long x) {
        switch (v) {
            case IntVec i -> i.add((int) x);
            case LongVec l -> l.add(x);
            case DoubleVec dv -> dv.add(d(x));
            default -> throw new IllegalArgumentException(v.toString());
        }
    }

    static void addAll(Vec v, long[] xs, int offset, int length, boolean whole) {
        switch (v) {
            case IntVec i -> {
                int[] a = new int[xs.length];
                for (int k = 0; k < xs.length; k++) {
                    a[k] = (int) xs[k];
                }
                if (whole) {
                    i.addAll(a);
                } else {
                    i.addAll(a, offset, length);
                }
            }
            case LongVec l -> {
                if (whole) {
                    l.addAll(xs);
                } else {
                    l.addAll(xs, offset, length);
                }
            }
            case DoubleVec dv -> {
                double[] a = new double[xs.length];
                for (int k = 0; k < xs.length; k++) {
                    a[k] = d(xs[k]);
                }
                if (whole) {
                    dv.addAll(a);
                } else {
                    dv.addAll(a, offset, length);
                }
            }
            default -> throw new IllegalArgumentException(v.toString());
        }
    }

    static void addAll(Vec v, MemorySegment source) {
        switch (v) {
            case IntVec i -> i.addAll(source);
            case LongVec l -> l.addAll(source);
            case DoubleVec dv -> dv.addAll(source);
            default -> throw new IllegalArgumentException(v.toString());
        }
    }

    static void addAllVec(Vec v, Vec other) {
        switch (v) {
            case IntVec i -> i.addAll((IntVec) other);
            case LongVec l -> l.addAll((LongVec) other);
            case DoubleVec dv -> dv.addAll((DoubleVec) other);
            default -> throw new IllegalArgumentException(v.toString());
        }
    }

    static long set(Vec v, long index, long x) {
        return switch (v) {
            case IntVec i -> i.set(index, (int) x);
            case LongVec l -> l.set(index, x);
            case DoubleVec dv -> bits(dv.set(index, d(x)));
            default -> throw new IllegalArgumentException(v.toString());
        };
    }

    static void insert(Vec v, long index, long x) {
        switch (v) {
            case IntVec i -> i.insert(index, (int) x);
            case LongVec l -> l.insert(index, x);
            case DoubleVec dv -> dv.insert(index, d(x));
            default -> throw new IllegalArgumentException(v.toString());
        }
    }

    static long remove(Vec v, long index) {
        return switch (v) {
            case IntVec i -> i.remove(index);
            case LongVec l -> l.remove(index);
            case DoubleVec dv -> bits(dv.remove(index));
            default -> throw new IllegalArgumentException(v.toString());
        };
    }

    static long removeLast(Vec v) {
        return switch (v) {
            case IntVec i -> i.removeLast();
            case LongVec l -> l.removeLast();
            case DoubleVec dv -> bits(dv.removeLast());
            default -> throw new IllegalArgumentException(v.toString());
        };
    }

    static void fill(Vec v, long from, long to, long x, boolean whole) {
        switch (v) {
            case IntVec i -> {
                if (whole) {
                    i.fill((int) x);
                } else {
                    i.fill(from, to, (int) x);
                }
            }
            case LongVec l -> {
                if (whole) {
                    l.fill(x);
                } else {
                    l.fill(from, to, x);
                }
            }
            case DoubleVec dv -> {
                if (whole) {
                    dv.fill(d(x));
                } else {
                    dv.fill(from, to, d(x));
                }
            }
            default -> throw new IllegalArgumentException(v.toString());
        }
    }

    static void sort(Vec v) {
        switch (v) {
            case IntVec i -> i.sort();
            case LongVec l -> l.sort();
            case DoubleVec dv -> dv.sort();
            default -> throw new IllegalArgumentException(v.toString());
        }
    }

    static long binarySearch(Vec v, long key) {
        return switch (v) {
            case IntVec i -> i.binarySearch((int) key);
            case LongVec l -> l.binarySearch(key);
            case DoubleVec dv -> dv.binarySearch(d(key));
            default -> throw new IllegalArgumentException(v.toString());
        };
    }

    /** {@return the elements as model values, through toArray, stream or iterator} */
    static long[] read(Vec v, int how) {
        switch (v) {
            case IntVec i -> {
                int[] a = how == 0 ? i.toArray() : how == 1 ? i.stream().toArray() : drain(i.iterator());
                return Arrays.stream(a).asLongStream().toArray();
            }
            case LongVec l -> {
                return how == 0 ? l.toArray() : how == 1 ? l.stream().toArray()
                        : java.util.stream.StreamSupport.longStream(java.util.Spliterators.spliteratorUnknownSize(
                                l.iterator(), 0), false).toArray();
            }
            case DoubleVec dv -> {
                double[] a = how == 0 ? dv.toArray() : how == 1 ? dv.stream().toArray()
                        : java.util.stream.StreamSupport.doubleStream(java.util.Spliterators.spliteratorUnknownSize(
                                dv.iterator(), 0), false).toArray();
                return Arrays.stream(a).mapToLong(Double::doubleToRawLongBits).toArray();
            }
            default -> throw new IllegalArgumentException(v.toString());
        }
    }

    private static int[] drain(java.util.PrimitiveIterator.OfInt it) {
        int[] a = new int[16];
        int n = 0;
        while (it.hasNext()) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * n);
            }
            a[n++] = it.nextInt();
        }
        return Arrays.copyOf(a, n);
    }

    /** Sorts model values as the kind's {@code Arrays.sort} does. */
    static void sortModel(int kind, long[] xs, int n) {
        switch (kind) {
            case VecModel.INTS -> {
                int[] a = new int[n];
                for (int k = 0; k < n; k++) {
                    a[k] = (int) xs[k];
                }
                Arrays.sort(a);
                for (int k = 0; k < n; k++) {
                    xs[k] = a[k];
                }
            }
            case VecModel.LONGS -> Arrays.sort(xs, 0, n);
            default -> {
                double[] a = new double[n];
                for (int k = 0; k < n; k++) {
                    a[k] = d(xs[k]);
                }
                Arrays.sort(a);
                for (int k = 0; k < n; k++) {
                    xs[k] = bits(a[k]);
                }
            }
        }
    }
}
