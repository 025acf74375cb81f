package dev.jalloc.examples.sqlite;

/**
 * A call to SQLite that failed: carries SQLite's result code, its extended result code and SQLite's own message
 * ({@code sqlite3_errmsg}, or {@code sqlite3_errstr} of the code where the connection has no message of it).
 *
 * <p>The primary code is the low 8 bits of the extended one: a unique-key violation has {@link #code()}
 * {@value #CONSTRAINT} and {@link #extendedCode()} {@value #CONSTRAINT_UNIQUE} (or {@value #CONSTRAINT_PRIMARYKEY}
 * for a primary key). The constants here are the codes tests and callers usually look for; SQLite documents the rest.
 */
public final class SqliteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code SQLITE_ERROR}: a generic error, such as an SQL syntax error or a missing table. */
    public static final int ERROR = 1;
    /** {@code SQLITE_BUSY}: the database file is locked by another connection. */
    public static final int BUSY = 5;
    /** {@code SQLITE_CANTOPEN}: the database file cannot be opened. */
    public static final int CANTOPEN = 14;
    /** {@code SQLITE_CONSTRAINT}: a constraint was violated. */
    public static final int CONSTRAINT = 19;
    /** {@code SQLITE_MISMATCH}: a data type mismatch, such as a non-integer into an integer primary key. */
    public static final int MISMATCH = 20;
    /** {@code SQLITE_MISUSE}: the library was used incorrectly. */
    public static final int MISUSE = 21;
    /** {@code SQLITE_RANGE}: a parameter index out of range. */
    public static final int RANGE = 25;
    /** {@code SQLITE_CONSTRAINT_NOTNULL}: a NOT NULL constraint failed. */
    public static final int CONSTRAINT_NOTNULL = CONSTRAINT | (5 << 8);
    /** {@code SQLITE_CONSTRAINT_PRIMARYKEY}: a PRIMARY KEY constraint failed. */
    public static final int CONSTRAINT_PRIMARYKEY = CONSTRAINT | (6 << 8);
    /** {@code SQLITE_CONSTRAINT_UNIQUE}: a UNIQUE constraint failed. */
    public static final int CONSTRAINT_UNIQUE = CONSTRAINT | (8 << 8);

    private final int extendedCode;

    /**
     * Makes the exception of a failed call.
     *
     * @param call         the C function that failed, e.g. {@code sqlite3_step}
     * @param extendedCode SQLite's extended result code (its low 8 bits are the primary code)
     * @param message      SQLite's message
     */
    SqliteException(String call, int extendedCode, String message) {
        super(call + ": " + message + " (code " + (extendedCode & 0xff) + ", extended code " + extendedCode + ")");
        this.extendedCode = extendedCode;
    }

    /** {@return SQLite's primary result code, e.g. {@value #CONSTRAINT}} */
    public int code() {
        return extendedCode & 0xff;
    }

    /** {@return SQLite's extended result code, e.g. {@value #CONSTRAINT_UNIQUE}} */
    public int extendedCode() {
        return extendedCode;
    }
}
