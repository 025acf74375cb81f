package dev.jalloc.examples.sqlite;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

/**
 * The system's SQLite library, found with the dynamic linker: {@value #SONAME} (Debian package
 * {@value #DEBIAN_PACKAGE}), or {@code libsqlite3.so} where only the development link exists.
 *
 * <p>The library is looked up once, the first time anything here or in {@link Database} needs it, and stays loaded
 * for the life of the JVM ({@link Arena#global()}). When it is absent, {@link #require()} throws an
 * {@link UnsatisfiedLinkError} naming the package to install, every time it is called (not only the first).
 */
public final class SqliteLibrary {
    /** The shared object name of SQLite 3 on Linux. */
    public static final String SONAME = "libsqlite3.so.0";
    /** The Debian package that installs {@value #SONAME}. */
    public static final String DEBIAN_PACKAGE = "libsqlite3-0";

    private SqliteLibrary() {
    }

    /** The lookup, or why there is none: made once, on first use. */
    private static final class Found {
        static final SymbolLookup LOOKUP;
        static final String FAILURE;

        static {
            StringBuilder failures = new StringBuilder();
            LOOKUP = find(failures);
            FAILURE = failures.toString();
        }

        /** {@return the first of the library's names the linker finds, or {@code null}, noting each failure} */
        @SuppressWarnings("restricted")   // loads a library: the module's native access covers it
        private static SymbolLookup find(StringBuilder failures) {
            for (String name : new String[] {SONAME, "libsqlite3.so"}) {
                try {
                    return SymbolLookup.libraryLookup(name, Arena.global());
                } catch (IllegalArgumentException e) {
                    failures.append(failures.isEmpty() ? "" : "; ").append(e.getMessage());
                }
            }
            return null;
        }
    }

    /** {@return whether the dynamic linker found SQLite} */
    public static boolean isAvailable() {
        return Found.LOOKUP != null;
    }

    /**
     * {@return the symbols of the loaded library}
     *
     * @throws UnsatisfiedLinkError if the dynamic linker cannot find it; the message names the Debian package
     */
    public static SymbolLookup require() {
        if (Found.LOOKUP == null) {
            throw new UnsatisfiedLinkError("SQLite not found: " + SONAME + " is not on the dynamic linker's path"
                    + " (install Debian package " + DEBIAN_PACKAGE + "): " + Found.FAILURE);
        }
        return Found.LOOKUP;
    }

    /**
     * {@return the library's version, as {@code sqlite3_libversion()} gives it, e.g. {@code 3.40.1}}
     *
     * @throws UnsatisfiedLinkError if the dynamic linker cannot find the library
     */
    public static String version() {
        require();
        return Sqlite.libVersion();
    }
}
