package dev.jalloc.examples.sqlite;

/**
 * The storage class of a value in a result row, as {@code sqlite3_column_type} reports it: SQLite is dynamically
 * typed, so each value of a column may have its own.
 */
public enum ColumnType {
    /** A signed 64-bit integer ({@code SQLITE_INTEGER}, 1). */
    INTEGER,
    /** An IEEE 754 double ({@code SQLITE_FLOAT}, 2). */
    FLOAT,
    /** A UTF-8 string ({@code SQLITE_TEXT}, 3). */
    TEXT,
    /** Bytes ({@code SQLITE_BLOB}, 4). */
    BLOB,
    /** SQL NULL ({@code SQLITE_NULL}, 5). */
    NULL;

    private static final ColumnType[] BY_CODE = values();

    /**
     * {@return the type of SQLite's code {@code code}, 1 to 5}
     *
     * @param code the value {@code sqlite3_column_type} returned
     * @throws IllegalArgumentException if the code is not one of SQLite's five
     */
    static ColumnType of(int code) {
        if (code < 1 || code > BY_CODE.length) {
            throw new IllegalArgumentException("column type code: " + code + " (expected: 1 to 5)");
        }
        return BY_CODE[code - 1];
    }
}
