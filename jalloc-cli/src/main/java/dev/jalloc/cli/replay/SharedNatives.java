package dev.jalloc.cli.replay;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * Where the hardened anchors are: allocators prebuilt in {@code ../shared/natives} next to the repository (see the
 * README there), for measurements only, never a dependency of jalloc. A clone has no {@code ../shared}: an anchor
 * whose file is missing is skipped, with a message naming the file.
 *
 * <pre>
 *   file                          allocator         reached as
 *   libmimalloc-secure.so         mimalloc-secure   loaded privately, like Debian's mimalloc ({@link Mimalloc})
 *   libhardened_malloc.so         hardened          the process's malloc: its child JVMs run with LD_PRELOAD
 *   libhardened_malloc-light.so   hardened-light    the same ({@link HardenedMalloc})
 * </pre>
 *
 * The directory is the system property {@value #PROPERTY}, else the environment variable {@value #ENVIRONMENT},
 * else {@code ROOT/../shared/natives}, where {@code ROOT} is the nearest directory above this class's jar (or above
 * the working directory) that holds {@code mvnw} and {@code jalloc-cli}. Child JVMs get the property passed on.
 */
final class SharedNatives {
    /** The system property that names the directory of the prebuilt libraries. */
    static final String PROPERTY = "jalloc.natives";
    /** The environment variable that names it when the property is not set. */
    static final String ENVIRONMENT = "JALLOC_NATIVES";
    /** mimalloc 2.0.9 built with {@code MI_SECURE=ON}. */
    static final String MIMALLOC_SECURE = "libmimalloc-secure.so";
    /** hardened_malloc, default configuration. */
    static final String HARDENED = "libhardened_malloc.so";
    /** hardened_malloc, light configuration. */
    static final String HARDENED_LIGHT = "libhardened_malloc-light.so";

    private SharedNatives() {
    }

    /** {@return the directory of the prebuilt libraries (see the class comment); it may not exist} */
    static Path directory() {
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

    /** {@return whether {@code fileName} is in {@link #directory()}} */
    static boolean isPresent(String fileName) {
        return Files.isRegularFile(directory().resolve(fileName));
    }

    /**
     * {@return the path of {@code fileName} in {@link #directory()}}
     *
     * @throws AllocatorUnavailableException if there is no such file; the message names it and says why
     */
    static Path file(String fileName) throws AllocatorUnavailableException {
        Path file = directory().resolve(fileName);
        if (!Files.isRegularFile(file)) {
            throw new AllocatorUnavailableException("no file " + file + " (the hardened anchors are prebuilt in "
                    + "../shared/natives next to the repository, which a clone does not have; -D" + PROPERTY
                    + "=DIR or " + ENVIRONMENT + "=DIR points elsewhere)");
        }
        return file;
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

    /** {@return the nearest directory at or above {@code start} that holds mvnw and jalloc-cli, or null} */
    private static Path repositoryRoot(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("jalloc-cli"))) {
                return dir;
            }
        }
        return null;
    }
}
