package dev.jalloc.cli.replay;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Loading the native peers' libraries, with a useful message when that fails, and finding the process's own
 * malloc (a preloaded one: hardened_malloc) and the file it came from. The JDK's
 * {@link SymbolLookup#libraryLookup(String, Arena)} only says "Cannot open library", so on failure this asks
 * {@code dlopen} again and reports {@code dlerror()}: "not found" and "cannot allocate memory in static TLS
 * block" (Debian's jemalloc, loaded after the JVM started without {@value #STATIC_TLS_TUNABLE}) need different
 * fixes. Libraries are loaded into the global arena: never unloaded while blocks may be live.
 *
 * <p>Pointers are passed as {@code JAVA_LONG}, as in jalloc-core: on the 64-bit ABIs jalloc supports a pointer
 * and a 64-bit integer travel in the same register, and no {@code MemorySegment} is made per call.
 */
final class NativeLibrary {
    /** What {@code ./jalloc replay} puts in the environment so that Debian's jemalloc can be loaded. */
    static final String STATIC_TLS_TUNABLE = "GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384";

    private static final int RTLD_LAZY = 1;
    private static final long RTLD_DEFAULT = 0;
    private static final Linker LINKER = Linker.nativeLinker();

    private NativeLibrary() {
    }

    /**
     * {@return the symbols of the library {@code soname}, found by the dynamic linker's usual search}
     *
     * @param debianPackage the package that installs it, for messages
     * @throws AllocatorUnavailableException if it cannot be loaded; the message has dlerror's reason and a fix
     */
    static SymbolLookup load(String soname, String debianPackage) throws AllocatorUnavailableException {
        try {
            return SymbolLookup.libraryLookup(soname, Arena.global());
        } catch (IllegalArgumentException | IllegalCallerException e) {
            String reason = dlerror(soname);
            String fix;
            if (reason.contains("static TLS")) {
                fix = "it must be loaded into a JVM started with " + STATIC_TLS_TUNABLE
                        + " in the environment (./jalloc replay sets it)";
            } else if (reason.contains("No such file") || reason.contains("cannot open shared object")) {
                fix = "install it (Debian, Ubuntu: apt-get install " + debianPackage + ")";
            } else {
                fix = "check the library";
            }
            throw new AllocatorUnavailableException("cannot load " + soname + ": " + reason + "; " + fix);
        }
    }

    /**
     * {@return the symbols of the library file {@code file}, loaded privately ({@code RTLD_LOCAL})}
     *
     * @throws AllocatorUnavailableException if it cannot be loaded; the message has dlerror's reason
     */
    static SymbolLookup load(Path file) throws AllocatorUnavailableException {
        try {
            return SymbolLookup.libraryLookup(file, Arena.global());
        } catch (IllegalArgumentException | IllegalCallerException e) {
            String reason = dlerror(file.toString());
            throw new AllocatorUnavailableException("cannot load " + file + ": " + reason
                    + (reason.contains("static TLS") ? "; it must be loaded into a JVM started with "
                    + STATIC_TLS_TUNABLE + " in the environment (./jalloc replay sets it)" : ""));
        }
    }

    /**
     * {@return the address of the process's global symbol {@code name}: {@code dlsym(RTLD_DEFAULT, name)}, which
     * finds a library given with {@code LD_PRELOAD} first, or {@link MemorySegment#NULL} if there is none} Not
     * {@link Linker#defaultLookup()}: that one looks in the C library's own scope, whose {@code malloc} is glibc's
     * even in a process whose malloc a preloaded library replaced.
     */
    static MemorySegment processSymbol(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle dlsym = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("dlsym"),
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS));
            return MemorySegment.ofAddress((long) dlsym.invokeExact(RTLD_DEFAULT, arena.allocateFrom(name)));
        } catch (Throwable t) {
            throw new IllegalStateException("dlsym(RTLD_DEFAULT, \"" + name + "\") failed: " + t, t);
        }
    }

    /** {@return the path of the loaded file that holds {@code address} ({@code dladdr}), or null if none does} */
    static String fileOf(MemorySegment address) {
        if (address.equals(MemorySegment.NULL)) {
            return null;
        }
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle dladdr = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("dladdr"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
            MemorySegment info = arena.allocate(4 * ADDRESS.byteSize(), ADDRESS.byteAlignment()); // Dl_info
            int found = (int) dladdr.invokeExact(address.address(), info);
            MemorySegment fileName = info.get(ADDRESS, 0); // dli_fname, first of Dl_info's four pointers
            return found == 0 || fileName.equals(MemorySegment.NULL) ? null
                    : fileName.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException("dladdr failed: " + t, t);
        }
    }

    /** {@return a downcall handle to {@code name}, critical (no thread-state switch) if asked} */
    static MethodHandle downcall(SymbolLookup lookup, String name, FunctionDescriptor type, boolean critical)
            throws AllocatorUnavailableException {
        MemorySegment symbol = lookup.find(name).orElseThrow(
                () -> new AllocatorUnavailableException("the library has no symbol " + name));
        return critical
                ? LINKER.downcallHandle(symbol, type, Linker.Option.critical(false))
                : LINKER.downcallHandle(symbol, type);
    }

    /** {@return why {@code dlopen(soname)} fails, in dlerror's words} */
    private static String dlerror(String soname) {
        SymbolLookup libc = LINKER.defaultLookup();
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle dlopen = LINKER.downcallHandle(libc.findOrThrow("dlopen"),
                    FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT));
            MethodHandle dlerror = LINKER.downcallHandle(libc.findOrThrow("dlerror"), FunctionDescriptor.of(ADDRESS));
            MethodHandle dlclose = LINKER.downcallHandle(libc.findOrThrow("dlclose"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
            long handle = (long) dlopen.invokeExact(arena.allocateFrom(soname), RTLD_LAZY);
            if (handle != 0) {
                int ignored = (int) dlclose.invokeExact(handle);
                return "the JDK could not open it, though dlopen can";
            }
            MemorySegment message = (MemorySegment) dlerror.invokeExact();
            return message.equals(MemorySegment.NULL) ? "dlopen failed without a reason"
                    : message.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            return "the JDK could not open it (" + t + ")";
        }
    }
}
