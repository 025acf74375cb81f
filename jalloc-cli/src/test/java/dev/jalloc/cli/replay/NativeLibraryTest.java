package dev.jalloc.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A native peer whose library is missing is skipped with dlopen's reason and the package to install. */
class NativeLibraryTest {

    @Test
    void aMissingLibraryNamesThePackageToInstall() {
        AllocatorUnavailableException e = assertThrows(AllocatorUnavailableException.class,
                () -> NativeLibrary.load("libjalloc-no-such.so.9", "jalloc-no-such"));
        assertEquals("cannot load libjalloc-no-such.so.9: libjalloc-no-such.so.9: cannot open shared object file: "
                + "No such file or directory; install it (Debian, Ubuntu: apt-get install jalloc-no-such)",
                e.getMessage());
    }
}
