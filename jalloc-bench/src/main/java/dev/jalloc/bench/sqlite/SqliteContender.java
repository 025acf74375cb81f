package dev.jalloc.bench.sqlite;

import java.sql.SQLException;

/**
 * One way of doing the benchmark's three workloads on a database file whose table is
 * {@value SqliteRows#CREATE_TABLE}. A contender is opened on its benchmark thread and used from it only.
 */
interface SqliteContender extends AutoCloseable {
    /** The statement of every insert. */
    String INSERT = "INSERT INTO kv (k, i, t, d) VALUES (?, ?, ?, ?)";
    /** The statement of every point query. */
    String POINT_QUERY = "SELECT i, t, d FROM kv WHERE k = ?";
    /** The statement of the scan. */
    String SCAN = "SELECT k, i, t, d FROM kv";

    /**
     * Inserts {@link SqliteRows#count()} rows, one statement run per row, in one transaction (committed before this
     * returns). {@return a sum of what was bound, so that the work is consumed}
     *
     * @param rows the rows
     * @throws SQLException if the JDBC contender fails
     */
    long insertAll(SqliteRows rows) throws SQLException;

    /**
     * Runs {@link SqliteRows#count()} point queries by key, each reading the row's three columns. {@return a sum
     * over what was read}
     *
     * @param rows the rows, for the keys to query
     * @throws SQLException if the JDBC contender fails
     */
    long pointQueries(SqliteRows rows) throws SQLException;

    /**
     * Reads every row and every column of the table. {@return a sum over what was read}
     *
     * @throws SQLException if the JDBC contender fails
     */
    long scan() throws SQLException;

    /**
     * Runs {@code PRAGMA pragma} on this connection, to read or set one of SQLite's settings the same way on every
     * contender. {@return the first column of its first row as text, or {@code null} if it returns no row}
     *
     * @param pragma what follows {@code PRAGMA}: {@code "cache_size"}, {@code "cache_size = 40000"}, ...
     * @throws SQLException if the JDBC contender fails
     */
    String pragma(String pragma) throws SQLException;

    /**
     * Closes the connection.
     *
     * @throws SQLException if the JDBC contender fails
     */
    @Override
    void close() throws SQLException;

    /**
     * {@return the contender named {@code name}, connected to {@code file}}
     *
     * @param name {@code scratch}, {@code confinedArena}, {@code preparedOnce} or {@code sqliteJdbc}
     * @param file the database file
     * @throws SQLException if the JDBC driver cannot connect
     */
    static SqliteContender open(String name, String file) throws SQLException {
        return switch (name) {
            case "scratch" -> new BindingContender(file, dev.jalloc.examples.sqlite.Temporaries.SCRATCH, false);
            case "confinedArena" -> new BindingContender(file,
                    dev.jalloc.examples.sqlite.Temporaries.CONFINED_ARENA_PER_CALL, false);
            case "preparedOnce" -> new BindingContender(file, dev.jalloc.examples.sqlite.Temporaries.SCRATCH, true);
            case "sqliteJdbc" -> new JdbcContender(file);
            default -> throw new IllegalArgumentException("contender: " + name
                    + " (expected: scratch, confinedArena, preparedOnce or sqliteJdbc)");
        };
    }
}
