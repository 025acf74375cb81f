package dev.jalloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The published javadoc documents the exported packages only, so nothing documented there may link into an internal
 * package: javadoc itself does not say so (it writes the name without a link). Every doc comment of a public or
 * protected element, or of a public interface's members, or of an exported package, is checked for {@code @link},
 * {@code @linkplain}, {@code @value} and {@code @see} references to {@code dev.jalloc.internal} or to a class the
 * file imports from there.
 */
class PublicApiDocsTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/jalloc");
    private static final Set<String> EXPORTED = Set.of("", "arena", "vector", "heap");
    private static final Pattern COMMENT = Pattern.compile("/\\*\\*(.*?)\\*/\\s*((?:@\\w+(?:\\([^)]*\\))?\\s*)*)([^\\n]*)",
            Pattern.DOTALL);
    private static final Pattern REFERENCE = Pattern.compile("(?:\\{@(?:link|linkplain|value)|@see)\\s+([\\w.#]+)");
    private static final Pattern INTERNAL_IMPORT = Pattern.compile("import dev\\.jalloc\\.internal\\.[\\w.]*\\.(\\w+);");

    @Test
    void publicDocsLinkNothingOutsideTheExportedPackages() throws IOException {
        assumeTrue(Files.isDirectory(SOURCES), "run from jalloc-core, where the sources are");
        List<String> found = new ArrayList<>();
        for (String pkg : EXPORTED) {
            try (Stream<Path> files = Files.list(SOURCES.resolve(pkg))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    found.addAll(internalReferences(file));
                }
            }
        }
        assertEquals(List.of(), found, "public javadoc that links into internal packages");
    }

    private static List<String> internalReferences(Path file) throws IOException {
        String source = Files.readString(file);
        Set<String> internal = INTERNAL_IMPORT.matcher(source).results().map(m -> m.group(1))
                .collect(Collectors.toSet());
        boolean publicInterface = source.contains("public interface ") || source.contains("public sealed interface ");
        boolean packageInfo = file.getFileName().toString().equals("package-info.java");
        List<String> found = new ArrayList<>();
        Matcher comment = COMMENT.matcher(source);
        while (comment.find()) {
            String declaration = comment.group(3).strip();
            boolean documented = packageInfo || publicInterface || declaration.startsWith("public ")
                    || declaration.startsWith("protected ");
            if (!documented) {
                continue;
            }
            Matcher reference = REFERENCE.matcher(comment.group(1));
            while (reference.find()) {
                String target = reference.group(1);
                String type = target.split("#")[0];
                if (target.contains(".internal.") || internal.contains(type)) {
                    found.add(file.getFileName() + ": " + target + " (documenting: " + declaration + ")");
                }
            }
        }
        return found;
    }
}
