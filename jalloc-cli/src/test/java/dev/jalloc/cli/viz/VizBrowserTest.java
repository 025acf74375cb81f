package dev.jalloc.cli.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jalloc.heap.Heap;
import dev.jalloc.heap.HeapPicture;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heap's page in a real browser, headless Chromium: the page loads without a script error, draws as many spans as
 * the heap has (the {@code data-drawn-spans} marker), and its screenshot is not blank. Skipped, with a message, where
 * Chromium is not installed (Debian: {@code apt-get install chromium}); the test installs nothing.
 */
class VizBrowserTest {
    /** Chromium's start-up in a sandboxed machine with no network: no first-run, no background connection. */
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");
    private static final long TIMEOUT_SECONDS = 120;

    @Test
    void theDemoPageDrawsEverySpan(@TempDir Path dir) throws Exception {
        Path chromium = chromium();
        HeapPicture picture;
        try (Heap heap = Heap.ofShared()) {
            VizDemo.run(heap);
            picture = heap.picture();
        }
        Path page = dir.resolve("demo.html");
        picture.writeHtml(page, "VizBrowserTest <demo> & \"quotes\"");
        checkInBrowser(chromium, dir, page, picture.spans());
    }

    @Test
    void aTracePageDrawsEverySpan(@TempDir Path dir) throws Exception {
        Path chromium = chromium();
        Path trace = VizCommandTest.trace(dir, "steps.rep");
        Path page = dir.resolve("trace.html");
        VizCommandTest.Run run = VizCommandTest.run("--trace", trace.toString(), "--out", page.toString());
        assertEquals(0, run.status(), run.err());
        checkInBrowser(chromium, dir, page, VizCommandTest.spansWritten(run.out()));
    }

    private static void checkInBrowser(Path chromium, Path dir, Path page, long spans) throws Exception {
        String url = page.toUri().toString();
        Path png = dir.resolve("page.png");
        chromium(chromium, dir, "shot", "--screenshot=" + png, "--window-size=1400,1000", url);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1400, image.getWidth());
        Set<Integer> colours = new HashSet<>();
        long notWhite = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                notWhite += rgb == 0xffffff ? 0 : 1;
            }
        }
        long pixels = (long) image.getWidth() * image.getHeight();
        System.out.printf("VizBrowserTest: %s: %d colours, %.1f %% of pixels not white%n", page.getFileName(),
                colours.size(), 100.0 * notWhite / pixels);
        assertTrue(colours.size() >= 6, "a picture, not a blank page: " + colours.size() + " colours");
        assertTrue(notWhite > pixels / 20, "a picture, not a blank page: " + notWhite + " pixels not white");

        String dom = chromium(chromium, dir, "dom", "--virtual-time-budget=2000", "--dump-dom", url);
        Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
        assertTrue(body.find(), "the DOM has a body:\n" + dom.substring(0, Math.min(dom.length(), 2000)));
        String attributes = body.group(1);
        assertFalse(attributes.contains("data-error"), "a script error: " + attributes);
        Matcher drawn = Pattern.compile("data-drawn-spans=\"(\\d+)\"").matcher(attributes);
        assertTrue(drawn.find(), "the page says it has drawn: " + attributes);
        assertEquals(spans, Long.parseLong(drawn.group(1)), "spans drawn");
    }

    /** {@return what Chromium printed on stdout}, run with {@code args} and a fresh profile; fails on a timeout */
    private static String chromium(Path chromium, Path dir, String name, String... args) throws Exception {
        Path profile = Files.createDirectories(dir.resolve("profile-" + name));
        List<String> command = new ArrayList<>();
        command.add(chromium.toString());
        command.addAll(FLAGS);
        command.add("--user-data-dir=" + profile);
        command.addAll(List.of(args));
        File out = dir.resolve(name + ".out").toFile();
        File err = dir.resolve(name + ".err").toFile();
        Process process = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("chromium " + String.join(" ", args) + ": no answer in " + TIMEOUT_SECONDS + " s; stderr:\n"
                    + Files.readString(err.toPath(), StandardCharsets.UTF_8));
        }
        assertEquals(0, process.exitValue(), "chromium " + String.join(" ", args) + " failed; stderr:\n"
                + Files.readString(err.toPath(), StandardCharsets.UTF_8));
        return Files.readString(out.toPath(), StandardCharsets.UTF_8);
    }

    /** {@return Chromium's executable}, or skips the test saying how to install it */
    private static Path chromium() {
        Optional<Path> found = find();
        Assumptions.assumeTrue(found.isPresent(), "headless Chromium not found (/usr/bin/chromium or chromium on "
                + "PATH): install the Debian package chromium (apt-get install chromium) to run this test");
        return found.get();
    }

    private static Optional<Path> find() {
        Path usual = Path.of("/usr/bin/chromium");
        if (Files.isExecutable(usual)) {
            return Optional.of(usual);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                Path candidate = Path.of(d.isEmpty() ? "." : d, "chromium");
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
