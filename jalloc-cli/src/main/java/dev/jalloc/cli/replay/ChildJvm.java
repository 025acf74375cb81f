package dev.jalloc.cli.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The replay's child JVMs ({@link ChildCheckedPass}, {@link ChildTimedPass}), both sides: the parent starts one and
 * reads its one result line; the child runs its body and reports how it ended with its exit status.
 *
 * <pre>
 *   parent: java OPTIONS [-Djalloc.natives=DIR] --enable-native-access=... -p MODULES -m dev.jalloc.cli/MAIN ARGS
 *           environment: this process's, plus the allocator's (LD_PRELOAD for hardened_malloc)
 *   child:  "PREFIX result" and exit 0 | the ReplayException's message, exit 1 | why the allocator cannot run
 *           there, exit 2 | a stack trace, exit 3
 * </pre>
 * The child is the same {@code java}, with the same module path (or class path, in a test run from classes) and
 * native access. Its stdout and stderr are read together; the result is the last line that starts with the prefix.
 */
final class ChildJvm {
    private static final int BROKE_A_PROMISE = 1;
    private static final int UNAVAILABLE = 2;
    private static final int FAILED = 3;

    /** A child's main, which returns its result line. */
    @FunctionalInterface
    interface Body {
        /**
         * {@return the result line}
         *
         * @throws ReplayException if the allocator broke a promise
         * @throws AllocatorUnavailableException if the allocator cannot run in this process
         * @throws Exception for anything else, a failure
         */
        String run() throws Exception;
    }

    private ChildJvm() {
    }

    /**
     * {@return what follows {@code prefix} on the result line of {@code main} run with {@code args} in a child JVM
     * started with {@code options} and {@code environment} added to this process's}
     *
     * @param what the pass, for messages: {@code trace: allocator: } is put before it
     * @throws ReplayException if the child reports a broken promise, fails, or cannot be started
     * @throws AllocatorUnavailableException if the child reports that the allocator cannot run there
     */
    static String run(List<String> options, Class<?> main, List<String> args, Map<String, String> environment,
                      String prefix, String what) throws AllocatorUnavailableException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        String natives = System.getProperty(SharedNatives.PROPERTY);
        if (natives != null) {
            command.add("-D" + SharedNatives.PROPERTY + "=" + natives);
        }
        Module module = main.getModule();
        if (module.isNamed()) {
            command.addAll(List.of("--enable-native-access=dev.jalloc," + module.getName(),
                    "-p", System.getProperty("jdk.module.path"), "-m", module.getName() + "/" + main.getName()));
        } else {
            command.addAll(List.of("--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), main.getName()));
        }
        command.addAll(args);
        String output;
        int status;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process child = builder.start();
            child.getOutputStream().close();
            output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            status = child.waitFor();
        } catch (IOException e) {
            throw new ReplayException(what + ": cannot start its child JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the child JVM of " + what, e);
        }
        if (status == 0) {
            List<String> results = output.lines().filter(line -> line.startsWith(prefix)).toList();
            if (!results.isEmpty()) {
                return results.getLast().substring(prefix.length());
            }
        }
        switch (status) {
            case BROKE_A_PROMISE -> throw new ReplayException(output);
            case UNAVAILABLE -> throw new AllocatorUnavailableException(output);
            default -> throw new ReplayException(what + ": its child JVM failed (exit status " + status + "): "
                    + output + "\n  command: " + environment.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue() + " ").collect(Collectors.joining())
                    + String.join(" ", command));
        }
    }

    /**
     * The child's side: prints {@code body}'s result line and exits 0, or reports how it failed (see the class
     * comment) and exits with that status. Never returns.
     */
    static void exitWith(Body body) {
        int status;
        try {
            String result = body.run();
            System.out.println(result);
            status = 0;
        } catch (ReplayException e) {
            System.out.println(e.getMessage());
            status = BROKE_A_PROMISE;
        } catch (AllocatorUnavailableException e) {
            System.out.println(e.getMessage());
            status = UNAVAILABLE;
        } catch (Exception | Error e) {
            e.printStackTrace(System.out);
            status = FAILED;
        }
        System.out.flush();
        System.exit(status);
    }
}
