package dev.jalloc.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jalloc.cli.plot.Figure.Scale;
import dev.jalloc.cli.plot.FigureSvg.Orientation;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A figure drawn by a real browser, headless Chromium: its screenshot is not blank and has the series' colours.
 * Skipped, with a message, where Chromium is not installed (Debian: {@code apt-get install chromium}); the test
 * installs nothing.
 */
class PlotBrowserTest {
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");
    private static final long TIMEOUT_SECONDS = 120;

    @Test
    void aFigureRendersWithItsColours(@TempDir Path dir) throws Exception {
        Path chromium = chromium();
        Figure figure = FigureSvgTest.sample(Scale.LINEAR);
        Path svg = dir.resolve("figure.svg");
        FigureSvg.write(figure, Orientation.HORIZONTAL, svg);
        Path png = dir.resolve("figure.png");
        Path profile = Files.createDirectories(dir.resolve("profile"));
        List<String> command = new ArrayList<>();
        command.add(chromium.toString());
        command.addAll(FLAGS);
        command.addAll(List.of("--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=880,700",
                svg.toUri().toString()));
        File err = dir.resolve("chromium.err").toFile();
        Process process = new ProcessBuilder(command).redirectOutput(dir.resolve("chromium.out").toFile())
                .redirectError(err).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("chromium: no answer in " + TIMEOUT_SECONDS + " s");
        }
        assertEquals(0, process.exitValue(), "chromium failed: " + Files.readString(err.toPath(),
                StandardCharsets.UTF_8));
        BufferedImage image = ImageIO.read(png.toFile());
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
        System.out.printf("PlotBrowserTest: %d colours, %.1f %% of pixels not white%n", colours.size(),
                100.0 * notWhite / pixels);
        assertTrue(notWhite > pixels / 50, "a chart, not a blank page: " + notWhite + " pixels not white");
        for (String series : figure.series()) {
            int rgb = Integer.parseInt(Palette.colours(figure.series()).get(series).substring(1), 16);
            assertTrue(colours.contains(rgb), "the colour of " + series + " is drawn: #" + Integer.toHexString(rgb));
        }
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
