/**
 * An FFM binding to the system's SQLite ({@code libsqlite3}, Debian package {@code libsqlite3-0}): open, exec,
 * prepare, bind, step, read columns, reset, finalize, with SQLite's errors as {@link
 * dev.jalloc.examples.sqlite.SqliteException}. Downcalls only: no JNI, no callbacks into Java.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>connection, database</dt>
 *   <dd>A {@link dev.jalloc.examples.sqlite.Database}: one {@code sqlite3 *}, confined to the thread that opened
 *       it.</dd>
 *   <dt>statement</dt>
 *   <dd>A {@link dev.jalloc.examples.sqlite.Statement}: one compiled {@code sqlite3_stmt *} of a connection.
 *       <em>Finalize</em> is SQLite's word for freeing it ({@code close()} here).</dd>
 *   <dt>handle</dt>
 *   <dd>The C pointer SQLite gave for a connection or statement, kept as an address (a {@code long}: every
 *       pointer crosses the downcalls as a 64-bit integer, see {@code Sqlite}). A handle is passed to SQLite only
 *       while its Java object is open: closed objects throw {@link IllegalStateException}, never hand a freed
 *       pointer to C.</dd>
 *   <dt>temporary, frame</dt>
 *   <dd>Native memory that one binding call needs and no one keeps after it: the C string of SQL, of a file name,
 *       of bound text, the copy of a bound blob, the out-pointer SQLite writes a new handle into. A call's
 *       temporaries come from one <em>frame</em>, a {@link java.lang.foreign.SegmentAllocator} that {@link
 *       dev.jalloc.examples.sqlite.Temporaries} begins and ends around the call: a jalloc scratch
 *       {@link dev.jalloc.arena.Temp} by default, or a confined arena per call to compare with.</dd>
 *   <dt>parameter, column</dt>
 *   <dd>A {@code ?} of the SQL, numbered from 1; a value of the current result row, numbered from 0.</dd>
 *   <dt>result code, extended result code</dt>
 *   <dd>SQLite's status of a call: {@code SQLITE_OK} (0), {@code SQLITE_ROW} (100), {@code SQLITE_DONE} (101),
 *       or an error. The extended code refines an error; its low 8 bits are the primary code
 *       ({@code SQLITE_CONSTRAINT_UNIQUE} = 2067 = 19 | 8 &lt;&lt; 8).</dd>
 *   <dt>transient, static</dt>
 *   <dd>How SQLite treats bound text and blob bytes: {@code SQLITE_TRANSIENT} copies them during the bind call;
 *       {@code SQLITE_STATIC} keeps the pointer, so the bytes must outlive the binding. This binding always
 *       binds transient, from temporaries (see {@link dev.jalloc.examples.sqlite.Statement}).</dd>
 *   <dt>critical downcall</dt>
 *   <dd>A downcall linked with {@link java.lang.foreign.Linker.Option#critical(boolean)}: no thread state
 *       transition, for short calls that never call back into Java (see the class comment of
 *       {@code Sqlite}, the one place that links them).</dd>
 * </dl>
 */
package dev.jalloc.examples.sqlite;
