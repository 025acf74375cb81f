package dev.jalloc.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jalloc replay}'s progress line, from the outside: the real command in a child JVM, its stderr a pseudo
 * terminal (under util-linux {@code script}) or a pipe. On a terminal, the line shows the trace, the allocator
 * and the pass, and is erased before the table; in a pipe there is none, unless {@code --progress} asks for it.
 */
class ReplayProgressTest {
    @TempDir
    Path dir;

    record Output(int status, String out, String err) {
    }

    @Test
    void aTerminalShowsTheTraceTheAllocatorAndThePassThenErasesTheLine() throws Exception {
        String session = inTerminal("replay", "--allocator", "jalloc", "--repeat", "2",
                Traces.small(dir).toString());
        assertTrue(session.contains("replay [..........] 0/1 warming up on 1 allocator"), session);
        assertTrue(session.contains("\rreplay [..........] 1/1 small.rep, jalloc: checked pass"), session);
        int last = session.lastIndexOf("\rreplay [");
        int table = session.indexOf("allocator", last);
        assertTrue(table > last, "the table comes after the progress line:\n" + session);
        String between = session.substring(last + 1, table);
        assertTrue(between.matches("(?s)replay \\[[^\r\n]*\r {2,}\rtrace .*"),
                "the line is erased before the table: " + between.replace("\r", "\\r"));
        assertTrue(session.contains("\r\nsmall.rep  jalloc "), session);
    }

    @Test
    void noProgressLineOnATerminalWhenAskedNotTo() throws Exception {
        String session = inTerminal("replay", "--no-progress", "--allocator", "jalloc", "--repeat", "1",
                Traces.small(dir).toString());
        assertFalse(session.contains("replay ["), session);
        assertTrue(session.contains("\r\nsmall.rep  jalloc "), session);
    }

    @Test
    void aPipeGetsNoProgressLine() throws Exception {
        Output run = inPipes("replay", "--allocator", "jalloc", "--repeat", "2", Traces.small(dir).toString());
        assertEquals(0, run.status(), run.err());
        assertEquals("", run.err(), "stderr is a pipe: no progress line");
        assertTrue(run.out().contains("\nsmall.rep  jalloc "), run.out());
        assertFalse(run.out().contains("\r"), run.out());
    }

    @Test
    void aPipeGetsTheProgressLineWhenAskedFor() throws Exception {
        Output run = inPipes("replay", "--progress", "--csv", "--allocator", "jalloc", "--allocator", "bestfit",
                "--repeat", "1", Traces.small(dir).toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.err().contains("\rreplay [..........] 1/2 small.rep, jalloc: checked pass"), run.err());
        assertTrue(run.err().contains("\rreplay [#####.....] 2/2 small.rep, bestfit: checked pass"), run.err());
        assertTrue(run.err().endsWith("\r"), "erased at the end: " + run.err().replace("\r", "\\r"));
        assertEquals(4, run.out().lines().count(), run.out());   // the header, the noise row, two allocators
    }

    /** {@return what {@code jalloc ARGS} wrote to a pseudo terminal, stdout and stderr together} */
    private String inTerminal(String... args) throws Exception {
        Path script = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(directory -> Path.of(directory, "script")).filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(script != null, "skipped: no 'script' command to run jalloc in a pseudo terminal (Debian "
                + "package bsdutils)");
        String command = jalloc(args).stream().map(ReplayProgressTest::shellQuoted).collect(Collectors.joining(" "));
        Process session = new ProcessBuilder(script.toString(), "-qec", command, "/dev/null")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).start();
        String output = new String(session.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, session.waitFor(), output);
        return output;
    }

    /** {@return what {@code jalloc ARGS} wrote to two pipes} */
    private Output inPipes(String... args) throws IOException, InterruptedException {
        Process jalloc = new ProcessBuilder(jalloc(args))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(jalloc.getErrorStream()));
        String out = readAll(jalloc.getInputStream());
        return new Output(jalloc.waitFor(), out, err.join());
    }

    private static String readAll(java.io.InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@return the command line of {@code jalloc ARGS} on this JVM's java and class path} */
    private static List<String> jalloc(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.jalloc.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    private static String shellQuoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
