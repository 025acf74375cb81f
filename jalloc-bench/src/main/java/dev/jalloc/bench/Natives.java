package dev.jalloc.bench;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * malloc, free and realloc of one native allocator, as downcall handles, plain or critical. Each contender class
 * copies them into {@code static final} fields, so that the JIT inlines the downcall behind each (see
 * {@link NativePeers}). Public for the multithreaded benchmarks of {@code dev.jalloc.bench.mt}, which load the
 * same libraries.
 *
 * @param unavailable why the library could not be loaded, or null if it was (the handles are then null)
 * @param malloc {@code long malloc(long byteSize)}
 * @param free {@code void free(long address)}
 * @param realloc {@code long realloc(long address, long byteSize)}
 */
@SuppressWarnings("restricted") // the forks run with native access enabled
public record Natives(String unavailable, MethodHandle malloc, MethodHandle free, MethodHandle realloc) {
    private static final FunctionDescriptor MALLOC = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG);
    private static final FunctionDescriptor FREE = FunctionDescriptor.ofVoid(JAVA_LONG);
    private static final FunctionDescriptor REALLOC = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG);

    /**
     * {@return the functions {@code prefix + "malloc"}, {@code "free"} and {@code "realloc"} of {@code soname}
     * (null: the default lookup, glibc's own), or a value whose {@code unavailable} says why the library could not
     * be loaded}
     */
    public static Natives load(String soname, String debianPackage, String prefix, boolean critical) {
        SymbolLookup lookup;
        if (soname == null) {
            lookup = Linker.nativeLinker().defaultLookup();
        } else {
            try {
                lookup = SymbolLookup.libraryLookup(soname, Arena.global());
            } catch (IllegalArgumentException e) {
                return unavailable("cannot load " + soname + " (" + e.getMessage() + "): is " + debianPackage
                        + " installed? jemalloc also needs GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384"
                        + " in the environment, which ./jalloc bench and ./jalloc mtbench set");
            }
        }
        return of(lookup, prefix, critical);
    }

    /**
     * {@return the functions {@code prefix + "malloc"}, {@code "free"} and {@code "realloc"} of the prebuilt
     * library {@code fileName} of {@link SharedNatives#directory()}, loaded privately, or a value whose
     * {@code unavailable} names the missing file or says why it could not be loaded}
     */
    public static Natives loadShared(String fileName, String prefix, boolean critical) {
        String missing = SharedNatives.missing(fileName);
        if (missing != null) {
            return unavailable(missing);
        }
        Path file = SharedNatives.file(fileName);
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(file, Arena.global());
        } catch (IllegalArgumentException e) {
            return unavailable("cannot load " + file + " (" + e.getMessage() + "); it uses initial-exec TLS, "
                    + "which needs GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384 in the environment "
                    + "(./jalloc bench and ./jalloc mtbench set it)");
        }
        return of(lookup, prefix, critical);
    }

    /**
     * {@return the process's {@code malloc}, {@code free} and {@code realloc}: those of a library given with
     * {@code LD_PRELOAD} if one replaced glibc's (see {@link SharedNatives}); a contender that needs a preloaded
     * one checks it with {@link SharedNatives#notPreloaded}}
     */
    public static Natives processMalloc(boolean critical) {
        SymbolLookup process = name -> {
            MemorySegment symbol = SharedNatives.processSymbol(name);
            return symbol.equals(MemorySegment.NULL) ? Optional.empty() : Optional.of(symbol);
        };
        return of(process, "", critical);
    }

    /** Throws {@link IllegalStateException} with the reason if the library could not be loaded. */
    public void check() {
        if (unavailable != null) {
            throw new IllegalStateException("contender unavailable, skipped: " + unavailable);
        }
    }

    private static Natives unavailable(String why) {
        return new Natives(why, null, null, null);
    }

    private static Natives of(SymbolLookup lookup, String prefix, boolean critical) {
        Linker.Option[] options = critical ? new Linker.Option[] {Linker.Option.critical(false)}
                : new Linker.Option[0];
        Linker linker = Linker.nativeLinker();
        return new Natives(null,
                linker.downcallHandle(lookup.findOrThrow(prefix + "malloc"), MALLOC, options),
                linker.downcallHandle(lookup.findOrThrow(prefix + "free"), FREE, options),
                linker.downcallHandle(lookup.findOrThrow(prefix + "realloc"), REALLOC, options));
    }
}
