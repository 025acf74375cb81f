package dev.jalloc.examples.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binding writes a database file that the {@code sqlite3} command-line tool reads the same: row count, sum of the
 * integers, and the SHA3-256 of every text concatenated in key order (the shell's {@code sha3()}), each computed three
 * ways: from the rows as generated, from the binding's scan, and by the CLI. Skips where the CLI is not installed.
 */
class SqliteCliTest {
    private static final int ROWS = 5_000;
    private static final String CLI_QUERY = "SELECT count(*), sum(i), lower(hex(sha3(group_concat(t, ''))))"
            + " FROM (SELECT i, t FROM kv ORDER BY k)";

    @TempDir
    Path dir;

    @BeforeAll
    static void sqlite() {
        assumeTrue(SqliteLibrary.isAvailable(), SqliteTesting.NO_LIBRARY);
    }

    @Test
    void the_cli_reads_what_the_binding_wrote() throws IOException, InterruptedException {
        Path cli = findCli();
        assumeTrue(cli != null, "the sqlite3 command-line tool is not installed (Debian package sqlite3):"
                + " the check against it skips");
        SplittableRandom random = new SplittableRandom(SqliteTesting.seed("SqliteCliTest"));
        Path file = dir.resolve("cli.db");
        MessageDigest generated = sha3();
        long generatedSum = 0;
        try (Database db = Database.open(file.toString())) {
            db.exec("CREATE TABLE kv (k INTEGER PRIMARY KEY, i INTEGER, t TEXT, d REAL)");
            db.exec("BEGIN");
            try (Statement insert = db.prepare("INSERT INTO kv VALUES (?, ?, ?, ?)")) {
                for (int k = 0; k < ROWS; k++) {
                    int i = random.nextInt();
                    String text = SqliteTesting.text(random, 20, 200);
                    insert.bindLong(1, k).bindLong(2, i).bindText(3, text).bindDouble(4, random.nextDouble());
                    assertFalse(insert.step());
                    insert.reset();
                    generatedSum += i;
                    generated.update(text.getBytes(StandardCharsets.UTF_8));
                }
            }
            db.exec("COMMIT");
        }
        String expected = ROWS + "|" + generatedSum + "|" + HexFormat.of().formatHex(generated.digest());

        MessageDigest scanned = sha3();
        long count = 0;
        long sum = 0;
        try (Database db = Database.open(file.toString());
             Statement scan = db.prepare("SELECT i, t FROM kv ORDER BY k")) {
            while (scan.step()) {
                count++;
                sum += scan.columnLong(0);
                scanned.update(scan.columnText(1).getBytes(StandardCharsets.UTF_8));
            }
        }
        assertEquals(expected, count + "|" + sum + "|" + HexFormat.of().formatHex(scanned.digest()), "the scan");

        Process process = new ProcessBuilder(cli.toString(), "-batch", "-noheader", "-separator", "|",
                file.toString(), CLI_QUERY).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "sqlite3 did not finish");
        assertEquals(0, process.exitValue(), output);
        assertEquals(expected, output, "the sqlite3 CLI");
    }

    /** {@return {@code sqlite3} on the PATH, or {@code null}} */
    private static Path findCli() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin");
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory, "sqlite3");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static MessageDigest sha3() {
        try {
            return MessageDigest.getInstance("SHA3-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA3-256", e);
        }
    }
}
