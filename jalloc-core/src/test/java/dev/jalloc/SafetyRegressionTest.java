package dev.jalloc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.testing.ChildJvm;
import dev.jalloc.testing.Seeds;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * One test per misuse that once crashed, hung or silently corrupted the JVM (issue 9), each run in a child JVM
 * ({@link SafetyRegressionChild}) so that a regression fails the test instead of ending the build.
 */
class SafetyRegressionTest {

    private static void passes(String... scenario) throws Exception {
        ChildJvm.Result result = ChildJvm.of(SafetyRegressionChild.class).timeoutSeconds(180).run(scenario);
        System.out.println(String.join(" ", scenario) + ": " + result.describe());
        assertTrue(result.finishedWith("PASS"), result.describe());
    }

    @Test
    void staleWritesIntoFreedBestFitBlocksNeverCrashHangOrCorrupt() throws Exception {
        long seed = Seeds.random("staleWritesIntoFreedBestFitBlocks").nextLong();
        passes("bestFitStaleWrites", Long.toString(seed));
    }

    @Test
    void popToAPositionNeverHandedOutIsRefusedInCheckedMode() throws Exception {
        passes("popToNeverPushedChecked");
    }

    @Test
    void popToAPositionNeverHandedOutIsRefusedUnchecked() throws Exception {
        passes("popToNeverPushedUnchecked");
    }

    @Test
    void fixedArenaOverClosedCallerMemoryThrowsInsteadOfCrashing() throws Exception {
        passes("fixedOverClosedCallerMemory");
    }

    @Test
    void fixedArenaKeepsAutoArenaMemoryAlive() throws Exception {
        passes("fixedOverCollectedAutoMemory");
    }

    @Test
    void heapOnTheTailOfAMappedFileNeverPurgesTheFile() throws Exception {
        Path file = Files.createTempFile("jalloc-mapped", ".bin");
        try {
            passes("heapOnMappedFileTail", file.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void closingASharedArenaFromAnotherThreadUnderAHeapWithAHugeAllocationCompletes() throws Exception {
        passes("sharedArenaClosedFromAnotherThread");
    }

    @Test
    void longMinValueAlignmentIsRefusedEverywhere() throws Exception {
        passes("alignmentLongMinValue");
    }

    @Test
    void smallHeapReservationsAndNearlyFullArenasGiveDocumentedErrors() throws Exception {
        passes("smallHeapReservations");
    }
}
