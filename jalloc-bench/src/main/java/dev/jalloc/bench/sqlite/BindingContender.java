package dev.jalloc.bench.sqlite;

import dev.jalloc.examples.sqlite.Database;
import dev.jalloc.examples.sqlite.Statement;
import dev.jalloc.examples.sqlite.Temporaries;

/**
 * The FFM binding of {@code dev.jalloc.examples.sqlite}, with its temporaries from a scratch temp or a confined
 * arena per call. Inserts and the scan prepare their statement once; point queries prepare one per query, as JDBC
 * code that opens a {@code PreparedStatement} per call does, unless {@code preparedOnce}: then one statement is
 * rebound and reset for every query, which needs no temporaries at all (the speed of light of the binding).
 */
final class BindingContender implements SqliteContender {
    private final Database db;
    private final boolean preparedOnce;

    /**
     * Opens the file.
     *
     * @param file         the database file
     * @param temporaries  where the calls' temporaries come from
     * @param preparedOnce whether point queries reuse one statement
     */
    BindingContender(String file, Temporaries temporaries, boolean preparedOnce) {
        this.db = Database.open(file, temporaries);
        this.preparedOnce = preparedOnce;
    }

    @Override
    public long insertAll(SqliteRows rows) {
        long sum = 0;
        db.exec("BEGIN");
        try (Statement insert = db.prepare(INSERT)) {
            for (int k = 0; k < rows.count(); k++) {
                insert.bindLong(1, k).bindLong(2, SqliteRows.number(k)).bindText(3, rows.text(k))
                        .bindDouble(4, SqliteRows.real(k)).step();
                insert.reset();
                sum += db.changes();   // what JDBC's executeUpdate returns
            }
        }
        db.exec("COMMIT");
        return sum;
    }

    @Override
    public long pointQueries(SqliteRows rows) {
        long sum = 0;
        if (preparedOnce) {
            try (Statement query = db.prepare(POINT_QUERY)) {
                for (int i = 0; i < rows.count(); i++) {
                    query.bindLong(1, rows.queryKey(i));
                    sum += read(query);
                    query.reset();
                }
            }
            return sum;
        }
        for (int i = 0; i < rows.count(); i++) {
            try (Statement query = db.prepare(POINT_QUERY)) {
                query.bindLong(1, rows.queryKey(i));
                sum += read(query);
            }
        }
        return sum;
    }

    private static long read(Statement query) {
        if (!query.step()) {
            throw new IllegalStateException("no row");
        }
        return query.columnLong(0) + query.columnText(1).length() + (long) query.columnDouble(2);
    }

    @Override
    public long scan() {
        long sum = 0;
        try (Statement scan = db.prepare(SCAN)) {
            while (scan.step()) {
                sum += scan.columnLong(0) + scan.columnLong(1) + scan.columnText(2).length()
                        + (long) scan.columnDouble(3);
            }
        }
        return sum;
    }

    @Override
    public String pragma(String pragma) {
        return SqliteRows.pragma(db, pragma);
    }

    @Override
    public void close() {
        db.close();
    }
}
