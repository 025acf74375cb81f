package dev.jalloc.bench;

import dev.jalloc.bench.VecPeers.DoublingIntArray;
import dev.jalloc.bench.VecPeers.DoublingIntSegment;
import dev.jalloc.bench.VecPeers.DoublingLongArray;
import dev.jalloc.bench.VecPeers.DoublingLongSegment;
import dev.jalloc.vector.IntVec;
import dev.jalloc.vector.LongVec;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Vectors (issue 3): the peak memory of growing each container to {@code n} elements, one forked JVM per
 * container, element kind and {@code n}. Not a JMH benchmark: nothing is timed.
 *
 * <pre>
 *   java -cp jalloc-bench/target/benchmarks.jar dev.jalloc.bench.VecPeakMemory [n ...]   (default: 1000000 100000000)
 * </pre>
 *
 * <p>Each child JVM (the parent's own {@code java}, class path and the {@link #CHILD_FLAGS}: a heap that starts
 * small and grows as G1 decides, no pre-touch) does this:
 * <ol>
 *   <li>warms up: grows and drops the same container to {@value #WARMUP_N} elements {@value #WARMUP_ROUNDS} times,
 *       so that JIT compilation happens before the measurement and not in it; then {@code System.gc()};</li>
 *   <li>reads {@code VmRSS} from {@code /proc/self/status}, then resets {@code VmHWM} to it by writing {@code 5}
 *       to {@code /proc/self/clear_refs} (Linux 4.0 and later);</li>
 *   <li>appends {@code 0 .. n-1} one by one, exactly as {@link VecAppendBench} does;</li>
 *   <li>reads {@code VmHWM} and {@code VmRSS} again, and prints the measured peak (VmHWM after minus VmRSS before)
 *       with the theoretical peak of the container's own memory.</li>
 * </ol>
 *
 * <p>Theoretical peak: for the vector, its {@code committedBytes()} at the end (it never copies, so it never holds
 * two backings). For the copying peers, the largest of (old backing + new backing) at a growth and the backing at
 * the end; for {@code ArrayList} the live boxes count too, at 16 bytes per {@code Integer} and 24 per {@code Long}
 * (12-byte header with compressed class pointers, JDK 25's default; {@code valueOf} caches -128 to 127) and 4
 * bytes per reference (compressed oops). Array headers (16 bytes) are left out.
 */
public final class VecPeakMemory {
    /** The flags of every child JVM, besides the class path. */
    static final List<String> CHILD_FLAGS = List.of("-Xms16m", "-Xmx8g", "--enable-native-access=ALL-UNNAMED",
            // Only to read ArrayList's capacity at the end, to check the theoretical peak against it.
            "--add-opens=java.base/java.util=ALL-UNNAMED");
    static final List<String> PEERS = List.of("vec", "array", "arrayList", "fastutil", "segment");
    static final List<String> KINDS = List.of("int", "long");
    static final int WARMUP_N = 100_000;
    static final int WARMUP_ROUNDS = 5;
    private static final long MIB = 1 << 20;

    private VecPeakMemory() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("child")) {
            child(args[1], args[2], Integer.parseInt(args[3]));
            return;
        }
        List<Integer> ns = new ArrayList<>();
        for (String arg : args) {
            ns.add(Integer.parseInt(arg));
        }
        if (ns.isEmpty()) {
            ns = List.of(1_000_000, 100_000_000);
        }
        parent(ns);
    }

    // ---- parent: one child per (n, kind, peer), then a table ----

    private static void parent(List<Integer> ns) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(CHILD_FLAGS);
        command.addAll(List.of("-cp", classPath, VecPeakMemory.class.getName(), "child"));
        System.out.println("# child: " + String.join(" ", command) + " PEER KIND N");
        System.out.println("# java.version " + System.getProperty("java.version") + ", " + java);
        Map<String, Map<String, String>> results = new LinkedHashMap<>();
        for (int n : ns) {
            for (String kind : KINDS) {
                for (String peer : PEERS) {
                    List<String> one = new ArrayList<>(command);
                    one.addAll(List.of(peer, kind, Integer.toString(n)));
                    Map<String, String> result = runChild(one);
                    System.out.println("# " + n + " " + kind + " " + peer + ": " + result);
                    results.put(n + " " + kind + " " + peer, result);
                }
            }
        }
        printTable(ns, results);
    }

    private static Map<String, String> runChild(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, String> result = null;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("PEAK ")) {
                    result = new LinkedHashMap<>();
                    for (String pair : line.substring(5).trim().split(" ")) {
                        int eq = pair.indexOf('=');
                        result.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                } else {
                    System.out.println("# child: " + line);
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0 || result == null) {
            throw new IllegalStateException("child failed (exit " + exit + "): " + String.join(" ", command));
        }
        return result;
    }

    private static void printTable(List<Integer> ns, Map<String, Map<String, String>> results) {
        System.out.println();
        System.out.println("| n | kind | container | theoretical peak | measured peak (VmHWM after - VmRSS before)"
                + " | vec / this, theoretical | vec / this, measured |");
        System.out.println("| ---: | --- | --- | ---: | ---: | ---: | ---: |");
        for (int n : ns) {
            for (String kind : KINDS) {
                Map<String, String> vec = results.get(n + " " + kind + " vec");
                for (String peer : PEERS) {
                    Map<String, String> r = results.get(n + " " + kind + " " + peer);
                    long theoretical = Long.parseLong(r.get("theoreticalPeak"));
                    long measured = Long.parseLong(r.get("hwmAfter")) - Long.parseLong(r.get("rssBefore"));
                    long vecTheoretical = Long.parseLong(vec.get("theoreticalPeak"));
                    long vecMeasured = Long.parseLong(vec.get("hwmAfter")) - Long.parseLong(vec.get("rssBefore"));
                    System.out.println(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %s |", n, kind,
                            peer, mib(theoretical), mib(measured),
                            peer.equals("vec") ? "" : ratio(vecTheoretical, theoretical),
                            peer.equals("vec") ? "" : ratio(vecMeasured, measured)));
                }
            }
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", (double) bytes / MIB);
    }

    private static String ratio(long a, long b) {
        return String.format(Locale.ROOT, "%.3f", (double) a / b);
    }

    // ---- child: grow one container to n, measure ----

    /** A grown container: kept reachable until measured. */
    private record Grown(Object container, long theoreticalPeak, long bytesAtEnd, long check, AutoCloseable release) {
    }

    private static void child(String peer, String kind, int n) throws Exception {
        for (int round = 0; round < WARMUP_ROUNDS; round++) {
            Grown warm = grow(peer, kind, Math.min(n, WARMUP_N));
            warm.release().close();
        }
        System.gc();
        long rssBefore = statusBytes("VmRSS");
        boolean reset = resetPeak();
        long hwmStart = statusBytes("VmHWM");
        Grown grown = grow(peer, kind, n);
        long hwmAfter = statusBytes("VmHWM");
        long rssAfter = statusBytes("VmRSS");
        System.out.println("PEAK peer=" + peer + " kind=" + kind + " n=" + n
                + " theoreticalPeak=" + grown.theoreticalPeak() + " bytesAtEnd=" + grown.bytesAtEnd()
                + " rssBefore=" + rssBefore + " hwmReset=" + reset + " hwmStart=" + hwmStart
                + " hwmAfter=" + hwmAfter + " rssAfter=" + rssAfter + " check=" + grown.check()
                + " container=" + grown.container().getClass().getSimpleName());
        grown.release().close();
    }

    private static Grown grow(String peer, String kind, int n) throws Exception {
        boolean ints = switch (kind) {
            case "int" -> true;
            case "long" -> false;
            default -> throw new IllegalArgumentException("kind: " + kind + " (expected: int, long)");
        };
        long bytes = ints ? Integer.BYTES : Long.BYTES;
        switch (peer) {
            case "vec" -> {
                if (ints) {
                    IntVec v = IntVec.create();
                    for (int i = 0; i < n; i++) {
                        v.add(i);
                    }
                    return new Grown(v, v.committedBytes(), v.committedBytes(), v.get(n - 1), v);
                }
                LongVec v = LongVec.create();
                for (int i = 0; i < n; i++) {
                    v.add(i);
                }
                return new Grown(v, v.committedBytes(), v.committedBytes(), v.get(n - 1), v);
            }
            case "array" -> {
                if (ints) {
                    DoublingIntArray a = new DoublingIntArray();
                    for (int i = 0; i < n; i++) {
                        a.add(i);
                    }
                    return new Grown(a, a.peakBytes, a.elements.length * bytes, a.elements[n - 1], () -> { });
                }
                DoublingLongArray a = new DoublingLongArray();
                for (int i = 0; i < n; i++) {
                    a.add(i);
                }
                return new Grown(a, a.peakBytes, a.elements.length * bytes, a.elements[n - 1], () -> { });
            }
            case "segment" -> {
                if (ints) {
                    DoublingIntSegment a = new DoublingIntSegment();
                    for (int i = 0; i < n; i++) {
                        a.add(i);
                    }
                    return new Grown(a, a.peakBytes, a.elements.byteSize(),
                            a.elements.getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, n - 1), a);
                }
                DoublingLongSegment a = new DoublingLongSegment();
                for (int i = 0; i < n; i++) {
                    a.add(i);
                }
                return new Grown(a, a.peakBytes, a.elements.byteSize(),
                        a.elements.getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, n - 1), a);
            }
            case "fastutil" -> {
                long[] capacities = VecPeers.fastutilCapacities(n);
                long capacity;
                long check;
                Object list;
                if (ints) {
                    IntArrayList l = new IntArrayList();
                    for (int i = 0; i < n; i++) {
                        l.add(i);
                    }
                    capacity = l.elements().length;
                    check = l.getInt(n - 1);
                    list = l;
                } else {
                    LongArrayList l = new LongArrayList();
                    for (int i = 0; i < n; i++) {
                        l.add(i);
                    }
                    capacity = l.elements().length;
                    check = l.getLong(n - 1);
                    list = l;
                }
                checkCapacity("fastutil", capacities, capacity);
                long peak = capacities[capacities.length - 1] * bytes;
                for (int i = 1; i < capacities.length; i++) {
                    peak = Math.max(peak, (capacities[i - 1] + capacities[i]) * bytes);
                }
                return new Grown(list, peak, capacity * bytes, check, () -> { });
            }
            case "arrayList" -> {
                long[] capacities = VecPeers.arrayListCapacities(n);
                long box = ints ? 16 : 24;
                long reference = 4;
                ArrayList<? extends Number> list;
                if (ints) {
                    ArrayList<Integer> l = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        l.add(i);
                    }
                    list = l;
                } else {
                    ArrayList<Long> l = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        l.add((long) i);
                    }
                    list = l;
                }
                long capacity = arrayListCapacity(list);
                checkCapacity("ArrayList", capacities, capacity);
                long atEnd = boxes(n) * box + capacity * reference;
                long peak = atEnd;
                for (int i = 1; i < capacities.length; i++) {
                    // Growing from capacities[i - 1]: that many elements (and their boxes) are live, and both arrays.
                    peak = Math.max(peak, boxes(capacities[i - 1]) * box + (capacities[i - 1] + capacities[i]) * reference);
                }
                return new Grown(list, peak, atEnd, list.get(n - 1).longValue(), () -> { });
            }
            default -> throw new IllegalArgumentException("peer: " + peer + " (expected one of " + PEERS + ")");
        }
    }

    /** {@return how many boxes the values {@code 0 .. count-1} take}: {@code valueOf} caches 0 to 127. */
    private static long boxes(long count) {
        return Math.max(0, count - 128);
    }

    private static long arrayListCapacity(ArrayList<?> list) throws ReflectiveOperationException {
        Field elementData = ArrayList.class.getDeclaredField("elementData");
        elementData.setAccessible(true);
        return ((Object[]) elementData.get(list)).length;
    }

    private static void checkCapacity(String what, long[] capacities, long actual) {
        long expected = capacities[capacities.length - 1];
        if (actual != expected) {
            throw new IllegalStateException(what + " capacity: " + actual + " (expected from its growth rule: "
                    + expected + ")");
        }
    }

    /** {@return a {@code kB} field of {@code /proc/self/status}, in bytes} */
    private static long statusBytes(String field) {
        long kib = ProcStatus.kib("self", field);
        if (kib < 0) {
            throw new IllegalStateException(field + " not in /proc/self/status (or not in kB)");
        }
        return kib * 1024;
    }

    /** {@return whether VmHWM was reset to the current RSS}: writing 5 to clear_refs does it on Linux 4.0+. */
    private static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
