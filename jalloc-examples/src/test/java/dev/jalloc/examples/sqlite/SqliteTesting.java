package dev.jalloc.examples.sqlite;

/** What the tests of this package share: the skip messages. */
final class SqliteTesting {
    /** Why a test skips when the dynamic linker cannot find SQLite. */
    static final String NO_LIBRARY = "SQLite is not installed (Debian package " + SqliteLibrary.DEBIAN_PACKAGE
            + "): the binding's tests skip";

    private SqliteTesting() {
    }
}
