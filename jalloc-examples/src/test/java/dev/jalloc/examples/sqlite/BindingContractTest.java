package dev.jalloc.examples.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the binding does right, run with temporaries from each {@link Temporaries}: every bind type in, every column
 * accessor and type out, on a database file; reset and rebind; last insert rowid and changes.
 */
class BindingContractTest {
    private static final String NON_ASCII = "héllo wörld: ünïcödé ✓, 漢字, and a clef 𝄞 (a surrogate pair)";
    private static final String WITH_NUL = "before\0after";

    @TempDir
    Path dir;

    @BeforeAll
    static void sqlite() {
        assumeTrue(SqliteLibrary.isAvailable(), SqliteTesting.NO_LIBRARY);
    }

    @ParameterizedTest
    @EnumSource(Temporaries.class)
    void every_type_round_trips_through_a_file(Temporaries temporaries) {
        String file = dir.resolve("types.db").toString();
        byte[] blob = {0, 1, 2, (byte) 0xff, 0, 127, (byte) 0x80};
        try (Database db = Database.open(file, temporaries)) {
            db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, d REAL, s TEXT, b BLOB)");
            try (Statement insert = db.prepare("INSERT INTO t (id, i, d, s, b) VALUES (?, ?, ?, ?, ?)")) {
                insert.bindLong(1, 1).bindLong(2, Long.MIN_VALUE).bindDouble(3, -0.5).bindText(4, NON_ASCII)
                        .bindBlob(5, blob);
                assertFalse(insert.step());
                assertEquals(1, db.lastInsertRowid());
                assertEquals(1, db.changes());
                insert.reset();
                insert.bindLong(1, 2).bindLong(2, Long.MAX_VALUE).bindDouble(3, Double.MAX_VALUE).bindText(4, "")
                        .bindBlob(5, new byte[0]);
                assertFalse(insert.step());
                insert.reset();
                insert.bindLong(1, 3).bindNull(2).bindNull(3).bindText(4, null).bindBlob(5, null);
                assertFalse(insert.step());
                insert.reset();
                insert.bindLong(1, 4).bindLong(2, 0).bindDouble(3, Double.MIN_VALUE).bindText(4, WITH_NUL)
                        .bindNull(5);
                assertFalse(insert.step());
                assertEquals(4, db.lastInsertRowid());
            }
        }
        try (Database db = Database.open(file, temporaries);
             Statement query = db.prepare("SELECT id, i, d, s, b FROM t ORDER BY id")) {
            assertTrue(query.step());
            assertEquals(5, query.columnCount());
            assertEquals(ColumnType.INTEGER, query.columnType(1));
            assertEquals(Long.MIN_VALUE, query.columnLong(1));
            assertEquals(ColumnType.FLOAT, query.columnType(2));
            assertEquals(-0.5, query.columnDouble(2));
            assertEquals(ColumnType.TEXT, query.columnType(3));
            assertEquals(NON_ASCII, query.columnText(3));
            assertEquals(ColumnType.BLOB, query.columnType(4));
            assertArrayEquals(blob, query.columnBlob(4));

            assertTrue(query.step());
            assertEquals(Long.MAX_VALUE, query.columnLong(1));
            assertEquals(Double.MAX_VALUE, query.columnDouble(2));
            assertEquals(ColumnType.TEXT, query.columnType(3));
            assertEquals("", query.columnText(3));
            assertEquals(ColumnType.BLOB, query.columnType(4), "a blob of zero bytes is not NULL");
            assertArrayEquals(new byte[0], query.columnBlob(4));

            assertTrue(query.step());
            for (int column = 1; column < 5; column++) {
                assertEquals(ColumnType.NULL, query.columnType(column));
            }
            assertEquals(0, query.columnLong(1));
            assertEquals(0.0, query.columnDouble(2));
            assertNull(query.columnText(3));
            assertNull(query.columnBlob(4));

            assertTrue(query.step());
            assertEquals(Double.MIN_VALUE, query.columnDouble(2));
            assertEquals(WITH_NUL, query.columnText(3), "a NUL inside bound text is part of it");
            assertEquals(ColumnType.NULL, query.columnType(4));
            assertFalse(query.step());
        }
    }

    @Test
    void the_library_reports_its_version() {
        String version = SqliteLibrary.version();
        assertTrue(version.matches("3\\.\\d+\\.\\d+"), version);
        try (Database db = Database.open(":memory:"); Statement query = db.prepare("SELECT sqlite_version()")) {
            assertTrue(query.step());
            assertEquals(version, query.columnText(0));
        }
    }

    @ParameterizedTest
    @EnumSource(Temporaries.class)
    void columns_convert_by_sqlites_rules(Temporaries temporaries) {
        try (Database db = Database.open(":memory:", temporaries);
             Statement query = db.prepare("SELECT 42, '17', 2.75, x'414243'")) {
            assertTrue(query.step());
            assertEquals("42", query.columnText(0));
            assertArrayEquals(new byte[] {'4', '2'}, query.columnBlob(0));
            assertEquals(ColumnType.TEXT, query.columnType(1));
            assertEquals(17, query.columnLong(1));
            assertEquals(2, query.columnLong(2));
            assertEquals("ABC", query.columnText(3));
        }
    }

    @ParameterizedTest
    @EnumSource(Temporaries.class)
    void reset_reruns_with_the_bound_values_and_rebinding_replaces_them(Temporaries temporaries) {
        try (Database db = Database.open(":memory:", temporaries)) {
            db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
            db.exec("INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            assertEquals(3, db.changes());
            assertEquals(3, db.lastInsertRowid());
            try (Statement query = db.prepare("SELECT v FROM t WHERE k >= ? ORDER BY k")) {
                query.bindLong(1, 2);
                assertTrue(query.step());
                assertEquals("two", query.columnText(0));
                query.reset();
                assertTrue(query.step(), "the bound value stays across reset");
                assertEquals("two", query.columnText(0));
                assertTrue(query.step());
                assertEquals("three", query.columnText(0));
                assertFalse(query.step());
                query.reset().bindLong(1, 1);
                assertTrue(query.step());
                assertEquals("one", query.columnText(0));
            }
            try (Statement update = db.prepare("UPDATE t SET v = ? WHERE k < ?")) {
                update.bindText(1, "small").bindLong(2, 3);
                assertFalse(update.step());
                assertEquals(2, db.changes());
            }
            try (Statement insert = db.prepare("INSERT INTO t (v) VALUES (?)")) {
                String longText = "x".repeat(Database.TEXT_BUFFER_MAX + 1);   // decoded into an array of its own
                insert.bindText(1, longText).step();
                assertEquals(4, db.lastInsertRowid());
                try (Statement query = db.prepare("SELECT v FROM t WHERE k = 4")) {
                    assertTrue(query.step());
                    assertEquals(longText, query.columnText(0));
                }
            }
        }
    }
}
