package dev.jalloc.cli.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The checked pass of a process-wide allocator (a native malloc), run in a child JVM so that the allocator is
 * as fresh as malloc-lab's heap is at the start of every trace. In the replaying JVM, glibc, jemalloc and
 * mimalloc keep the memory of earlier traces (glibc does not shrink a thread arena's heap on
 * {@code malloc_trim}; mimalloc reuses its cached segments): their footprint growth would depend on the order of
 * the traces. The child is the same {@code java}, module or class path, and native access, plus
 * {@code -XX:+UseSerialGC -XX:TieredStopAtLevel=1} (fewer JVM threads mallocing beside the replay), with the
 * parent's environment (so {@code GLIBC_TUNABLES}, for jemalloc); it re-reads the trace file.
 *
 * <pre>
 *   parent: java ... ChildCheckedPass ALLOCATOR TRACE
 *   child:  prints "peaks LIVE FOOTPRINT", exit 0
 *           or the ReplayException's message, exit 1; the reason it is unavailable, exit 2; anything else, exit 3
 * </pre>
 */
public final class ChildCheckedPass {
    private static final String PEAKS = "peaks ";

    private ChildCheckedPass() {
    }

    /**
     * {@return the peaks of the checked pass of {@code trace} on {@code allocator}, run in a child JVM}
     *
     * @throws ReplayException if the allocator broke a promise, or the child failed
     * @throws AllocatorUnavailableException if the allocator cannot run in the child
     */
    static CheckedPass.Peaks run(Trace trace, String allocator) throws AllocatorUnavailableException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The child parses the trace again, keeps a few arrays per op and per id and a tree entry per live block:
        // a recorded trace of a real program (millions of ops, millions of live blocks) needs more than the
        // malloc-lab ones, and a heap too tight makes the serial collector run all the time.
        long heapMiB = 256 + (64L * trace.opCount() + 160L * trace.idCount() >> 20);
        command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx" + heapMiB + "m"));
        Module module = ChildCheckedPass.class.getModule();
        if (module.isNamed()) {
            command.addAll(List.of("--enable-native-access=dev.jalloc," + module.getName(),
                    "-p", System.getProperty("jdk.module.path"),
                    "-m", module.getName() + "/" + ChildCheckedPass.class.getName()));
        } else {
            command.addAll(List.of("--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), ChildCheckedPass.class.getName()));
        }
        command.add(allocator);
        command.add(trace.source());
        String output;
        int status;
        try {
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            child.getOutputStream().close();
            output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            status = child.waitFor();
        } catch (IOException e) {
            throw new ReplayException(trace.source() + ": " + allocator + ": cannot start the child JVM of the "
                    + "checked pass: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a checked pass", e);
        }
        if (status == 0) {
            for (String line : output.lines().toList()) {
                if (line.startsWith(PEAKS)) {
                    String[] numbers = line.substring(PEAKS.length()).split(" ");
                    return new CheckedPass.Peaks(Long.parseLong(numbers[0]), Long.parseLong(numbers[1]));
                }
            }
        }
        switch (status) {
            case 1 -> throw new ReplayException(output);
            case 2 -> throw new AllocatorUnavailableException(output);
            default -> throw new ReplayException(trace.source() + ": " + allocator + ": the checked pass's child JVM "
                    + "failed (exit status " + status + "): " + output + "\n  command: " + String.join(" ", command));
        }
    }

    /**
     * The child's side: {@code ALLOCATOR TRACE}.
     *
     * @param args the allocator's name and the trace file
     */
    public static void main(String[] args) {
        int status;
        try {
            Allocators.Entry entry = Allocators.byName(args[0]).orElseThrow(
                    () -> new IllegalArgumentException("unknown allocator " + args[0]));
            Trace trace = TraceParser.parse(Path.of(args[1]));
            try (ReplayAllocator allocator = entry.opener().open()) {
                CheckedPass.Peaks peaks = CheckedPass.run(trace, entry.name(), allocator);
                System.out.println(PEAKS + peaks.liveBytes() + " " + peaks.footprintBytes());
            }
            status = 0;
        } catch (ReplayException e) {
            System.out.println(e.getMessage());
            status = 1;
        } catch (AllocatorUnavailableException e) {
            System.out.println(e.getMessage());
            status = 2;
        } catch (Exception | Error e) {
            e.printStackTrace(System.out);
            status = 3;
        }
        System.out.flush();
        System.exit(status);
    }
}
