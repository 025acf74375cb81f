package dev.jalloc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build step: writes the home of the JVM running it (the JDK Maven's toolchain chose) to the file named by the
 * argument, so that the {@code ./jalloc} launcher runs on that JDK without asking Maven again.
 */
final class RecordJavaHome {
    private RecordJavaHome() {
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[0]), System.getProperty("java.home") + System.lineSeparator());
    }
}
