package dev.jalloc.bench.sqlite;

import dev.jalloc.examples.sqlite.Database;
import dev.jalloc.examples.sqlite.Statement;
import java.util.SplittableRandom;

/**
 * The rows of the SQLite benchmark: row {@code k} (0 to {@code count - 1}) is {@code (k, int, text, double)} with
 * an ASCII text of 20 to 200 bytes. The texts come from a pool of {@value #TEXTS} made from a fixed seed, so that the
 * rows stay the same from run to run and cost the Java heap a few hundred KiB, not the 10<sup>8</sup> bytes of a
 * text per row.
 */
final class SqliteRows {
    /** The table every contender works on. */
    static final String CREATE_TABLE = "CREATE TABLE kv (k INTEGER PRIMARY KEY, i INTEGER, t TEXT, d REAL)";
    /** How many distinct texts there are. */
    static final int TEXTS = 4096;

    private final int count;
    private final String[] texts = new String[TEXTS];

    /**
     * Makes the rows.
     *
     * @param count how many
     */
    SqliteRows(int count) {
        this.count = count;
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < TEXTS; i++) {
            char[] text = new char[random.nextInt(20, 201)];
            for (int c = 0; c < text.length; c++) {
                text[c] = (char) random.nextInt(' ', '~' + 1);
            }
            texts[i] = new String(text);
        }
    }

    /** {@return how many rows there are} */
    int count() {
        return count;
    }

    /**
     * {@return the integer of row {@code k}}
     *
     * @param k the row's key
     */
    static int number(int k) {
        return k * 31 + 7;
    }

    /**
     * {@return the text of row {@code k}}
     *
     * @param k the row's key
     */
    String text(int k) {
        return texts[k & (TEXTS - 1)];
    }

    /**
     * {@return the double of row {@code k}}
     *
     * @param k the row's key
     */
    static double real(int k) {
        return k * 0.25;
    }

    /**
     * {@return the key the {@code i}-th point query asks for}: every key once in {@code count} queries, in an
     * order that jumps around the table ({@code i} times 2654435761 modulo the count: a prime, so coprime with
     * every smaller count, which makes the map a permutation).
     *
     * @param i the query's number
     */
    int queryKey(int i) {
        return (int) ((i * 2654435761L) % count);
    }

    /**
     * {@return the first column of the first row of {@code PRAGMA pragma} on {@code db} as text, or {@code null} if
     * it returns no row}
     *
     * @param db     the connection
     * @param pragma what follows {@code PRAGMA}
     */
    static String pragma(Database db, String pragma) {
        try (Statement statement = db.prepare("PRAGMA " + pragma)) {
            return statement.step() ? statement.columnText(0) : null;
        }
    }

    /**
     * {@return how many pages the database file has} ({@code PRAGMA page_count}): a page cache of that many pages
     * holds the whole table.
     *
     * @param file a database file
     */
    static long pageCount(String file) {
        try (Database db = Database.open(file)) {
            return Long.parseLong(pragma(db, "page_count"));
        }
    }

    /**
     * Writes every row into a new table of {@code file} with the binding, in one transaction.
     *
     * @param file a database file without the table
     */
    void fill(String file) {
        try (Database db = Database.open(file)) {
            db.exec(CREATE_TABLE);
            db.exec("BEGIN");
            try (Statement insert = db.prepare(SqliteContender.INSERT)) {
                for (int k = 0; k < count; k++) {
                    insert.bindLong(1, k).bindLong(2, number(k)).bindText(3, text(k)).bindDouble(4, real(k)).step();
                    insert.reset();
                }
            }
            db.exec("COMMIT");
        }
    }
}
