package dev.jalloc.examples.sqlite;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.SegmentAllocator;
import java.util.Objects;

/**
 * A connection to an SQLite database ({@code sqlite3 *}), confined to the thread that opened it.
 *
 * {@snippet :
 * try (Database db = Database.open("/tmp/example.db")) {
 *     db.exec("CREATE TABLE IF NOT EXISTS kv (k INTEGER PRIMARY KEY, v TEXT)");
 *     try (Statement insert = db.prepare("INSERT INTO kv (k, v) VALUES (?, ?)")) {
 *         insert.bindLong(1, 42).bindText(2, "forty-two");
 *         insert.step();
 *     }
 *     try (Statement query = db.prepare("SELECT v FROM kv WHERE k = ?")) {
 *         query.bindLong(1, 42);
 *         while (query.step()) {
 *             System.out.println(query.columnText(0));
 *         }
 *     }
 * }
 * }
 *
 * <p>Every temporary of a call (the C string of the SQL or of the file name, the out-pointer SQLite writes a handle
 * into) comes from the {@link Temporaries} chosen at open, {@link Temporaries#SCRATCH} unless told otherwise, and is
 * taken back before the call returns.
 *
 * <h2>Threads and lifetime</h2>
 * The connection is opened with {@code SQLITE_OPEN_NOMUTEX}: SQLite takes no lock of its own on it, because only the
 * thread that opened it may use it, or any {@link Statement} of it ({@link WrongThreadException} otherwise). That
 * confinement is also what makes the closed checks sound: a connection or statement is closed only by its own thread,
 * so no call can be between its check and its downcall when the handle is freed. After {@link #close()}, every
 * method but {@code close} and {@link #isOpen()} throws {@link IllegalStateException}, and so does every method of
 * its statements: no freed handle is ever passed to SQLite.
 */
public final class Database implements AutoCloseable {
    /** Texts up to this many bytes are decoded through {@link #textBuffer}; longer ones get an array of their own. */
    static final int TEXT_BUFFER_MAX = 64 << 10;

    private final Temporaries temporaries;
    private final Thread owner;
    /** The address of the {@code sqlite3 *}; 0 once closed. */
    private long handle;
    /** The buffer text columns are copied into before they become a String, shared by this thread's statements. */
    private byte[] textBuffer = new byte[256];

    private Database(long handle, Temporaries temporaries) {
        this.handle = handle;
        this.temporaries = temporaries;
        this.owner = Thread.currentThread();
    }

    /**
     * {@return the database in file {@code filename}, created if absent, with temporaries from
     * {@link Temporaries#SCRATCH}}
     *
     * @param filename a file path, or {@code :memory:} for a private in-memory database
     * @throws IllegalArgumentException if {@code filename} contains a NUL character
     * @throws SqliteException          if SQLite cannot open it ({@link SqliteException#CANTOPEN}, ...)
     * @throws UnsatisfiedLinkError     if the system has no SQLite library (Debian package {@code libsqlite3-0})
     */
    public static Database open(String filename) {
        return open(filename, Temporaries.SCRATCH);
    }

    /**
     * {@return the database in file {@code filename}, created if absent, whose calls take their temporaries from
     * {@code temporaries}}
     *
     * @param filename    a file path, or {@code :memory:} for a private in-memory database
     * @param temporaries where the temporaries of every call on this connection and its statements come from
     * @throws IllegalArgumentException if {@code filename} contains a NUL character
     * @throws SqliteException          if SQLite cannot open it ({@link SqliteException#CANTOPEN}, ...)
     * @throws UnsatisfiedLinkError     if the system has no SQLite library (Debian package {@code libsqlite3-0})
     */
    public static Database open(String filename, Temporaries temporaries) {
        Objects.requireNonNull(temporaries, "temporaries");
        requireNoNul(filename, "filename");
        SqliteLibrary.require();
        long db;
        int rc;
        SegmentAllocator frame = temporaries.begin();
        try {
            long name = temporaries.putUtf8(frame, filename, NativeMemory.utf8Length(filename));
            long slot = temporaries.allocate(frame, Long.BYTES);
            rc = Sqlite.openV2(name, slot, Sqlite.OPEN_FLAGS);
            db = NativeMemory.ALL.get(JAVA_LONG, slot);
        } finally {
            temporaries.end(frame);
        }
        if (rc != Sqlite.OK) {
            SqliteException failure = Sqlite.failure(db, rc, "sqlite3_open_v2");
            if (db != 0) {
                Sqlite.closeV2(db);   // SQLite allocates a handle even when opening fails: it only holds the error
            }
            throw failure;
        }
        return new Database(db, temporaries);
    }

    /**
     * Runs {@code sql}, which may hold several statements separated by semicolons, discarding any result rows.
     *
     * @param sql the SQL text
     * @throws IllegalArgumentException if {@code sql} contains a NUL character
     * @throws SqliteException          if a statement fails; the statements before it took effect
     * @throws IllegalStateException    if this connection is closed
     * @throws WrongThreadException     if called from a thread other than the one that opened it
     */
    public void exec(String sql) {
        requireNoNul(sql, "sql");
        long db = handle();
        int rc;
        SegmentAllocator frame = temporaries.begin();
        try {
            rc = Sqlite.exec(db, temporaries.putUtf8(frame, sql, NativeMemory.utf8Length(sql)));
        } finally {
            temporaries.end(frame);
        }
        if (rc != Sqlite.OK) {
            throw Sqlite.failure(db, rc, "sqlite3_exec");
        }
    }

    /**
     * {@return the first statement of {@code sql}, compiled}; the rest of the text, if any, is ignored
     * (use {@link #exec} for scripts). Close the statement when done; closing this connection also finalizes it.
     *
     * @param sql the SQL text, with {@code ?} or {@code ?NNN} where values are to be bound
     * @throws IllegalArgumentException if {@code sql} contains a NUL character or no statement at all (only
     *                                  whitespace or comments)
     * @throws SqliteException          if SQLite cannot compile it (a syntax error, a missing table: {@link
     *                                  SqliteException#ERROR})
     * @throws IllegalStateException    if this connection is closed
     * @throws WrongThreadException     if called from a thread other than the one that opened it
     */
    public Statement prepare(String sql) {
        requireNoNul(sql, "sql");
        long db = handle();
        long stmt;
        int rc;
        SegmentAllocator frame = temporaries.begin();
        try {
            long length = NativeMemory.utf8Length(sql);
            long text = temporaries.putUtf8(frame, sql, length);
            long slot = temporaries.allocate(frame, Long.BYTES);
            // The length includes the NUL: SQLite then knows the text is terminated and need not copy it.
            rc = Sqlite.prepareV3(db, text, Statement.byteLength(length + 1), slot);
            stmt = NativeMemory.ALL.get(JAVA_LONG, slot);
        } finally {
            temporaries.end(frame);
        }
        if (rc != Sqlite.OK) {
            throw Sqlite.failure(db, rc, "sqlite3_prepare_v3");
        }
        if (stmt == 0) {
            throw new IllegalArgumentException("sql: \"" + sql + "\" (expected: a statement, not only whitespace"
                    + " or comments)");
        }
        return new Statement(this, stmt);
    }

    /**
     * {@return the rowid of the most recent successful INSERT on this connection; 0 if there was none}
     *
     * @throws IllegalStateException if this connection is closed
     * @throws WrongThreadException  if called from a thread other than the one that opened it
     */
    public long lastInsertRowid() {
        return Sqlite.lastInsertRowid(handle());
    }

    /**
     * {@return the number of rows the most recent INSERT, UPDATE or DELETE on this connection changed}
     *
     * @throws IllegalStateException if this connection is closed
     * @throws WrongThreadException  if called from a thread other than the one that opened it
     */
    public int changes() {
        return Sqlite.changes(handle());
    }

    /** {@return whether this connection is open} */
    public boolean isOpen() {
        return handle != 0;
    }

    /**
     * Finalizes every statement of this connection that is still open, then closes it. Closing a closed
     * connection does nothing.
     *
     * @throws SqliteException      if SQLite reports an error closing it; the connection is closed all the same
     * @throws WrongThreadException if called from a thread other than the one that opened it
     */
    @Override
    public void close() {
        checkThread();
        long db = handle;
        if (db == 0) {
            return;
        }
        handle = 0;   // first: from here on, the statements refuse every call
        long stmt;
        while ((stmt = Sqlite.nextStmt(db, 0)) != 0) {
            Sqlite.finalizeStmt(stmt);   // its result repeats the statement's last error, already thrown by step
        }
        int rc = Sqlite.closeV2(db);
        if (rc != Sqlite.OK) {
            throw Sqlite.failure(0, rc, "sqlite3_close_v2");
        }
    }

    @Override
    public String toString() {
        return "Database[" + (handle == 0 ? "closed" : "open") + ", temporaries=" + temporaries + "]";
    }

    /** {@return where this connection's calls take their temporaries} */
    Temporaries temporaries() {
        return temporaries;
    }

    /**
     * {@return the address of the {@code sqlite3 *} of this open connection, on its own thread}
     *
     * @throws IllegalStateException if this connection is closed
     * @throws WrongThreadException  if called from a thread other than the one that opened it
     */
    long handle() {
        checkThread();
        long db = handle;
        if (db == 0) {
            throw new IllegalStateException("database closed");
        }
        return db;
    }

    /**
     * {@return a buffer of at least {@code byteSize} bytes} for decoding a text column; its contents are the
     * caller's until the next call on this thread.
     *
     * @param byteSize at most {@link #TEXT_BUFFER_MAX}
     */
    byte[] textBuffer(int byteSize) {
        if (textBuffer.length < byteSize) {
            textBuffer = new byte[Math.min(TEXT_BUFFER_MAX, Math.max(byteSize, textBuffer.length * 2))];
        }
        return textBuffer;
    }

    private void checkThread() {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("database opened by " + owner + ", used from " + Thread.currentThread());
        }
    }

    /** SQLite takes C strings: a NUL would silently cut the text short. */
    private static void requireNoNul(String text, String what) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + ": contains a NUL character (expected: none)");
        }
    }
}
