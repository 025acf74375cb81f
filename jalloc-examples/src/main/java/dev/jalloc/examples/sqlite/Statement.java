package dev.jalloc.examples.sqlite;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.charset.StandardCharsets;

/**
 * A compiled statement ({@code sqlite3_stmt *}) of a {@link Database}: bind values, {@link #step()} through the
 * result rows reading columns, {@link #reset()} to run it again, {@link #close()} to finalize it.
 *
 * {@snippet :
 * try (Statement insert = db.prepare("INSERT INTO t (id, name, score, photo) VALUES (?, ?, ?, ?)")) {
 *     for (Row row : rows) {
 *         insert.bindLong(1, row.id()).bindText(2, row.name()).bindDouble(3, row.score()).bindBlob(4, row.photo());
 *         insert.step();
 *         insert.reset();
 *     }
 * }
 * }
 *
 * <p>Parameters are numbered from 1, columns from 0, as in SQLite's C API. A statement is confined to its
 * database's thread and refuses every call ({@link IllegalStateException}) once it or its database is closed.
 *
 * <h2>Bound text and blobs</h2>
 * They are copied into the call's temporaries and bound with {@code SQLITE_TRANSIENT}, so SQLite makes its own copy
 * before {@code bind} returns (into the statement's parameter, whose buffer it reuses from one bind to the next).
 * {@code SQLITE_STATIC} would spare that copy but requires the bytes to stay valid until the parameter is rebound,
 * the statement reset or finalized: a temporary ends with the call, so it would need a buffer owned by the
 * statement per parameter, kept in step with SQLite's own lifetime rules; the copy of a few hundred bytes is not
 * worth that.
 *
 * <h2>Text read back</h2>
 * {@link #columnText} copies the bytes of {@code sqlite3_column_text} (length from {@code sqlite3_column_bytes})
 * into a buffer the connection reuses, then decodes that buffer: the only array made per call is the String's own.
 * JDK 25's {@link MemorySegment#getString(long)} would scan for the terminating NUL the length already tells, copy
 * into a fresh array, and decode from it; the FFM API has no way to decode native bytes straight into a String.
 */
public final class Statement implements AutoCloseable {
    private final Database database;
    /** The address of the {@code sqlite3_stmt *}, valid while neither this statement nor its database is closed. */
    private final long address;
    private boolean closed;
    /** Columns of the current row, or -1 when there is no current row. */
    private int rowColumns = -1;

    /**
     * Wraps a statement SQLite compiled.
     *
     * @param database its connection
     * @param address  the {@code sqlite3_stmt *}, not NULL
     */
    Statement(Database database, long address) {
        this.database = database;
        this.address = address;
    }

    // ---- binding ----

    /**
     * Binds a 64-bit integer to parameter {@code index}.
     *
     * @return this statement
     * @param index the parameter's number, from 1
     * @param value its value
     * @throws SqliteException       {@link SqliteException#RANGE} if there is no such parameter,
     *                               {@link SqliteException#MISUSE} if the statement is running (step without reset)
     * @throws IllegalStateException if this statement or its database is closed
     * @throws WrongThreadException  if called from a thread other than the database's
     */
    public Statement bindLong(int index, long value) {
        long stmt = handle();
        check(Sqlite.bindInt64(stmt, index, value), "sqlite3_bind_int64");
        return this;
    }

    /**
     * Binds a double to parameter {@code index}.
     *
     * @return this statement
     * @param index the parameter's number, from 1
     * @param value its value
     * @throws SqliteException       as {@link #bindLong}
     * @throws IllegalStateException if this statement or its database is closed
     * @throws WrongThreadException  if called from a thread other than the database's
     */
    public Statement bindDouble(int index, double value) {
        long stmt = handle();
        check(Sqlite.bindDouble(stmt, index, value), "sqlite3_bind_double");
        return this;
    }

    /**
     * Binds text, as UTF-8, to parameter {@code index}; {@code null} binds SQL NULL. NUL characters are part
     * of the text.
     *
     * @return this statement
     * @param index the parameter's number, from 1
     * @param value its value, or {@code null}
     * @throws IllegalArgumentException if its UTF-8 form is longer than 2<sup>31</sup> - 1 bytes
     * @throws SqliteException          as {@link #bindLong}, or {@code SQLITE_TOOBIG} past SQLite's length limit
     * @throws IllegalStateException    if this statement or its database is closed
     * @throws WrongThreadException     if called from a thread other than the database's
     */
    public Statement bindText(int index, String value) {
        if (value == null) {
            return bindNull(index);
        }
        long stmt = handle();
        int rc;
        Temporaries temporaries = database.temporaries();
        SegmentAllocator frame = temporaries.begin();
        try {
            long length = NativeMemory.utf8Length(value);
            long text = temporaries.putUtf8(frame, value, length);   // and a NUL, which the length leaves out
            rc = Sqlite.bindTextTransient(stmt, index, text, byteLength(length));
        } finally {
            temporaries.end(frame);
        }
        check(rc, "sqlite3_bind_text");
        return this;
    }

    /**
     * Binds bytes to parameter {@code index}; {@code null} binds SQL NULL, an empty array a blob of zero bytes
     * (which is not NULL).
     *
     * @return this statement
     * @param index the parameter's number, from 1
     * @param value its value, or {@code null}
     * @throws SqliteException       as {@link #bindLong}, or {@code SQLITE_TOOBIG} past SQLite's length limit
     * @throws IllegalStateException if this statement or its database is closed
     * @throws WrongThreadException  if called from a thread other than the database's
     */
    public Statement bindBlob(int index, byte[] value) {
        if (value == null) {
            return bindNull(index);
        }
        long stmt = handle();
        if (value.length == 0) {
            // sqlite3_bind_blob with no bytes passes a NULL pointer, which SQLite binds as SQL NULL.
            check(Sqlite.bindZeroblob(stmt, index, 0), "sqlite3_bind_zeroblob");
            return this;
        }
        int rc;
        Temporaries temporaries = database.temporaries();
        SegmentAllocator frame = temporaries.begin();
        try {
            long bytes = temporaries.allocate(frame, value.length);
            MemorySegment.copy(value, 0, NativeMemory.ALL, JAVA_BYTE, bytes, value.length);
            rc = Sqlite.bindBlobTransient(stmt, index, bytes, value.length);
        } finally {
            temporaries.end(frame);
        }
        check(rc, "sqlite3_bind_blob");
        return this;
    }

    /**
     * Binds SQL NULL to parameter {@code index}.
     *
     * @return this statement
     * @param index the parameter's number, from 1
     * @throws SqliteException       as {@link #bindLong}
     * @throws IllegalStateException if this statement or its database is closed
     * @throws WrongThreadException  if called from a thread other than the database's
     */
    public Statement bindNull(int index) {
        long stmt = handle();
        check(Sqlite.bindNull(stmt, index), "sqlite3_bind_null");
        return this;
    }

    // ---- running ----

    /**
     * Runs the statement to its next result row. A done statement stays done until {@link #reset()}.
     *
     * @return {@code true} if there is a row to read, {@code false} when the statement is done
     * @throws SqliteException       if the statement fails (a constraint, a busy database, ...); reset it before
     *                               running it again
     * @throws IllegalStateException if this statement or its database is closed
     * @throws WrongThreadException  if called from a thread other than the database's
     */
    public boolean step() {
        long stmt = handle();
        rowColumns = -1;
        int rc = Sqlite.step(stmt);
        if (rc == Sqlite.ROW) {
            rowColumns = Sqlite.columnCount(stmt);   // read per row: SQLite may recompile after a schema change
            return true;
        }
        if (rc == Sqlite.DONE) {
            return false;
        }
        throw Sqlite.failure(database.handle(), rc, "sqlite3_step");
    }

    /**
     * Makes the statement ready to run again from the start; the bound values stay. SQLite's
     * {@code sqlite3_reset} returns the error of the last {@link #step()}, which step already threw: reset
     * ignores it.
     *
     * @return this statement
     * @throws IllegalStateException if this statement or its database is closed
     * @throws WrongThreadException  if called from a thread other than the database's
     */
    public Statement reset() {
        long stmt = handle();
        rowColumns = -1;
        Sqlite.reset(stmt);
        return this;
    }

    // ---- columns of the current row ----

    /**
     * {@return the number of columns of the current row}
     *
     * @throws IllegalStateException if there is no current row (the last {@link #step()} did not return
     *                               {@code true}), or this statement or its database is closed
     * @throws WrongThreadException  if called from a thread other than the database's
     */
    public int columnCount() {
        handle();
        return requireRow();
    }

    /**
     * {@return the storage class of column {@code column} in the current row}
     *
     * @param column the column's index, from 0
     * @throws IndexOutOfBoundsException if the row has no such column
     * @throws IllegalStateException     if there is no current row, or this statement or its database is closed
     * @throws WrongThreadException      if called from a thread other than the database's
     */
    public ColumnType columnType(int column) {
        return ColumnType.of(Sqlite.columnType(columnHandle(column), column));
    }

    /**
     * {@return column {@code column} of the current row as a 64-bit integer}, converted by SQLite's rules
     * (NULL is 0, text is parsed, a double is truncated).
     *
     * @param column the column's index, from 0
     * @throws IndexOutOfBoundsException if the row has no such column
     * @throws IllegalStateException     if there is no current row, or this statement or its database is closed
     * @throws WrongThreadException      if called from a thread other than the database's
     */
    public long columnLong(int column) {
        return Sqlite.columnInt64(columnHandle(column), column);
    }

    /**
     * {@return column {@code column} of the current row as a double}, converted by SQLite's rules (NULL is 0.0).
     *
     * @param column the column's index, from 0
     * @throws IndexOutOfBoundsException if the row has no such column
     * @throws IllegalStateException     if there is no current row, or this statement or its database is closed
     * @throws WrongThreadException      if called from a thread other than the database's
     */
    public double columnDouble(int column) {
        return Sqlite.columnDouble(columnHandle(column), column);
    }

    /**
     * {@return column {@code column} of the current row as text, or {@code null} if it is NULL}; numbers are
     * converted to text by SQLite's rules, blobs are decoded as UTF-8.
     *
     * @param column the column's index, from 0
     * @throws IndexOutOfBoundsException if the row has no such column
     * @throws IllegalStateException     if there is no current row, or this statement or its database is closed
     * @throws WrongThreadException      if called from a thread other than the database's
     */
    public String columnText(int column) {
        long stmt = columnHandle(column);
        long text = Sqlite.columnText(stmt, column);   // valid until the next call on the statement
        if (text == 0) {
            return null;
        }
        int byteSize = Sqlite.columnBytes(stmt, column);   // after column_text, as SQLite asks: it may convert
        byte[] bytes = byteSize <= Database.TEXT_BUFFER_MAX ? database.textBuffer(byteSize) : new byte[byteSize];
        MemorySegment.copy(NativeMemory.ALL, JAVA_BYTE, text, bytes, 0, byteSize);
        return new String(bytes, 0, byteSize, StandardCharsets.UTF_8);
    }

    /**
     * {@return column {@code column} of the current row as bytes, or {@code null} if it is NULL}; text gives its
     * UTF-8 bytes, numbers their text's.
     *
     * @param column the column's index, from 0
     * @throws IndexOutOfBoundsException if the row has no such column
     * @throws IllegalStateException     if there is no current row, or this statement or its database is closed
     * @throws WrongThreadException      if called from a thread other than the database's
     */
    public byte[] columnBlob(int column) {
        long stmt = columnHandle(column);
        if (Sqlite.columnType(stmt, column) == Sqlite.NULL_TYPE) {
            return null;
        }
        long bytes = Sqlite.columnBlob(stmt, column);   // 0 for a blob of zero bytes; valid until the next call
        int byteSize = Sqlite.columnBytes(stmt, column);
        byte[] value = new byte[byteSize];
        if (byteSize > 0) {
            MemorySegment.copy(NativeMemory.ALL, JAVA_BYTE, bytes, value, 0, byteSize);
        }
        return value;
    }

    // ---- lifetime ----

    /** {@return whether this statement can still be used: neither it nor its database is closed} */
    public boolean isOpen() {
        return !closed && database.isOpen();
    }

    /**
     * Finalizes the statement. Closing a closed statement, or one whose database is closed (which finalized it),
     * does nothing. SQLite's {@code sqlite3_finalize} returns the error of the last {@link #step()}, which step
     * already threw: close ignores it.
     *
     * @throws WrongThreadException if called from a thread other than the database's
     */
    @Override
    public void close() {
        if (!closed && database.isOpen()) {
            database.handle();   // its thread only
            Sqlite.finalizeStmt(address);
        }
        closed = true;
    }

    @Override
    public String toString() {
        return "Statement[" + (isOpen() ? "open" : "closed") + "]";
    }

    /**
     * {@return {@code byteSize} as the {@code int} length SQLite's C API takes}
     *
     * @param byteSize a length in bytes
     * @throws IllegalArgumentException if it does not fit in an {@code int}
     */
    static int byteLength(long byteSize) {
        if (byteSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("byteSize: " + byteSize + " (expected: at most " + Integer.MAX_VALUE
                    + " bytes of UTF-8)");
        }
        return (int) byteSize;
    }

    private long handle() {
        database.handle();   // the database's thread and lifetime first: closing it finalized this statement
        if (closed) {
            throw new IllegalStateException("statement closed");
        }
        return address;
    }

    private int requireRow() {
        if (rowColumns < 0) {
            throw new IllegalStateException("no current row (expected: step() returned true since the last reset)");
        }
        return rowColumns;
    }

    private long columnHandle(int column) {
        long stmt = handle();
        int columns = requireRow();
        if (column < 0 || column >= columns) {
            throw new IndexOutOfBoundsException("column: " + column + " (expected: 0 to " + (columns - 1) + ")");
        }
        return stmt;
    }

    private void check(int rc, String call) {
        if (rc != Sqlite.OK) {
            rowColumns = -1;
            throw Sqlite.failure(database.handle(), rc, call);
        }
    }
}
