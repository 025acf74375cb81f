package dev.jalloc.examples.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random inserts, replacements, deletes and point queries against a {@link TreeMap} model, with temporaries from each
 * {@link Temporaries}; a scan at the end must read back exactly the model. Seeded: the seed is printed.
 */
class RandomizedModelTest {
    private static final int OPERATIONS = 20_000;
    private static final int KEYS = 2_000;

    /** One row of the model. */
    private record Row(long number, String text, double real, byte[] blob) {
    }

    @BeforeAll
    static void sqlite() {
        assumeTrue(SqliteLibrary.isAvailable(), SqliteTesting.NO_LIBRARY);
    }

    @ParameterizedTest
    @EnumSource(Temporaries.class)
    void random_operations_match_the_model(Temporaries temporaries) {
        SplittableRandom random = new SplittableRandom(SqliteTesting.seed("RandomizedModelTest[" + temporaries + "]"));
        Map<Long, Row> model = new TreeMap<>();
        try (Database db = Database.open(":memory:", temporaries)) {
            db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, n INTEGER, s TEXT, r REAL, b BLOB)");
            try (Statement upsert = db.prepare("INSERT OR REPLACE INTO t VALUES (?, ?, ?, ?, ?)");
                 Statement delete = db.prepare("DELETE FROM t WHERE k = ?");
                 Statement query = db.prepare("SELECT n, s, r, b FROM t WHERE k = ?")) {
                for (int i = 0; i < OPERATIONS; i++) {
                    long key = random.nextInt(KEYS);
                    switch (random.nextInt(4)) {
                        case 0, 1 -> {
                            byte[] blob = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(1, 64)];
                            random.nextBytes(blob);
                            Row row = new Row(random.nextLong(), SqliteTesting.text(random, 0, 200),
                                    random.nextDouble(-1e9, 1e9), blob);
                            upsert.bindLong(1, key).bindLong(2, row.number()).bindText(3, row.text())
                                    .bindDouble(4, row.real()).bindBlob(5, row.blob());
                            assertFalse(upsert.step());
                            upsert.reset();
                            model.put(key, row);
                        }
                        case 2 -> {
                            assertFalse(delete.bindLong(1, key).step());
                            assertEquals(model.remove(key) != null ? 1 : 0, db.changes());
                            delete.reset();
                        }
                        default -> {
                            Row expected = model.get(key);
                            assertEquals(expected != null, query.bindLong(1, key).step());
                            if (expected != null) {
                                assertRow(expected, query);
                                assertFalse(query.step());
                            }
                            query.reset();
                        }
                    }
                }
            }
            try (Statement scan = db.prepare("SELECT k, n, s, r, b FROM t ORDER BY k")) {
                for (Map.Entry<Long, Row> entry : model.entrySet()) {
                    assertTrue(scan.step());
                    assertEquals(entry.getKey(), scan.columnLong(0));
                    Row row = entry.getValue();
                    assertEquals(row.number(), scan.columnLong(1));
                    assertEquals(row.text(), scan.columnText(2));
                    assertEquals(row.real(), scan.columnDouble(3));
                    assertArrayEquals(row.blob(), scan.columnBlob(4));
                }
                assertFalse(scan.step());
            }
        }
    }

    private static void assertRow(Row expected, Statement query) {
        assertEquals(expected.number(), query.columnLong(0));
        assertEquals(expected.text(), query.columnText(1));
        assertEquals(expected.real(), query.columnDouble(2));
        assertEquals(ColumnType.BLOB, query.columnType(3));
        assertArrayEquals(expected.blob(), query.columnBlob(3));
    }
}
