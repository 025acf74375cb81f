import dev.jalloc.examples.sqlite.Database;
import dev.jalloc.examples.sqlite.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.SplittableRandom;

/**
 * SqliteBench's table and point queries outside JMH, for counting what a query costs with strace (run by
 * count.sh, next to this file). Rows, keys and statements are SqliteBench's (jalloc-bench's SqliteRows):
 * <pre>
 *   make  FILE ROWS                                          the table, written by the binding
 *   query FILE ROWS WARM N CACHE LOCKING MARKS binding|jdbc  PRAGMA cache_size = CACHE (unless "default") and
 *         locking_mode = LOCKING, a scan, WARM point queries, then MARKS/begin is created, N point queries (a
 *         statement prepared per query, as the scratch and sqliteJdbc contenders do), then MARKS/end
 * </pre>
 * The files MARKS/begin and MARKS/end show in strace's output as two openat calls around the measured queries.
 */
public class PointQueries {
    private static final String QUERY = "SELECT i, t, d FROM kv WHERE k = ?";

    public static void main(String[] args) throws Exception {
        String file = args[1];
        int rows = Integer.parseInt(args[2]);
        if (args[0].equals("make")) {
            make(file, rows);
            return;
        }
        int warm = Integer.parseInt(args[3]);
        int n = Integer.parseInt(args[4]);
        String cache = args[5];
        String locking = args[6];
        Path marks = Path.of(args[7]);
        long sum = args[8].equals("jdbc") ? jdbc(file, rows, warm, n, cache, locking, marks)
                : binding(file, rows, warm, n, cache, locking, marks);
        System.out.println("sum of what was read: " + sum);
    }

    private static void make(String file, int rows) {
        String[] texts = new String[4096];
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < texts.length; i++) {
            char[] text = new char[random.nextInt(20, 201)];
            for (int c = 0; c < text.length; c++) {
                text[c] = (char) random.nextInt(' ', '~' + 1);
            }
            texts[i] = new String(text);
        }
        try (Database db = Database.open(file)) {
            db.exec("CREATE TABLE kv (k INTEGER PRIMARY KEY, i INTEGER, t TEXT, d REAL)");
            db.exec("BEGIN");
            try (Statement insert = db.prepare("INSERT INTO kv (k, i, t, d) VALUES (?, ?, ?, ?)")) {
                for (int k = 0; k < rows; k++) {
                    insert.bindLong(1, k).bindLong(2, k * 31 + 7).bindText(3, texts[k & (texts.length - 1)])
                            .bindDouble(4, k * 0.25).step();
                    insert.reset();
                }
            }
            db.exec("COMMIT");
        }
    }

    private static int key(int i, int rows) {
        return (int) ((i * 2654435761L) % rows);
    }

    private static long binding(String file, int rows, int warm, int n, String cache, String locking, Path marks)
            throws Exception {
        long sum = 0;
        try (Database db = Database.open(file)) {
            if (!cache.equals("default")) {
                db.exec("PRAGMA cache_size = " + cache);
            }
            db.exec("PRAGMA locking_mode = " + locking);
            try (Statement scan = db.prepare("SELECT k, i, t, d FROM kv")) {
                while (scan.step()) {
                    sum += scan.columnText(2).length();
                }
            }
            for (int i = 0; i < warm + n; i++) {
                if (i == warm) {
                    Files.createFile(marks.resolve("begin"));
                }
                try (Statement query = db.prepare(QUERY)) {
                    query.bindLong(1, key(i, rows));
                    if (!query.step()) {
                        throw new IllegalStateException("no row");
                    }
                    sum += query.columnLong(0) + query.columnText(1).length() + (long) query.columnDouble(2);
                }
            }
            Files.createFile(marks.resolve("end"));
        }
        return sum;
    }

    private static long jdbc(String file, int rows, int warm, int n, String cache, String locking, Path marks)
            throws Exception {
        long sum = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (java.sql.Statement s = c.createStatement()) {
                if (!cache.equals("default")) {
                    s.execute("PRAGMA cache_size = " + cache);
                }
                s.execute("PRAGMA locking_mode = " + locking);
                try (ResultSet r = s.executeQuery("SELECT k, i, t, d FROM kv")) {
                    while (r.next()) {
                        sum += r.getString(3).length();
                    }
                }
            }
            for (int i = 0; i < warm + n; i++) {
                if (i == warm) {
                    Files.createFile(marks.resolve("begin"));
                }
                try (PreparedStatement q = c.prepareStatement(QUERY)) {
                    q.setLong(1, key(i, rows));
                    try (ResultSet r = q.executeQuery()) {
                        if (!r.next()) {
                            throw new IllegalStateException("no row");
                        }
                        sum += r.getLong(1) + r.getString(2).length() + (long) r.getDouble(3);
                    }
                }
            }
            Files.createFile(marks.resolve("end"));
        }
        return sum;
    }
}
