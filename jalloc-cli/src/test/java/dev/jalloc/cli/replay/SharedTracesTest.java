package dev.jalloc.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every malloc-lab trace in {@code ../shared/traces/malloclab} (relative to the repository's root) replayed on
 * every allocator of the default list that can run here, exactly as {@code ./jalloc replay} does. A fresh clone has no
 * {@code ../shared}: the test is then skipped, saying so.
 */
class SharedTracesTest {

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.exists(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("jalloc-cli")))) {
            dir = dir.getParent();
        }
        return dir;
    }

    @Test
    void everyMallocLabTraceReplaysOnEveryAvailableAllocator() throws IOException {
        Path root = repositoryRoot();
        assumeTrue(root != null, "skipped: cannot find the repository's root above " + Path.of("").toAbsolutePath());
        Path traces = root.resolve("../shared/traces/malloclab").normalize();
        assumeTrue(Files.isDirectory(traces), "skipped: no " + traces + " (../shared is not part of a clone)");
        List<String> files;
        try (Stream<Path> list = Files.list(traces)) {
            files = list.filter(p -> p.toString().endsWith(".rep")).map(Path::toString).sorted().toList();
        }
        assumeTrue(!files.isEmpty(), "skipped: no .rep file in " + traces);
        List<String> args = new ArrayList<>(List.of("--csv", "--repeat", "1"));
        args.addAll(files);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReplayCommand.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String errors = err.toString(StandardCharsets.UTF_8);
        System.out.print(errors);
        assertEquals(0, status, errors);
        List<Allocators.Entry> byDefault = Allocators.known().stream().filter(Allocators.Entry::byDefault).toList();
        long available = byDefault.stream().filter(e -> ReplayEngineTest.reasonUnavailable(e) == null).count();
        long skipped = errors.lines().filter(l -> l.startsWith("jalloc replay: skipping ")).count();
        assertEquals(byDefault.size(), available + skipped, errors);
        List<String> rows = out.toString(StandardCharsets.UTF_8).lines().skip(1).toList();
        assertEquals(files.size() * (1 + available), rows.size(), String.join("\n", rows)); // + each noise pass
        for (String row : rows) {
            String[] cells = row.split(",", -1);
            boolean noise = cells[1].equals("(none)");
            assertTrue(Long.parseLong(cells[5]) > 0, row);
            assertTrue(noise ? cells[6].isEmpty() : Long.parseLong(cells[6]) >= 0, row);
            assertTrue(Long.parseLong(cells[8]) >= 0, row);
        }
    }
}
