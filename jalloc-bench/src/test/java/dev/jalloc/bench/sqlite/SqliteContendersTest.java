package dev.jalloc.bench.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.examples.sqlite.Database;
import dev.jalloc.examples.sqlite.SqliteLibrary;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contenders of {@link SqliteBench} do the same work: on the same rows, each one's inserts, point queries and
 * scan give the same sums, and those are the sums the rows make, with every page cache and locking mode of the
 * point queries, which each contender's connection reports back as set.
 */
class SqliteContendersTest {
    private static final int ROWS = 1001;

    @TempDir
    Path dir;

    @Test
    void every_contender_inserts_and_reads_the_same_rows() throws SQLException {
        assumeTrue(SqliteLibrary.isAvailable(), "SQLite is not installed (Debian package "
                + SqliteLibrary.DEBIAN_PACKAGE + "): the benchmark's contenders cannot be checked");
        SqliteRows rows = new SqliteRows(ROWS);
        long pointSum = 0;
        long scanSum = 0;
        for (int k = 0; k < ROWS; k++) {
            int key = rows.queryKey(k);
            pointSum += SqliteRows.number(key) + rows.text(key).length() + (long) SqliteRows.real(key);
            scanSum += k + SqliteRows.number(k) + rows.text(k).length() + (long) SqliteRows.real(k);
        }
        for (String name : new String[] {"scratch", "confinedArena", "preparedOnce", "sqliteJdbc"}) {
            String file = dir.resolve(name + ".db").toString();
            try (Database db = Database.open(file)) {
                db.exec(SqliteRows.CREATE_TABLE);
            }
            try (SqliteContender contender = SqliteContender.open(name, file)) {
                assertEquals(ROWS, contender.insertAll(rows), name + ": rows inserted");
                assertEquals(pointSum, contender.pointQueries(rows), name + ": point queries");
                assertEquals(scanSum, contender.scan(), name + ": scan");
            }
            long pages = SqliteRows.pageCount(file);
            for (String pageCache : new String[] {"table", "default"}) {
                for (String locking : new String[] {"normal", "exclusive"}) {
                    String what = name + ", pageCache=" + pageCache + ", locking=" + locking;
                    try (SqliteContender contender = SqliteContender.open(name, file)) {
                        SqliteBench.configure(contender, pageCache, locking, pages);   // throws unless applied
                        assertEquals(pageCache.equals("table") ? Long.toString(pages) : "-2000",
                                contender.pragma("cache_size"), what);
                        assertEquals(pointSum, contender.pointQueries(rows), what + ": point queries");
                    }
                }
            }
        }
    }

    @Test
    void both_sqlite_builds_default_to_the_same_page_cache() throws SQLException {
        assumeTrue(SqliteLibrary.isAvailable(), "SQLite is not installed (Debian package "
                + SqliteLibrary.DEBIAN_PACKAGE + ")");
        String file = dir.resolve("defaults.db").toString();
        new SqliteRows(10).fill(file);
        for (String name : new String[] {"scratch", "sqliteJdbc"}) {
            try (SqliteContender contender = SqliteContender.open(name, file)) {
                assertEquals(Long.toString(SqliteBench.SQLITE_DEFAULT_CACHE_SIZE), contender.pragma("cache_size"),
                        name);
                assertEquals("normal", contender.pragma("locking_mode"), name);
            }
        }
    }
}
