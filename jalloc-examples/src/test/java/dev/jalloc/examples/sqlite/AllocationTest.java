package dev.jalloc.examples.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The binding's calls make no Java garbage of their own: temporaries come from scratch temps, not from per-call
 * arenas or arrays. Measured with the thread's allocated-bytes counter over 100,000 point queries after a warm-up
 * that lets the JIT compile them; a count of bytes, not a timing.
 */
class AllocationTest {
    private static final int ROWS = 1000;
    private static final int QUERIES = 100_000;
    /** Calls into the binding per point query: prepare, bind, step, two columns, step, close. */
    private static final int CALLS_PER_QUERY = 7;

    @BeforeAll
    static void sqlite() {
        assumeTrue(SqliteLibrary.isAvailable(), SqliteTesting.NO_LIBRARY);
    }

    @Test
    void point_queries_make_at_most_a_few_bytes_of_garbage_per_call() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes per thread");
        try (Database db = Database.open(":memory:")) {
            db.exec("CREATE TABLE kv (k INTEGER PRIMARY KEY, t TEXT, d REAL)");
            db.exec("BEGIN");
            try (Statement insert = db.prepare("INSERT INTO kv (k, t, d) VALUES (?, ?, ?)")) {
                for (int k = 0; k < ROWS; k++) {
                    insert.bindLong(1, k).bindText(2, "text of row " + k).bindDouble(3, k * 0.5).step();
                    insert.reset();
                }
            }
            db.exec("COMMIT");
            long sum = 0;
            for (int round = 0; round < 4; round++) {   // the first three warm up
                long before = threads.getCurrentThreadAllocatedBytes();
                sum = pointQueries(db);
                long bytes = threads.getCurrentThreadAllocatedBytes() - before;
                double perCall = (double) bytes / QUERIES / CALLS_PER_QUERY;
                System.out.printf("AllocationTest: round %d: %,d bytes over %,d point queries = %.2f bytes per call%n",
                        round, bytes, QUERIES, perCall);
                if (round == 3) {
                    assertTrue(perCall < 8, perCall + " bytes per call (expected: a few at most)");
                }
            }
            long expected = 0;
            for (int i = 0; i < QUERIES; i++) {
                expected += i % ROWS;
            }
            assertEquals(expected * 2, sum);
        }
    }

    /** {@return the sum over {@value #QUERIES} point queries of the key plus twice the double} (twice the keys) */
    private static long pointQueries(Database db) {
        long sum = 0;
        for (int i = 0; i < QUERIES; i++) {
            sum += pointQuery(db, i % ROWS);
        }
        return sum;
    }

    /**
     * {@return the key plus twice the double of row {@code key}}: one query as a program makes it, in a method of its
     * own that the JIT compiles whole (the loop above would otherwise only run as on-stack-replaced code, which
     * inlines less and so lets objects escape that a compiled caller does not).
     */
    private static long pointQuery(Database db, long key) {
        long sum = 0;
        try (Statement query = db.prepare("SELECT k, d FROM kv WHERE k = ?")) {
            query.bindLong(1, key);
            while (query.step()) {
                sum += query.columnLong(0) + (long) (2 * query.columnDouble(1));
            }
        }
        return sum;
    }
}
