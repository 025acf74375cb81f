package dev.jalloc.examples.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Misuse is caught: SQLite's errors become {@link SqliteException}s with SQLite's codes and message, and a closed
 * connection or statement throws {@link IllegalStateException} instead of passing a freed handle to SQLite.
 */
class WrongUsageTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void sqlite() {
        assumeTrue(SqliteLibrary.isAvailable(), SqliteTesting.NO_LIBRARY);
    }

    @Test
    void syntax_error_is_sqlite_error_with_sqlites_message() {
        try (Database db = Database.open(":memory:")) {
            SqliteException e = assertThrows(SqliteException.class, () -> db.prepare("SELEKT 1"));
            assertEquals(SqliteException.ERROR, e.code());
            assertEquals(SqliteException.ERROR, e.extendedCode());
            assertTrue(e.getMessage().contains("near \"SELEKT\": syntax error"), e.getMessage());
            assertTrue(e.getMessage().startsWith("sqlite3_prepare_v3: "), e.getMessage());
            SqliteException missing = assertThrows(SqliteException.class, () -> db.exec("DELETE FROM nowhere"));
            assertEquals(SqliteException.ERROR, missing.code());
            assertTrue(missing.getMessage().contains("no such table: nowhere"), missing.getMessage());
        }
    }

    @Test
    void constraint_violations_carry_the_extended_code() {
        try (Database db = Database.open(":memory:")) {
            db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)");
            db.exec("INSERT INTO t VALUES (1, 'a')");
            try (Statement insert = db.prepare("INSERT INTO t VALUES (?, ?)")) {
                SqliteException primary = assertThrows(SqliteException.class,
                        () -> insert.bindLong(1, 1).bindText(2, "b").step());
                assertEquals(SqliteException.CONSTRAINT, primary.code());
                assertEquals(SqliteException.CONSTRAINT_PRIMARYKEY, primary.extendedCode());
                assertTrue(primary.getMessage().contains("UNIQUE constraint failed: t.id"), primary.getMessage());
                insert.reset();
                SqliteException unique = assertThrows(SqliteException.class,
                        () -> insert.bindLong(1, 2).bindText(2, "a").step());
                assertEquals(SqliteException.CONSTRAINT_UNIQUE, unique.extendedCode());
                insert.reset();
                SqliteException notNull = assertThrows(SqliteException.class,
                        () -> insert.bindLong(1, 3).bindNull(2).step());
                assertEquals(SqliteException.CONSTRAINT_NOTNULL, notNull.extendedCode());
                insert.reset();
                assertFalse(insert.bindLong(1, 4).bindText(2, "d").step(), "usable again after reset");
            }
        }
    }

    @Test
    void bind_out_of_range_is_sqlite_range_and_columns_are_checked() {
        try (Database db = Database.open(":memory:");
             Statement query = db.prepare("SELECT ?")) {
            SqliteException e = assertThrows(SqliteException.class, () -> query.bindLong(2, 1));
            assertEquals(SqliteException.RANGE, e.code());
            assertThrows(IllegalStateException.class, () -> query.columnLong(0), "no step yet");
            assertTrue(query.bindLong(1, 7).step());
            assertThrows(IndexOutOfBoundsException.class, () -> query.columnLong(1));
            assertThrows(IndexOutOfBoundsException.class, () -> query.columnText(-1));
            assertEquals(7, query.columnLong(0));
            assertFalse(query.step());
            assertThrows(IllegalStateException.class, () -> query.columnLong(0), "done: no current row");
            assertTrue(query.reset().bindNull(1).step());
            SqliteException running = assertThrows(SqliteException.class, () -> query.bindLong(1, 1));
            assertEquals(SqliteException.MISUSE, running.code(), "binding a running statement");
        }
    }

    @Test
    void text_with_nul_and_empty_sql_are_refused() {
        try (Database db = Database.open(":memory:")) {
            assertThrows(IllegalArgumentException.class, () -> db.exec("SELECT 1;\0 DROP TABLE t"));
            assertThrows(IllegalArgumentException.class, () -> db.prepare("  -- only a comment"));
            assertThrows(IllegalArgumentException.class, () -> Database.open("a\0b"));
        }
    }

    @Test
    void open_in_a_missing_directory_is_cantopen() {
        SqliteException e = assertThrows(SqliteException.class,
                () -> Database.open(dir.resolve("no/such/dir/x.db").toString()));
        assertEquals(SqliteException.CANTOPEN, e.code());
        assertTrue(e.getMessage().startsWith("sqlite3_open_v2: "), e.getMessage());
    }

    @Test
    void a_closed_database_and_its_statements_refuse_every_call() {
        Database db = Database.open(":memory:");
        db.exec("CREATE TABLE t (x)");
        Statement open = db.prepare("INSERT INTO t VALUES (?)");
        Statement closed = db.prepare("SELECT x FROM t");
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.step());
        assertThrows(IllegalStateException.class, () -> closed.bindLong(1, 1));
        closed.close();   // twice: nothing
        assertTrue(open.isOpen());
        db.close();
        assertFalse(db.isOpen());
        assertFalse(open.isOpen());
        assertThrows(IllegalStateException.class, () -> db.exec("SELECT 1"));
        assertThrows(IllegalStateException.class, () -> db.prepare("SELECT 1"));
        assertThrows(IllegalStateException.class, db::lastInsertRowid);
        assertThrows(IllegalStateException.class, db::changes);
        assertThrows(IllegalStateException.class, () -> open.bindLong(1, 1), "finalized with its database");
        assertThrows(IllegalStateException.class, () -> open.bindText(1, "x"));
        assertThrows(IllegalStateException.class, () -> open.bindBlob(1, new byte[1]));
        assertThrows(IllegalStateException.class, open::step);
        assertThrows(IllegalStateException.class, open::reset);
        assertThrows(IllegalStateException.class, () -> open.columnType(0));
        open.close();   // its database finalized it: nothing
        db.close();     // twice: nothing
    }

    @Test
    void another_thread_gets_wrong_thread_exception() throws InterruptedException {
        try (Database db = Database.open(":memory:");
             Statement query = db.prepare("SELECT 1")) {
            for (Runnable call : new Runnable[] {() -> db.exec("SELECT 1"), query::step, db::close, query::close}) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> CompletableFuture.runAsync(call, Thread::startVirtualThread).get());
                assertTrue(e.getCause() instanceof WrongThreadException, e.getCause().toString());
            }
            assertTrue(query.step(), "still usable from its own thread");
        }
    }
}
