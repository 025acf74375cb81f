package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jalloc.internal.os.Os;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * When the OS refuses memory the heaps throw {@link dev.jalloc.OutOfNativeMemoryError}, change nothing and go on:
 * in a child JVM under {@code ulimit -v}, so that the refusals are real and this JVM is not at risk.
 */
class HeapOutOfMemoryTest {

    @Test
    void refusalsUnderUlimitInAChildJvm() throws Exception {
        assumeTrue(Os.current().name().equals("linux") && Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String command = "ulimit -v 1500000 && exec \"$0\" -Xmx64m -Xss512k -XX:+UseSerialGC"
                + " -XX:ReservedCodeCacheSize=32m -XX:CompressedClassSpaceSize=32m -XX:MaxMetaspaceSize=64m"
                + " -XX:TieredStopAtLevel=1 --enable-native-access=ALL-UNNAMED -cp \"$1\" "
                + HeapOutOfMemoryChild.class.getName();
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", command, java, classPath).redirectErrorStream(true);
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        Process child = pb.start();
        String output = new String(child.getInputStream().readAllBytes());
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        System.out.println("child output:\n" + output);
        assertEquals(0, child.exitValue(), output);
        assertFalse(output.contains("FAIL="), output);
        for (String expected : new String[] {"heapCreate=refused", "heapCreateCause=mmap ENOMEM",
                "vecCreate=refused", "heapDefault=degraded", "bestFitDefault=degraded", "vecDefault=degraded",
                "bestFitCreate=refused", "bestFitCreateCause=mmap ENOMEM", "huge=refused after",
                "hugeCause=mmap ENOMEM", "hugeAfter=usable", "large=full after 16", "largeMessage=heap full",
                "largeAfter=usable", "DONE"}) {
            assertTrue(output.contains(expected), "child output lacks '" + expected + "':\n" + output);
        }
    }
}
