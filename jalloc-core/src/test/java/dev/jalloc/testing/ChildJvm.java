package dev.jalloc.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} class of the test class path in a child JVM, so that a crash (SIGSEGV, an abort) or a hang is
 * a test failure rather than the end of the build. The child gets the test JVM's native access and a small heap;
 * {@code ulimit -v} can be set for tests of refused reservations.
 */
public final class ChildJvm {
    /** What a child printed and how it ended. */
    public record Result(int exitCode, String output, boolean timedOut) {
        /** {@return whether the child exited normally with status 0} */
        public boolean ok() {
            return !timedOut && exitCode == 0;
        }

        /**
         * {@return whether it exited normally and printed {@code word} as a line of its own}: a child's last word on
         * stdout, which the cleaner's warning about an allocator a scenario dropped on purpose (stderr, merged, from
         * the cleaner's thread) may follow
         */
        public boolean finishedWith(String word) {
            return ok() && output.lines().anyMatch(word::equals);
        }

        /** {@return a description for assertion messages: how it ended, then its output} */
        public String describe() {
            String end = timedOut ? "timed out (killed)"
                    : exitCode == 0 ? "exit 0"
                    : exitCode == 134 || exitCode == 139 ? "exit " + exitCode + " (a crash: SIGABRT/SIGSEGV)"
                    : "exit " + exitCode;
            return end + "\n--- child output ---\n" + output;
        }
    }

    private final Class<?> mainClass;
    private final List<String> jvmArgs = new ArrayList<>();
    private long ulimitKiB;
    private long timeoutSeconds = 120;

    private ChildJvm(Class<?> mainClass) {
        this.mainClass = mainClass;
        jvmArgs.add("-Xmx256m");
        jvmArgs.add("-XX:+UseSerialGC");
        jvmArgs.add("--enable-native-access=ALL-UNNAMED");
        // No core files and no hs_err files in the working directory when a child crashes on purpose.
        jvmArgs.add("-XX:-CreateCoredumpOnCrash");
        jvmArgs.add("-XX:ErrorFile=" + System.getProperty("java.io.tmpdir") + "/jalloc-child-hs_err_%p.log");
    }

    /** {@return a child running {@code mainClass}} */
    public static ChildJvm of(Class<?> mainClass) {
        return new ChildJvm(mainClass);
    }

    /** Adds JVM options (before the main class). */
    public ChildJvm jvmArgs(String... args) {
        jvmArgs.addAll(List.of(args));
        return this;
    }

    /** Runs the child under {@code ulimit -v kib} (Linux, through bash), with a JVM sized to fit it. */
    public ChildJvm ulimitVirtualKiB(long kib) {
        this.ulimitKiB = kib;
        jvmArgs.remove("-Xmx256m");
        jvmArgs.addAll(List.of("-Xmx64m", "-Xss512k", "-XX:ReservedCodeCacheSize=32m",
                "-XX:CompressedClassSpaceSize=32m", "-XX:MaxMetaspaceSize=64m", "-XX:TieredStopAtLevel=1"));
        return this;
    }

    /** Sets how long the child may run before it is killed and the run counts as a hang. */
    public ChildJvm timeoutSeconds(long seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    /** {@return whether bash is there to set a ulimit} */
    public static boolean canLimit() {
        return Files.isExecutable(Path.of("/bin/bash")) && System.getProperty("os.name", "").startsWith("Linux");
    }

    /** Runs the child with {@code args} and waits for it. */
    public Result run(String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb;
        if (ulimitKiB > 0) {
            List<String> bash = new ArrayList<>(List.of("/bin/bash", "-c", "ulimit -v " + ulimitKiB + " && exec \"$@\"",
                    "child"));
            bash.addAll(command);
            pb = new ProcessBuilder(bash);
        } else {
            pb = new ProcessBuilder(command);
        }
        pb.redirectErrorStream(true);
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        Process child = pb.start();
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try {
                out.append(new String(child.getInputStream().readAllBytes()));
            } catch (IOException e) {
                out.append("[reading the child's output failed: ").append(e).append(']');
            }
        });
        boolean finished = child.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            child.destroyForcibly();
            child.waitFor();
        }
        reader.join(10_000);
        synchronized (out) {
            return new Result(finished ? child.exitValue() : -1, out.toString(), !finished);
        }
    }
}
