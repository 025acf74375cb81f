package dev.jalloc.examples.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * Every downcall into SQLite, in one place: the method handles, the C constants the binding passes, and the one
 * factory of {@link SqliteException} from a failed call's result code.
 *
 * <p>Each C function has one static method here that invokes its handle exactly; nothing else in the package touches
 * a {@link MethodHandle}.
 *
 * <h2>Pointers are 64-bit integers</h2>
 * Every C pointer, argument or result, is linked as {@code JAVA_LONG} rather than {@code ADDRESS}: on each 64-bit
 * ABI the FFM linker supports (x64 System V and Windows, AArch64, RISC-V 64, PPC64, s390x) a pointer is passed and
 * returned exactly as a 64-bit integer is, in the same registers, so SQLite sees the same call; the class refuses to
 * load on a 32-bit platform. What it spares is a {@link MemorySegment} object per pointer per call: a segment passed
 * to a downcall escapes whenever the JIT does not inline the whole invocation, and measured in this binding that was
 * the case in about half the runs (up to 160 bytes of garbage per point query, against 0 to 40 with addresses).
 * The handles of the connection and of statements are kept as addresses by {@link Database} and
 * {@link Statement}, which check their lifetime before every call; temporaries are addresses pushed on the call's
 * frame ({@link Temporaries#allocate}); memory is read and written through {@link NativeMemory}.
 *
 * <h2>Critical downcalls</h2>
 * Functions that only read or write a few fields of a statement or connection (every {@code bind_*} and
 * {@code column_*}, {@code column_count}, {@code next_stmt}, {@code changes}, {@code last_insert_rowid}, the error
 * accessors, {@code libversion}) are linked with {@link Linker.Option#critical(boolean) critical(false)}: the call
 * skips the thread's state transition to native and back, which is most of the cost of a call this short. That is
 * safe because SQLite never calls back into Java here (no callback, hook or user function is ever registered), and
 * a critical call must be short, since the JVM cannot reach a safepoint (a GC cannot start) until it returns. So the
 * calls that may run long (they do I/O, take file locks, or run a whole query) are ordinary downcalls:
 * {@code open_v2}, {@code close_v2}, {@code exec}, {@code prepare_v3} (reads the schema on first use),
 * {@code step} (runs the statement, commits a transaction with its fsyncs), and {@code reset} and {@code finalize}:
 * these are short almost always, but ending a write statement before it is done, in autocommit mode, ends its
 * implicit transaction, which commits, fsyncs included. Heap segments are never passed, so {@code allowHeapAccess}
 * stays false.
 */
final class Sqlite {
    /** {@code SQLITE_OK}: success. */
    static final int OK = 0;
    /** {@code SQLITE_ROW}: {@code sqlite3_step} has a result row. */
    static final int ROW = 100;
    /** {@code SQLITE_DONE}: {@code sqlite3_step} finished the statement. */
    static final int DONE = 101;
    /** {@code SQLITE_NULL}: the type code of an SQL NULL value. */
    static final int NULL_TYPE = 5;
    /** {@code SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX}: see {@link Database}. */
    static final int OPEN_FLAGS = 0x2 | 0x4 | 0x8000;
    /** {@code SQLITE_TRANSIENT}, {@code (void (*)(void *)) -1}: SQLite copies the bound bytes before returning. */
    static final long TRANSIENT = -1L;
    /** The layout of a C pointer in the descriptors: a 64-bit integer (see the class comment). */
    private static final ValueLayout POINTER = JAVA_LONG;

    private static final MethodHandle OPEN_V2;
    private static final MethodHandle CLOSE_V2;
    private static final MethodHandle EXEC;
    private static final MethodHandle PREPARE_V3;
    private static final MethodHandle STEP;
    private static final MethodHandle RESET;
    private static final MethodHandle FINALIZE;
    private static final MethodHandle NEXT_STMT;
    private static final MethodHandle BIND_INT64;
    private static final MethodHandle BIND_DOUBLE;
    private static final MethodHandle BIND_TEXT;
    private static final MethodHandle BIND_BLOB;
    private static final MethodHandle BIND_ZEROBLOB;
    private static final MethodHandle BIND_NULL;
    private static final MethodHandle COLUMN_COUNT;
    private static final MethodHandle COLUMN_TYPE;
    private static final MethodHandle COLUMN_INT64;
    private static final MethodHandle COLUMN_DOUBLE;
    private static final MethodHandle COLUMN_TEXT;
    private static final MethodHandle COLUMN_BLOB;
    private static final MethodHandle COLUMN_BYTES;
    private static final MethodHandle LAST_INSERT_ROWID;
    private static final MethodHandle CHANGES;
    private static final MethodHandle ERRMSG;
    private static final MethodHandle ERRSTR;
    private static final MethodHandle EXTENDED_ERRCODE;
    private static final MethodHandle LIBVERSION;

    static {
        if (ADDRESS.byteSize() != Long.BYTES) {   // an Error reaches the caller as itself
            throw new UnsatisfiedLinkError("the SQLite binding passes pointers as 64-bit integers: it needs"
                    + " a 64-bit platform (this one has " + ADDRESS.byteSize() * 8 + "-bit pointers)");
        }
        SymbolLookup lib = SqliteLibrary.require();
        Linker linker = Linker.nativeLinker();
        Linker.Option[] plain = {};
        Linker.Option[] critical = {Linker.Option.critical(false)};
        OPEN_V2 = link(linker, lib, "sqlite3_open_v2", plain,
                FunctionDescriptor.of(JAVA_INT, POINTER, POINTER, JAVA_INT, POINTER));
        CLOSE_V2 = link(linker, lib, "sqlite3_close_v2", plain, FunctionDescriptor.of(JAVA_INT, POINTER));
        EXEC = link(linker, lib, "sqlite3_exec", plain,
                FunctionDescriptor.of(JAVA_INT, POINTER, POINTER, POINTER, POINTER, POINTER));
        PREPARE_V3 = link(linker, lib, "sqlite3_prepare_v3", plain,
                FunctionDescriptor.of(JAVA_INT, POINTER, POINTER, JAVA_INT, JAVA_INT, POINTER, POINTER));
        STEP = link(linker, lib, "sqlite3_step", plain, FunctionDescriptor.of(JAVA_INT, POINTER));
        RESET = link(linker, lib, "sqlite3_reset", plain, FunctionDescriptor.of(JAVA_INT, POINTER));
        FINALIZE = link(linker, lib, "sqlite3_finalize", plain, FunctionDescriptor.of(JAVA_INT, POINTER));
        NEXT_STMT = link(linker, lib, "sqlite3_next_stmt", critical, FunctionDescriptor.of(POINTER, POINTER, POINTER));
        BIND_INT64 = link(linker, lib, "sqlite3_bind_int64", critical,
                FunctionDescriptor.of(JAVA_INT, POINTER, JAVA_INT, JAVA_LONG));
        BIND_DOUBLE = link(linker, lib, "sqlite3_bind_double", critical,
                FunctionDescriptor.of(JAVA_INT, POINTER, JAVA_INT, JAVA_DOUBLE));
        BIND_TEXT = link(linker, lib, "sqlite3_bind_text", critical,
                FunctionDescriptor.of(JAVA_INT, POINTER, JAVA_INT, POINTER, JAVA_INT, POINTER));
        BIND_BLOB = link(linker, lib, "sqlite3_bind_blob", critical,
                FunctionDescriptor.of(JAVA_INT, POINTER, JAVA_INT, POINTER, JAVA_INT, POINTER));
        BIND_ZEROBLOB = link(linker, lib, "sqlite3_bind_zeroblob", critical,
                FunctionDescriptor.of(JAVA_INT, POINTER, JAVA_INT, JAVA_INT));
        BIND_NULL = link(linker, lib, "sqlite3_bind_null", critical, FunctionDescriptor.of(JAVA_INT, POINTER, JAVA_INT));
        COLUMN_COUNT = link(linker, lib, "sqlite3_column_count", critical, FunctionDescriptor.of(JAVA_INT, POINTER));
        COLUMN_TYPE = link(linker, lib, "sqlite3_column_type", critical,
                FunctionDescriptor.of(JAVA_INT, POINTER, JAVA_INT));
        COLUMN_INT64 = link(linker, lib, "sqlite3_column_int64", critical,
                FunctionDescriptor.of(JAVA_LONG, POINTER, JAVA_INT));
        COLUMN_DOUBLE = link(linker, lib, "sqlite3_column_double", critical,
                FunctionDescriptor.of(JAVA_DOUBLE, POINTER, JAVA_INT));
        COLUMN_TEXT = link(linker, lib, "sqlite3_column_text", critical,
                FunctionDescriptor.of(POINTER, POINTER, JAVA_INT));
        COLUMN_BLOB = link(linker, lib, "sqlite3_column_blob", critical,
                FunctionDescriptor.of(POINTER, POINTER, JAVA_INT));
        COLUMN_BYTES = link(linker, lib, "sqlite3_column_bytes", critical,
                FunctionDescriptor.of(JAVA_INT, POINTER, JAVA_INT));
        LAST_INSERT_ROWID = link(linker, lib, "sqlite3_last_insert_rowid", critical,
                FunctionDescriptor.of(JAVA_LONG, POINTER));
        CHANGES = link(linker, lib, "sqlite3_changes", critical, FunctionDescriptor.of(JAVA_INT, POINTER));
        ERRMSG = link(linker, lib, "sqlite3_errmsg", critical, FunctionDescriptor.of(POINTER, POINTER));
        ERRSTR = link(linker, lib, "sqlite3_errstr", critical, FunctionDescriptor.of(POINTER, JAVA_INT));
        EXTENDED_ERRCODE = link(linker, lib, "sqlite3_extended_errcode", critical,
                FunctionDescriptor.of(JAVA_INT, POINTER));
        LIBVERSION = link(linker, lib, "sqlite3_libversion", critical, FunctionDescriptor.of(POINTER));
    }

    private Sqlite() {
    }

    @SuppressWarnings("restricted")   // the descriptors above are SQLite's C prototypes
    private static MethodHandle link(Linker linker, SymbolLookup lib, String name, Linker.Option[] options,
                                     FunctionDescriptor descriptor) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError(
                "SQLite has no symbol " + name + " (SQLite 3.20 or later is needed, for sqlite3_prepare_v3)"));
        return linker.downcallHandle(symbol, descriptor, options);
    }

    /** A downcall handle throws only what its target declares: unchecked exceptions and errors. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new AssertionError("a downcall threw a checked exception", t);
    }

    // ---- errors ----

    /**
     * {@return the exception of a call that returned {@code rc}, with the connection's extended code and message}
     * when they are of this failure; otherwise (an API misuse that SQLite reports without recording it, a
     * connection that failed to open) the code itself with {@code sqlite3_errstr}'s text.
     *
     * @param db   the connection, or 0 if there is none
     * @param rc   what the call returned: neither {@link #OK}, {@link #ROW} nor {@link #DONE}
     * @param call the C function's name
     */
    static SqliteException failure(long db, int rc, String call) {
        if (db != 0) {
            int extended = extendedErrcode(db);
            if ((extended & 0xff) == (rc & 0xff)) {
                return new SqliteException(call, extended, cString(errmsg(db)));
            }
        }
        return new SqliteException(call, rc, cString(errstr(rc)));
    }

    /** {@return the NUL-terminated UTF-8 string at {@code address}}: only for SQLite's short static messages. */
    private static String cString(long address) {
        return NativeMemory.ALL.getString(address, StandardCharsets.UTF_8);
    }

    /** {@return the value of {@code sqlite3_libversion()}} */
    static String libVersion() {
        return cString(libversion());
    }

    // ---- connections ----

    /** {@return {@code sqlite3_open_v2(filename, ppDb, flags, NULL)}} */
    static int openV2(long filename, long ppDb, int flags) {
        try {
            return (int) OPEN_V2.invokeExact(filename, ppDb, flags, 0L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_close_v2(db)}} */
    static int closeV2(long db) {
        try {
            return (int) CLOSE_V2.invokeExact(db);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_exec(db, sql, NULL, NULL, NULL)}}: no callback, the message is read with errmsg. */
    static int exec(long db, long sql) {
        try {
            return (int) EXEC.invokeExact(db, sql, 0L, 0L, 0L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_prepare_v3(db, sql, nByte, 0, ppStmt, NULL)}} */
    static int prepareV3(long db, long sql, int nByte, long ppStmt) {
        try {
            return (int) PREPARE_V3.invokeExact(db, sql, nByte, 0, ppStmt, 0L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_last_insert_rowid(db)}} */
    static long lastInsertRowid(long db) {
        try {
            return (long) LAST_INSERT_ROWID.invokeExact(db);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_changes(db)}} */
    static int changes(long db) {
        try {
            return (int) CHANGES.invokeExact(db);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_next_stmt(db, stmt)}}: the connection's statement after {@code stmt}, or 0. */
    static long nextStmt(long db, long stmt) {
        try {
            return (long) NEXT_STMT.invokeExact(db, stmt);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static long errmsg(long db) {
        try {
            return (long) ERRMSG.invokeExact(db);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static long errstr(int rc) {
        try {
            return (long) ERRSTR.invokeExact(rc);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int extendedErrcode(long db) {
        try {
            return (int) EXTENDED_ERRCODE.invokeExact(db);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static long libversion() {
        try {
            return (long) LIBVERSION.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- statements ----

    /** {@return {@code sqlite3_step(stmt)}} */
    static int step(long stmt) {
        try {
            return (int) STEP.invokeExact(stmt);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_reset(stmt)}} */
    static int reset(long stmt) {
        try {
            return (int) RESET.invokeExact(stmt);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_finalize(stmt)}} */
    static int finalizeStmt(long stmt) {
        try {
            return (int) FINALIZE.invokeExact(stmt);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_bind_int64(stmt, index, value)}} */
    static int bindInt64(long stmt, int index, long value) {
        try {
            return (int) BIND_INT64.invokeExact(stmt, index, value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_bind_double(stmt, index, value)}} */
    static int bindDouble(long stmt, int index, double value) {
        try {
            return (int) BIND_DOUBLE.invokeExact(stmt, index, value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_bind_text(stmt, index, text, nBytes, SQLITE_TRANSIENT)}} */
    static int bindTextTransient(long stmt, int index, long text, int nBytes) {
        try {
            return (int) BIND_TEXT.invokeExact(stmt, index, text, nBytes, TRANSIENT);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_bind_blob(stmt, index, bytes, nBytes, SQLITE_TRANSIENT)}}; {@code bytes} not 0. */
    static int bindBlobTransient(long stmt, int index, long bytes, int nBytes) {
        try {
            return (int) BIND_BLOB.invokeExact(stmt, index, bytes, nBytes, TRANSIENT);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_bind_zeroblob(stmt, index, nBytes)}} */
    static int bindZeroblob(long stmt, int index, int nBytes) {
        try {
            return (int) BIND_ZEROBLOB.invokeExact(stmt, index, nBytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_bind_null(stmt, index)}} */
    static int bindNull(long stmt, int index) {
        try {
            return (int) BIND_NULL.invokeExact(stmt, index);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_column_count(stmt)}} */
    static int columnCount(long stmt) {
        try {
            return (int) COLUMN_COUNT.invokeExact(stmt);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_column_type(stmt, column)}} */
    static int columnType(long stmt, int column) {
        try {
            return (int) COLUMN_TYPE.invokeExact(stmt, column);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_column_int64(stmt, column)}} */
    static long columnInt64(long stmt, int column) {
        try {
            return (long) COLUMN_INT64.invokeExact(stmt, column);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_column_double(stmt, column)}} */
    static double columnDouble(long stmt, int column) {
        try {
            return (double) COLUMN_DOUBLE.invokeExact(stmt, column);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_column_text(stmt, column)}}: its address, 0 for SQL NULL. */
    static long columnText(long stmt, int column) {
        try {
            return (long) COLUMN_TEXT.invokeExact(stmt, column);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_column_blob(stmt, column)}}: its address, 0 for NULL or no bytes. */
    static long columnBlob(long stmt, int column) {
        try {
            return (long) COLUMN_BLOB.invokeExact(stmt, column);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@return {@code sqlite3_column_bytes(stmt, column)}} */
    static int columnBytes(long stmt, int column) {
        try {
            return (int) COLUMN_BYTES.invokeExact(stmt, column);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
