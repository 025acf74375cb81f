package dev.jalloc.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** {@code jalloc plot} on the command line: help, usage errors, bad files, and a figure written twice alike. */
class PlotCommandTest {
    record Run(int status, String out, String err) {
    }

    @TempDir
    Path dir;

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PlotCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void helpNamesTheOptionsAndTheKeys() {
        Run help = run("--help");
        assertEquals(0, help.status(), help.err());
        for (String expected : new String[] {"Usage: jalloc plot", "--out=FIGURE.svg", "--group-by", "--series-by",
                "--where=KEY=REGEX", "--scale=SCALE", "--log", "99.9% error as whiskers", "keys (for --chart-by",
                "examples:"}) {
            assertTrue(help.out().contains(expected), "help lacks '" + expected + "':\n" + help.out());
        }
        assertFalse(help.err().contains("WARN"), help.err());
    }

    @Test
    void usageErrorsSayWhatWasWrongAndExit2() throws Exception {
        Path csv = write("heap.csv", FigurePlanTest.RUN1);
        Run unknown = run("--frobnicate", csv.toString());
        assertEquals(2, unknown.status());
        assertEquals("jalloc plot: unknown option '--frobnicate'\ntry 'jalloc plot --help'\n", unknown.err());
        Run noOut = run(csv.toString());
        assertEquals(2, noOut.status());
        assertEquals("jalloc plot: give --out FIGURE.svg\ntry 'jalloc plot --help'\n", noOut.err());
        Run scale = run("--scale", "cubic", "--out", dir.resolve("x.svg").toString(), csv.toString());
        assertEquals(2, scale.status());
        assertTrue(scale.err().startsWith("jalloc plot: --scale: 'cubic' (expected: one of linear, log, auto)\n"),
                scale.err());
        Run labels = run("--label", "a", "--label", "b", "--out", dir.resolve("x.svg").toString(), csv.toString());
        assertEquals(2, labels.status());
        assertTrue(labels.err().startsWith("jalloc plot: --label: 2 labels for 1 files"), labels.err());
        Run regex = run("--where", "contender=(", "--out", dir.resolve("x.svg").toString(), csv.toString());
        assertEquals(2, regex.status());
        assertTrue(regex.err().startsWith("jalloc plot: --where: 'contender=(' (expected: KEY=REGEX"), regex.err());
        Run noFile = run("--out", dir.resolve("x.svg").toString());
        assertEquals(2, noFile.status());
        assertTrue(noFile.err().startsWith("jalloc plot: missing FILE"), noFile.err());
    }

    @Test
    void aBadFileIsNamedAndExits1() throws Exception {
        Path missing = dir.resolve("nope.csv");
        Run none = run("--out", dir.resolve("x.svg").toString(), missing.toString());
        assertEquals(1, none.status());
        assertEquals("jalloc plot: " + missing + ": no such file\n", none.err());
        Path bad = write("bad.csv", FigurePlanTest.HEADER + "\"dev.X.y\",\"avgt\",1,5,3.2,0.1\n");
        Run malformed = run("--out", dir.resolve("x.svg").toString(), bad.toString());
        assertEquals(1, malformed.status());
        assertEquals("jalloc plot: bad.csv:2: 6 fields (expected: 9, as the header has)\n", malformed.err());
        assertFalse(Files.exists(dir.resolve("x.svg")), "no figure from a bad file");
    }

    @Test
    void writesTheSameFigureTwice() throws Exception {
        Path one = write("levels-run1.csv", FigurePlanTest.RUN1);
        Path two = write("levels-run2.csv", FigurePlanTest.RUN2);
        Path first = dir.resolve("first.svg");
        Path second = dir.resolve("second.svg");
        for (Path out : new Path[] {first, second}) {
            Run run = run(one.toString(), two.toString(), "--out", out.toString(), "--title", "Levels <&>",
                    "--caption", "2026-12-02, 2 CPUs", "--scale", "auto");
            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().startsWith("jalloc plot: wrote " + out + " (2 panels, 6 bars, "), run.out());
        }
        assertEquals(Files.readString(first), Files.readString(second));
        Document svg = Svgs.parse(Files.readString(first));
        assertEquals(1, Svgs.ofClass(svg, "missing").size(), "jallocAll was not run in run 2");
        assertEquals(3, Svgs.ofClass(svg, "dot").size(), "the pair panel spans over 100x: log, dots");
        assertEquals(2, Svgs.ofClass(svg, "bar").size());
        assertEquals(4, Svgs.ofClass(svg, "whisker").size(), "every finite error; run 2's window has NaN");
        assertTrue(Svgs.texts(svg, "caption").contains("2026-12-02, 2 CPUs"));
        assertTrue(Svgs.texts(svg, "caption").stream().anyMatch(c -> c.startsWith("data: ")));
    }
}
