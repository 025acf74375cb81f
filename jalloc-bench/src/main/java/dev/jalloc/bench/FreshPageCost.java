package dev.jalloc.bench;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.jalloc.vector.IntVec;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * What fresh anonymous memory costs on this machine, per 4 KiB page: the cost the vectors pay on every growth and
 * a pre-touched Java heap never pays. Linux x86-64 only. Not a JMH benchmark: each way is timed with
 * {@code System.nanoTime()} around a whole region, several rounds, and every round is printed.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp jalloc-bench/target/benchmarks.jar dev.jalloc.bench.FreshPageCost [MiB] [rounds]
 * </pre>
 *
 * The ways, each over a new 2 MiB-aligned mapping of {@code MiB} bytes, which is unmapped at the end (timed too):
 * <pre>
 *   fault            write one int per 4 KiB page: a page fault each
 *   populate         madvise(MADV_POPULATE_WRITE) per 2 MiB step (what IntVec does per commit), then the writes
 *   thp-fault        madvise(MADV_HUGEPAGE) per step, then the writes: a fault per 2 MiB huge page
 *   thp-populate     MADV_HUGEPAGE, then MADV_POPULATE_WRITE per step, then the writes
 *   rewrite          the writes again over a region written before: a pre-touched heap's case
 *   vec              IntVec.create(), ensureCapacity(MiB), the writes, close(): the vector's own path
 * </pre>
 */
public final class FreshPageCost {
    private static final long PAGE = 4096;
    private static final long STEP = 2 << 20;
    private static final int PROT_READ_WRITE = 0x3;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x22;
    private static final int MADV_HUGEPAGE = 14;
    private static final int MADV_POPULATE_WRITE = 23;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MethodHandle MMAP = LINKER.downcallHandle(LIBC.findOrThrow("mmap"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(LIBC.findOrThrow("munmap"),
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle MADVISE = LINKER.downcallHandle(LIBC.findOrThrow("madvise"),
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));

    private FreshPageCost() {
    }

    public static void main(String[] args) throws Throwable {
        long bytes = (args.length > 0 ? Long.parseLong(args[0]) : 400) << 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        System.out.printf(Locale.ROOT, "# %d MiB = %d pages of 4 KiB per way and round%n", bytes >> 20, bytes / PAGE);
        for (int round = 1; round <= rounds; round++) {
            for (String way : new String[] {"fault", "populate", "thp-fault", "thp-populate", "rewrite", "vec"}) {
                long[] times = way.equals("vec") ? vec(bytes) : raw(way, bytes);
                System.out.printf(Locale.ROOT, "round %d %-13s advise %8.1f ms  writes %8.1f ms  unmap %7.1f ms"
                                + "  total %8.1f ms = %6.2f us per 4 KiB page%n", round, way, times[0] / 1e6,
                        times[1] / 1e6, times[2] / 1e6, (times[0] + times[1] + times[2]) / 1e6,
                        (times[0] + times[1] + times[2]) / 1e3 / (bytes / PAGE));
            }
        }
    }

    /** {@return the nanoseconds of advice, writes and unmapping} for one of the raw ways over a new mapping. */
    @SuppressWarnings("restricted") // run with native access enabled
    private static long[] raw(String way, long bytes) throws Throwable {
        long mapped = bytes + STEP;
        long base = (long) MMAP.invokeExact(0L, mapped, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
        if (base == -1) {
            throw new OutOfMemoryError("mmap(" + mapped + ") failed");
        }
        long address = (base + STEP - 1) & -STEP;
        MemorySegment region = MemorySegment.ofAddress(address).reinterpret(bytes);
        if (way.equals("rewrite")) {
            writePages(region);
        }
        long t0 = System.nanoTime();
        for (long offset = 0; offset < bytes; offset += STEP) {
            if (way.startsWith("thp")) {
                check((int) MADVISE.invokeExact(address + offset, STEP, MADV_HUGEPAGE), "MADV_HUGEPAGE");
            }
            if (way.endsWith("populate")) {
                check((int) MADVISE.invokeExact(address + offset, STEP, MADV_POPULATE_WRITE), "MADV_POPULATE_WRITE");
            }
        }
        long t1 = System.nanoTime();
        writePages(region);
        long t2 = System.nanoTime();
        check((int) MUNMAP.invokeExact(base, mapped), "munmap");
        long t3 = System.nanoTime();
        return new long[] {t1 - t0, t2 - t1, t3 - t2};
    }

    /** {@return the nanoseconds of commit (ensureCapacity, populated), writes and close} for an IntVec. */
    @SuppressWarnings("restricted") // run with native access enabled
    private static long[] vec(long bytes) {
        long t0 = System.nanoTime();
        IntVec v = IntVec.create();
        v.ensureCapacity(bytes / Integer.BYTES);
        long t1 = System.nanoTime();
        // The committed pages, one int per page, as the raw ways write them (not through add, which writes all).
        writePages(MemorySegment.ofAddress(v.address()).reinterpret(bytes));
        long t2 = System.nanoTime();
        v.close();
        long t3 = System.nanoTime();
        return new long[] {t1 - t0, t2 - t1, t3 - t2};
    }

    private static void writePages(MemorySegment region) {
        for (long offset = 0; offset < region.byteSize(); offset += PAGE) {
            region.set(JAVA_INT, offset, 1);
        }
    }

    private static void check(int rc, String call) {
        if (rc != 0) {
            throw new IllegalStateException(call + " returned " + rc);
        }
    }
}
