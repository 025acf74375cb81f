package dev.jalloc.bench.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SQLite binding of {@code jalloc-examples} (issue 13) against the JDK idiom and against sqlite-jdbc, on one
 * database file of {@code rows} rows {@code (k, int, text of 20..200 bytes, double)}.
 *
 * <p>One op is a whole workload: {@code rows} inserts in one transaction into an empty table ({@link #insert});
 * {@code rows} point queries by key, each reading the row's three columns ({@link #pointQuery}); one scan reading
 * every column of every row ({@link #scan}). The contenders:
 * <pre>
 *   scratch        the binding, every call's temporaries (C strings, out-pointers) in a jalloc scratch temp
 *   confinedArena  the same binding code, the temporaries in an Arena.ofConfined() per call (the JDK idiom)
 *   sqliteJdbc     org.xerial:sqlite-jdbc 3.54.1.0 (JNI, its own bundled SQLite) doing the same statements
 *   preparedOnce   point queries only: the binding with one statement rebound and reset per query, so no call
 *                  needs a temporary (the speed of light of the binding)
 * </pre>
 * Point queries prepare a statement per query (as JDBC code that opens a {@code PreparedStatement} per call
 * does): that is where a binding's temporaries are, the SQL's C string and the statement handle's out-pointer.
 * Inserts prepare once and bind the text of each row from a temporary; the scan needs none but its one prepare.
 *
 * <p>The rows are the same for every contender (see {@link SqliteRows}). The database of the queries and the scan
 * is written once per fork, by the binding, to a file in {@code java.io.tmpdir}; the inserts get a new, empty file
 * before every op. SQLite's settings are its defaults for all (rollback journal, {@code synchronous=FULL}), but for
 * two of the point queries' ({@link Reader}), set by the same {@code PRAGMA} on every contender's connection: the
 * page cache, {@code pageCache}, either {@code table} (as many pages as the file has, so that after the warm-up no
 * query reads a page of the file) or {@code default} (SQLite's default, 2,000 KiB: under 500 of the 32,976
 * pages of 10<sup>6</sup> rows, so almost every query reads one); and the locking mode, {@code locking}, SQLite's
 * {@code normal} unless {@code -p locking=exclusive} asks otherwise. The binding uses the system's libsqlite3 and
 * sqlite-jdbc its own SQLite, so the two run different SQLite versions.
 * Per-op heap garbage: {@code -prof gc}, whose {@code gc.alloc.rate.norm} is per op, so per query divided by rows.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class SqliteBench {
    /**
     * SQLite's default {@code cache_size} (since 3.12.0): -2000, that is 2,000 KiB. {@code pageCache=default} sets
     * it explicitly, so that both SQLite builds use it whatever they were compiled with.
     */
    static final long SQLITE_DEFAULT_CACHE_SIZE = -2000;

    /** The rows every contender writes or reads. */
    @State(Scope.Benchmark)
    public static class Data {
        /** How many rows: the 10<sup>6</sup>; smaller for a smoke run. */
        @Param("1000000")
        public int rows;

        SqliteRows data;

        /** Makes the rows. */
        @Setup(Level.Trial)
        public void make() {
            data = new SqliteRows(rows);
        }
    }

    /** The database file the queries and the scan read, written once per trial by the binding. */
    @State(Scope.Benchmark)
    public static class Table {
        Path directory;
        String file;
        long pages;

        /** Writes the table. */
        @Setup(Level.Trial)
        public void write(Data data) throws IOException {
            directory = Files.createTempDirectory("jalloc-sqlite-bench");
            file = directory.resolve("rows.db").toString();
            data.data.fill(file);
            pages = SqliteRows.pageCount(file);
        }

        /** Deletes the files. */
        @TearDown(Level.Trial)
        public void delete() throws IOException {
            deleteAll(directory);
        }
    }

    /** A contender connected to the table for the point queries, on the benchmark's thread. */
    @State(Scope.Thread)
    public static class Reader {
        /** Who queries. */
        @Param({"scratch", "confinedArena", "sqliteJdbc", "preparedOnce"})
        public String reader;

        /**
         * The connection's page cache: {@code table}, as many pages as the file has, or {@code default}, SQLite's
         * {@value SqliteBench#SQLITE_DEFAULT_CACHE_SIZE} (KiB, as a negative {@code cache_size} means).
         */
        @Param({"table", "default"})
        public String pageCache;

        /**
         * SQLite's {@code locking_mode}: {@code normal}, SQLite's default, or {@code exclusive} (pass
         * {@code -p locking=exclusive}), where the connection keeps its shared lock on the file from one query to
         * the next instead of taking and dropping it around each.
         */
        @Param("normal")
        public String locking;

        SqliteContender contender;

        /** Connects, sets the page cache and the locking mode, and checks that the connection reports them. */
        @Setup(Level.Trial)
        public void connect(Table table) throws SQLException {
            contender = SqliteContender.open(reader, table.file);
            configure(contender, pageCache, locking, table.pages);
        }

        /** Disconnects. */
        @TearDown(Level.Trial)
        public void disconnect() throws SQLException {
            contender.close();
        }
    }

    /**
     * A contender connected to the table for the scan: no {@code preparedOnce}, since the scan prepares once
     * whoever runs it.
     */
    @State(Scope.Thread)
    public static class Scanner {
        /** Who scans. */
        @Param({"scratch", "confinedArena", "sqliteJdbc"})
        public String scanner;

        SqliteContender contender;

        /** Connects. */
        @Setup(Level.Trial)
        public void connect(Table table) throws SQLException {
            contender = SqliteContender.open(scanner, table.file);
        }

        /** Disconnects. */
        @TearDown(Level.Trial)
        public void disconnect() throws SQLException {
            contender.close();
        }
    }

    /** A contender connected to a new, empty table before every op. */
    @State(Scope.Thread)
    public static class Writer {
        /** Who writes. */
        @Param({"scratch", "confinedArena", "sqliteJdbc"})
        public String writer;

        Path directory;
        SqliteContender contender;

        /** Makes a new directory for the op's files. */
        @Setup(Level.Trial)
        public void directory() throws IOException {
            directory = Files.createTempDirectory("jalloc-sqlite-bench-insert");
        }

        /** A new file with an empty table, and the contender connected to it. */
        @Setup(Level.Invocation)
        public void connect() throws IOException, SQLException {
            deleteAll(directory);
            Files.createDirectories(directory);
            String file = directory.resolve("insert.db").toString();
            try (dev.jalloc.examples.sqlite.Database db = dev.jalloc.examples.sqlite.Database.open(file)) {
                db.exec(SqliteRows.CREATE_TABLE);
            }
            contender = SqliteContender.open(writer, file);
        }

        /** Disconnects. */
        @TearDown(Level.Invocation)
        public void disconnect() throws SQLException {
            contender.close();
        }

        /** Deletes the files. */
        @TearDown(Level.Trial)
        public void delete() throws IOException {
            deleteAll(directory);
        }
    }

    /**
     * Sets a reader's page cache and locking mode with {@code PRAGMA}s, the same on every contender, and checks that
     * the connection reports them back.
     *
     * @param contender a contender just connected to the table
     * @param pageCache {@code table} or {@code default}, see {@link Reader#pageCache}
     * @param locking   {@code normal} or {@code exclusive}, see {@link Reader#locking}
     * @param pages     the page count of the table's file
     * @throws SQLException if the JDBC contender fails
     */
    static void configure(SqliteContender contender, String pageCache, String locking, long pages)
            throws SQLException {
        long cacheSize = switch (pageCache) {
            case "table" -> pages;
            case "default" -> SQLITE_DEFAULT_CACHE_SIZE;
            default -> throw new IllegalArgumentException("pageCache: " + pageCache
                    + " (expected: table or default)");
        };
        if (!locking.equals("normal") && !locking.equals("exclusive")) {
            throw new IllegalArgumentException("locking: " + locking + " (expected: normal or exclusive)");
        }
        contender.pragma("cache_size = " + cacheSize);
        contender.pragma("locking_mode = " + locking);
        String reportedCache = contender.pragma("cache_size");
        String reportedLocking = contender.pragma("locking_mode");
        if (!reportedCache.equals(Long.toString(cacheSize)) || !reportedLocking.equals(locking)) {
            throw new IllegalStateException(contender.getClass().getSimpleName() + ": cache_size " + reportedCache
                    + ", locking_mode " + reportedLocking + " (expected: " + cacheSize + ", " + locking + ")");
        }
    }

    /** {@return a sum over the rows} after {@code rows} inserts in one transaction. */
    @Benchmark
    public long insert(Data data, Writer writer) throws SQLException {
        return writer.contender.insertAll(data.data);
    }

    /** {@return a sum over what was read} by {@code rows} point queries by key. */
    @Benchmark
    public long pointQuery(Data data, Reader reader) throws SQLException {
        return reader.contender.pointQueries(data.data);
    }

    /** {@return a sum over what was read} by a scan of every row. */
    @Benchmark
    public long scan(Scanner scanner) throws SQLException {
        return scanner.contender.scan();
    }

    private static void deleteAll(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
