package dev.jalloc.bench.mt;

import dev.jalloc.bench.SharedNatives;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The multithreaded benchmarks' entry point: {@code ./jalloc mtbench [options]}, or
 * {@code java --enable-native-access=ALL-UNNAMED -cp jalloc-bench/target/benchmarks.jar dev.jalloc.bench.mt.MtBench}.
 * Runs every (benchmark, contender, threads) asked for in a child JVM of its own ({@link MtChild}), prints a
 * progress line as each starts and ends, and the tables ({@link MtReport}) at the end.
 *
 * <pre>
 *   [7/96] larson jemallocCritical t=2 ... 12.30 M ops/s, peak RSS 85.0 MiB (base 60.1) (1.00 s timed, 1.6 s in all)
 * </pre>
 *
 * <p>Each child runs on this JVM's {@code java} (ProcessHandle's command) with this class path, native access,
 * {@code --sun-misc-unsafe-memory-access=allow} (Netty's fast path), Netty's thread caches on every thread
 * and leak detection off, a {@value #CHILD_HEAP} Java heap, and the environment of this process, where
 * {@code GLIBC_TUNABLES} gets {@value #STATIC_TLS} added if it lacks it (Debian's jemalloc needs it to be
 * loaded into a running JVM), and for the contenders that need hardened_malloc as their malloc,
 * {@code LD_PRELOAD} set to its file ({@link Contender#preload}; {@code -Djalloc.natives} is passed on if set). A
 * contender whose prebuilt library is missing is skipped without a child. Exit status: 0 if no run failed, 1
 * otherwise.
 */
public final class MtBench {
    static final String STATIC_TLS = "glibc.rtld.optional_static_tls=16384";
    static final String CHILD_HEAP = "256m";

    private static final String USAGE = """
            usage: ./jalloc mtbench [options]
              --bench LIST       benchmarks, comma-separated (default: all): %s
              --contender LIST   contenders (default: all): %s
              --threads LIST     thread counts (default: 1,2,4); xmalloc runs N producers and N consumers
              --seconds S        timed seconds per run (default: 1; mimalloc-bench runs 5)
              --seed N           seed of every random sequence (default: 4141, larson's)
              --cross-every N    rptest: every N-th loop hands a batch to another thread (default: 2; 0: never)
              --csv FILE         write every run as CSV
              --md FILE          write the tables and every run as markdown
              --jvm-arg ARG      one more option for the child JVMs (repeatable), e.g. --jvm-arg -Xmx1g
              --verbose          print the children's own output (warnings) under each run
            """;

    private MtBench() {
    }

    /** The options; defaults as {@link #USAGE} says. */
    record Options(List<String> benches, List<String> contenders, List<Integer> threads, double seconds,
            long seed, int crossEvery, Path csv, Path md, List<String> jvmArgs, boolean verbose) {
        static Options parse(String[] args) {
            List<String> benches = Workload.NAMES;
            List<String> contenders = Contender.NAMES;
            List<Integer> threads = List.of(1, 2, 4);
            double seconds = 1;
            long seed = 4141;
            int crossEvery = 2;
            Path csv = null;
            Path md = null;
            List<String> jvmArgs = new ArrayList<>();
            boolean verbose = false;
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (option.equals("--verbose")) {
                    verbose = true;
                    continue;
                }
                if (option.equals("-h") || option.equals("--help")) {
                    throw new IllegalArgumentException("");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(option + ": a value is missing");
                }
                String value = args[++i];
                switch (option) {
                    case "--bench" -> benches = names(value, Workload.NAMES, "--bench");
                    case "--contender" -> contenders = names(value, Contender.NAMES, "--contender");
                    case "--threads" -> threads = Arrays.stream(value.split(",")).map(String::trim)
                            .map(Integer::valueOf).peek(t -> positive("--threads", t)).toList();
                    case "--seconds" -> seconds = Double.parseDouble(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--cross-every" -> crossEvery = Integer.parseInt(value);
                    case "--csv" -> csv = Path.of(value);
                    case "--md" -> md = Path.of(value);
                    case "--jvm-arg" -> jvmArgs.add(value);
                    default -> throw new IllegalArgumentException("unknown option: " + option);
                }
            }
            if (!(seconds > 0)) {
                throw new IllegalArgumentException("--seconds: " + seconds + " (expected: > 0)");
            }
            if (crossEvery < 0) {
                throw new IllegalArgumentException("--cross-every: " + crossEvery + " (expected: >= 0)");
            }
            return new Options(benches, contenders, threads, seconds, seed, crossEvery, csv, md, jvmArgs, verbose);
        }

        private static List<String> names(String value, List<String> known, String option) {
            List<String> names = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            for (String name : names) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException(option + ": " + name + " (expected: " + String.join(",", known)
                            + ")");
                }
            }
            return names;
        }

        private static void positive(String option, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(option + ": " + value + " (expected: >= 1)");
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("mtbench: " + e.getMessage());
            }
            System.err.printf(USAGE, String.join(",", Workload.NAMES), String.join(",", Contender.NAMES));
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        int total = options.benches().size() * options.contenders().size() * options.threads().size();
        System.out.printf(Locale.ROOT, "mtbench: %d runs of %.1f s, seed %d, each in a child JVM (%s)%n", total,
                options.seconds(), options.seed(), ProcessHandle.current().info().command().orElse("java"));
        List<MtResult> results = new ArrayList<>();
        int n = 0;
        for (String bench : options.benches()) {
            for (int threads : options.threads()) {
                for (String contender : options.contenders()) {
                    n++;
                    System.out.printf(Locale.ROOT, "[%d/%d] %s %s t=%d ... ", n, total, bench, contender, threads);
                    System.out.flush();
                    String skip = Workload.skipReason(bench, contender);
                    String missing = Contender.missingLibrary(contender);
                    if (skip == null && missing != null) {
                        skip = missing;
                    }
                    if (skip != null) {
                        results.add(MtResult.skipped(bench, contender, threads, skip));
                        int colon = skip.indexOf(':');
                        System.out.println("skipped (" + (colon < 0 ? skip : skip.substring(0, colon)) + ")");
                        continue;
                    }
                    long start = System.nanoTime();
                    Child child = runChild(options, bench, contender, threads);
                    double wall = (System.nanoTime() - start) / 1e9;
                    results.add(child.result());
                    System.out.println(progress(child.result(), wall));
                    if (options.verbose() || child.result().status().equals("failed")) {
                        for (String line : child.output()) {
                            System.out.println("    | " + line);
                        }
                    }
                }
            }
        }
        MtReport report = new MtReport(results);
        System.out.println();
        System.out.print(report.summary());
        if (options.csv() != null) {
            Files.writeString(options.csv(), report.csv());
            System.out.println("mtbench: CSV in " + options.csv());
        }
        if (options.md() != null) {
            Files.writeString(options.md(), report.summary() + "\n" + report.details());
            System.out.println("mtbench: markdown in " + options.md());
        }
        boolean failed = results.stream().anyMatch(r -> r.status().equals("failed"));
        System.exit(failed ? 1 : 0);
    }

    private static String progress(MtResult r, double wall) {
        return switch (r.status()) {
            case "ok" -> String.format(Locale.ROOT, "%s, peak RSS %s MiB (base %s)%s (%.2f s timed, %.1f s in all)",
                    r.metricText(), MtResult.mib(r.peakRssKiB()), MtResult.mib(r.baseRssKiB()),
                    r.committedPeakBytes() < 0 ? ""
                            : ", jalloc committed peak " + MtResult.mib(r.committedPeakBytes() / 1024) + " MiB",
                    r.nanos() / 1e9, wall) + (r.note().isEmpty() ? "" : "; " + r.note());
            case "skipped" -> "skipped: " + r.reason();
            default -> String.format(Locale.ROOT, "FAILED after %.1f s: %s", wall, r.reason());
        };
    }

    /** A child's result and everything else it printed. */
    private record Child(MtResult result, List<String> output) {
    }

    private static Child runChild(Options options, String bench, String contender, int threads)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Dio.netty.allocator.useCacheForAllThreads=true", "-Dio.netty.leakDetection.level=disabled",
                "-Xmx" + CHILD_HEAP));
        String natives = System.getProperty(SharedNatives.PROPERTY);
        if (natives != null) {
            command.add("-D" + SharedNatives.PROPERTY + "=" + natives);
        }
        command.addAll(options.jvmArgs());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MtChild.class.getName(), bench,
                contender, Integer.toString(threads), Double.toString(options.seconds()),
                Long.toString(options.seed()), Integer.toString(options.crossEvery())));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        String tunables = environment.get("GLIBC_TUNABLES");
        if (tunables == null || !tunables.contains("optional_static_tls")) {
            environment.put("GLIBC_TUNABLES", STATIC_TLS + (tunables == null ? "" : ":" + tunables));
        }
        String preload = Contender.preload(contender);
        if (preload != null) {
            environment.put("LD_PRELOAD", SharedNatives.file(preload).toString());
        }
        Process process = builder.start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = process.inputReader()) {
                lines.lines().forEach(output::add);
            } catch (IOException e) {
                output.add("mtbench: reading the child's output: " + e);
            }
        });
        long timeout = (long) (options.seconds() * 4) + 60;
        if (!process.waitFor(timeout, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            reader.join();
            return new Child(MtResult.failed(bench, contender, threads, "timeout: no result after " + timeout
                    + " s (a hang: the child was killed)"), List.copyOf(output));
        }
        reader.join();
        MtResult result = null;
        List<String> rest = new ArrayList<>();
        for (String line : List.copyOf(output)) {
            MtResult parsed = MtResult.parse(line);
            if (parsed != null) {
                result = parsed;
            } else {
                rest.add(line);
            }
        }
        if (result == null) {
            result = MtResult.failed(bench, contender, threads, "the child JVM exited with status "
                    + process.exitValue() + " and no result line (a crash? its output follows)");
        }
        return new Child(result, rest);
    }
}
