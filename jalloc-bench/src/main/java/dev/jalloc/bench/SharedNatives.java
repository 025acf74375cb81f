package dev.jalloc.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * The hardened anchors: allocators prebuilt in {@code ../shared/natives} next to the repository (see the README
 * there), never a dependency of jalloc. A user's clone has no {@code ../shared}: a contender whose file is missing
 * fails its setup with a message naming the file, and JMH (or mtbench) goes on with the others.
 *
 * <pre>
 *   file                          JMH contenders                      mtbench contender        reached as
 *   libmimalloc-secure.so         mimallocSecure, ...SecureCritical   mimallocSecureCritical   loaded privately (libraryLookup)
 *   libhardened_malloc.so         hardened                            hardenedCritical         the process's malloc (LD_PRELOAD)
 *   libhardened_malloc-light.so   hardenedLight                       hardenedLightCritical    the same
 * </pre>
 *
 * <p><b>Where.</b> The system property {@value #PROPERTY}, else the environment variable {@value #ENVIRONMENT}
 * (which JMH forks and mtbench's children inherit), else {@code ROOT/../shared/natives}, where {@code ROOT} is the
 * nearest directory above this class's jar (or above the working directory) that holds {@code mvnw} and
 * {@code jalloc-bench}.
 *
 * <p><b>Preloaded.</b> hardened_malloc refuses {@code dlopen} (its ELF flag {@code NOOPEN}): it runs only as the
 * whole process's malloc, given to the JVM with {@code LD_PRELOAD}. Its functions are then the process's:
 * {@code dlsym(RTLD_DEFAULT, "malloc")}. Not {@code Linker.nativeLinker().defaultLookup()}, which looks in the C
 * library's own scope: its {@code malloc} is glibc's even in a process whose malloc a preload replaced. Whether it
 * is the process's malloc is checked, not assumed: {@code dladdr} names the file {@code malloc} lives in.
 */
public final class SharedNatives {
    /** The system property that names the directory of the prebuilt libraries. */
    public static final String PROPERTY = "jalloc.natives";
    /** The environment variable that names it when the property is not set. */
    public static final String ENVIRONMENT = "JALLOC_NATIVES";
    /** mimalloc 2.0.9 built with {@code MI_SECURE=ON}. */
    public static final String MIMALLOC_SECURE = "libmimalloc-secure.so";
    /** hardened_malloc, default configuration. */
    public static final String HARDENED = "libhardened_malloc.so";
    /** hardened_malloc, light configuration. */
    public static final String HARDENED_LIGHT = "libhardened_malloc-light.so";

    private static final long RTLD_DEFAULT = 0;
    private static final Linker LINKER = Linker.nativeLinker();

    private SharedNatives() {
    }

    /** {@return the directory of the prebuilt libraries (see the class comment); it may not exist} */
    public static Path directory() {
        String configured = System.getProperty(PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(ENVIRONMENT);
        }
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path root = repositoryRoot(codeLocation());
        if (root == null) {
            root = repositoryRoot(Path.of("").toAbsolutePath());
        }
        return (root == null ? Path.of("..") : root.resolve("..")).resolve("shared/natives").toAbsolutePath()
                .normalize();
    }

    /** {@return {@code fileName} in {@link #directory()}} */
    public static Path file(String fileName) {
        return directory().resolve(fileName);
    }

    /** {@return null if {@code fileName} is in {@link #directory()}, else a message naming the missing file} */
    public static String missing(String fileName) {
        Path file = file(fileName);
        if (Files.isRegularFile(file)) {
            return null;
        }
        return "no file " + file + " (the hardened anchors are prebuilt in ../shared/natives next to the "
                + "repository, which a clone does not have; -D" + PROPERTY + "=DIR or " + ENVIRONMENT
                + "=DIR points elsewhere)";
    }

    /**
     * {@return null if this process's {@code malloc} is that of a file named {@code fileName}, else why not and
     * {@code howToRun}}
     */
    public static String notPreloaded(String fileName, String howToRun) {
        String missing = missing(fileName);
        if (missing != null) {
            return missing;
        }
        String library = libraryOf(processSymbol("malloc"));
        if (library != null && Path.of(library).getFileName().toString().equals(fileName)) {
            return null;
        }
        return "this process's malloc is " + (library == null ? "in no known file" : library + "'s") + ", not "
                + fileName + "'s: hardened_malloc runs only as the whole process's malloc, given to the JVM with "
                + "LD_PRELOAD=" + file(fileName) + "; " + howToRun;
    }

    /**
     * {@return the address of the process's global symbol {@code name} ({@code dlsym(RTLD_DEFAULT, name)}: a
     * preloaded library's first), or {@link MemorySegment#NULL} if there is none}
     */
    @SuppressWarnings("restricted") // the forks and mtbench's children run with native access enabled
    public static MemorySegment processSymbol(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle dlsym = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("dlsym"),
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS));
            long address = (long) dlsym.invokeExact(RTLD_DEFAULT, arena.allocateFrom(name));
            return MemorySegment.ofAddress(address);
        } catch (Throwable t) {
            throw new IllegalStateException("dlsym(RTLD_DEFAULT, \"" + name + "\") failed: " + t, t);
        }
    }

    /** {@return the path of the loaded file that holds {@code address} ({@code dladdr}), or null if none does} */
    @SuppressWarnings("restricted") // the forks and mtbench's children run with native access enabled
    public static String libraryOf(MemorySegment address) {
        if (address.equals(MemorySegment.NULL)) {
            return null;
        }
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle dladdr = LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow("dladdr"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
            MemorySegment info = arena.allocate(4 * ADDRESS.byteSize(), ADDRESS.byteAlignment()); // Dl_info
            int found = (int) dladdr.invokeExact(address.address(), info);
            MemorySegment fileName = info.get(ADDRESS, 0); // dli_fname
            if (found == 0 || fileName.equals(MemorySegment.NULL)) {
                return null;
            }
            return fileName.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException("dladdr failed: " + t, t);
        }
    }

    /** {@return this class's jar or classes directory, or null if unknown} */
    private static Path codeLocation() {
        try {
            CodeSource source = SharedNatives.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    /** {@return the nearest directory at or above {@code start} that holds mvnw and jalloc-bench, or null} */
    private static Path repositoryRoot(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("jalloc-bench"))) {
                return dir;
            }
        }
        return null;
    }
}
