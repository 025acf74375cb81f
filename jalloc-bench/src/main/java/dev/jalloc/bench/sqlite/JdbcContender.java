package dev.jalloc.bench.sqlite;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * {@code org.xerial:sqlite-jdbc}: the JDBC driver most Java programs use for SQLite, which calls the SQLite it
 * bundles (its own version, not the system's) through JNI. The same statements as {@link BindingContender}, written
 * the way JDBC code is: one {@link PreparedStatement} per point query, {@code setAutoCommit(false)} and
 * {@code commit()} around the inserts.
 */
final class JdbcContender implements SqliteContender {
    private final Connection connection;

    /**
     * Connects to the file.
     *
     * @param file the database file
     * @throws SQLException if the driver cannot connect
     */
    JdbcContender(String file) throws SQLException {
        connection = DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    @Override
    public long insertAll(SqliteRows rows) throws SQLException {
        long sum = 0;
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (int k = 0; k < rows.count(); k++) {
                insert.setLong(1, k);
                insert.setLong(2, SqliteRows.number(k));
                insert.setString(3, rows.text(k));
                insert.setDouble(4, SqliteRows.real(k));
                sum += insert.executeUpdate();
            }
        }
        connection.commit();
        connection.setAutoCommit(true);
        return sum;
    }

    @Override
    public long pointQueries(SqliteRows rows) throws SQLException {
        long sum = 0;
        for (int i = 0; i < rows.count(); i++) {
            try (PreparedStatement query = connection.prepareStatement(POINT_QUERY)) {
                query.setLong(1, rows.queryKey(i));
                try (ResultSet row = query.executeQuery()) {
                    if (!row.next()) {
                        throw new IllegalStateException("no row");
                    }
                    sum += row.getLong(1) + row.getString(2).length() + (long) row.getDouble(3);
                }
            }
        }
        return sum;
    }

    @Override
    public long scan() throws SQLException {
        long sum = 0;
        try (PreparedStatement scan = connection.prepareStatement(SCAN);
             ResultSet row = scan.executeQuery()) {
            while (row.next()) {
                sum += row.getLong(1) + row.getLong(2) + row.getString(3).length() + (long) row.getDouble(4);
            }
        }
        return sum;
    }

    @Override
    public String pragma(String pragma) throws SQLException {
        try (java.sql.Statement statement = connection.createStatement()) {
            if (!statement.execute("PRAGMA " + pragma)) {
                return null;
            }
            try (ResultSet row = statement.getResultSet()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
