package dev.jalloc.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jalloc.DebugLevel;
import dev.jalloc.arena.LinearArena;
import dev.jalloc.vector.LongVec;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jalloc's JFR events, read back from a recording with {@link RecordingFile}: each of the five types is emitted
 * where it should be, with its fields, and the settings file {@code jalloc.jfc} names every one of them.
 */
class JfrEventsTest {
    private static final Set<String> TYPES = Set.of("dev.jalloc.AllocatorUsage", "dev.jalloc.OsMemory",
            "dev.jalloc.AllocationSample", "dev.jalloc.Leak", "dev.jalloc.Corruption");

    @Test
    void everyEventTypeIsRecorded(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jalloc.jfr");
        try (Recording recording = new Recording()) {
            for (String type : TYPES) {
                recording.enable(type).withStackTrace();
            }
            recording.enable("dev.jalloc.AllocatorUsage").withPeriod(Duration.ofMillis(50));
            // JFR's periodic thread calls a hook added after the recording started (the first allocator of this JVM
            // may come after it) from its next wake-up for another periodic event, as with the JDK's settings
            recording.enable("jdk.CPULoad").withPeriod(Duration.ofMillis(50));
            recording.start();
            work();
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Map<String, List<RecordedEvent>> byType = events.stream()
                .filter(e -> e.getEventType().getName().startsWith("dev.jalloc."))
                .collect(Collectors.groupingBy(e -> e.getEventType().getName(), TreeMap::new, Collectors.toList()));
        assertEquals(TYPES, byType.keySet(), "types recorded: " + byType.keySet());

        assertTrue(byType.get("dev.jalloc.AllocatorUsage").stream()
                .anyMatch(e -> e.getString("kind").equals("Heap") && e.getLong("live") >= 8 << 20),
                "a usage event saw the heap's 8 MiB: " + byType.get("dev.jalloc.AllocatorUsage"));
        assertTrue(byType.get("dev.jalloc.AllocatorUsage").stream()
                .anyMatch(e -> e.getString("kind").equals("Heap") && e.getLong("live") == 3 << 20),
                "a usage event saw the shared heap's 3 MiB");
        assertTrue(byType.get("dev.jalloc.OsMemory").stream()
                .anyMatch(e -> e.getString("operation").equals("release") && e.getLong("bytes") >= 20 << 20),
                "the huge mapping's release");
        assertTrue(byType.get("dev.jalloc.OsMemory").stream().anyMatch(e -> e.getString("operation").equals("purge")),
                "the trim's purge");
        RecordedEvent sample = byType.get("dev.jalloc.AllocationSample").getFirst();
        assertTrue(sample.getStackTrace().getFrames().stream()
                .anyMatch(f -> f.getMethod().getName().equals("work")), "the sample's stack reaches work()");
        RecordedEvent leak = byType.get("dev.jalloc.Leak").getFirst();
        assertEquals(3, leak.getLong("blocks"));
        assertTrue(leak.getString("site").contains("JfrEventsTest.work"), leak.getString("site"));
        assertTrue(byType.get("dev.jalloc.Corruption").getFirst().getString("violation").contains("class"),
                byType.get("dev.jalloc.Corruption").toString());
    }

    /** Allocates, trims, leaks, and corrupts a counter of one heap on purpose. */
    private static void work() throws Exception {
        try (Heap heap = Heap.builder().debug(DebugLevel.SAMPLED).build();
                LinearArena arena = LinearArena.ofVirtual(); LongVec vec = LongVec.create();
                Heap shared = Heap.ofShared()) {
            for (int i = 0; i < 3072; i++) {
                shared.allocateAddressNoInit(1024, 16);   // 3 MiB live: its usage is read without its lock
            }
            List<Long> blocks = new java.util.ArrayList<>();
            for (int i = 0; i < 8192; i++) {
                blocks.add(heap.allocateAddressNoInit(1024, 16));   // 8 MiB: 16 samples expected
            }
            long huge = heap.allocateAddressNoInit(20 << 20, 16);
            arena.push(1 << 20);
            vec.add(1);
            Thread.sleep(300);   // a few periods of the usage event
            heap.free(huge);
            for (long b : blocks) {
                heap.free(b);
            }
            heap.trim();
        }
        Heap leaky = Heap.builder().debug(DebugLevel.ALL).build();
        for (int i = 0; i < 3; i++) {
            leaky.allocateAddressNoInit(100, 16);
        }
        leaky.close();
        try (Heap broken = Heap.create()) {
            broken.allocateAddressNoInit(48, 16);
            corruptACounter(broken);
            assertThrows(IllegalStateException.class, broken::check);
            repairACounter(broken);
        }
    }

    private static long[] slotsOut(Heap heap) throws Exception {
        Field engine = Heap.class.getDeclaredField("engine");
        engine.setAccessible(true);
        Object e = engine.get(heap);
        Field counters = e.getClass().getDeclaredField("counters");
        counters.setAccessible(true);
        Object c = counters.get(e);
        Field slotsOut = c.getClass().getDeclaredField("slotsOut");
        slotsOut.setAccessible(true);
        return (long[]) slotsOut.get(c);
    }

    private static void corruptACounter(Heap heap) throws Exception {
        slotsOut(heap)[dev.jalloc.internal.heap.SizeClasses.index(48)]++;
    }

    private static void repairACounter(Heap heap) throws Exception {
        slotsOut(heap)[dev.jalloc.internal.heap.SizeClasses.index(48)]--;
    }

    @Test
    void theSettingsFileEnablesEveryType() throws Exception {
        Path jfc = Path.of("..", "jalloc.jfc");
        String text = Files.readString(jfc);
        for (String type : TYPES) {
            assertTrue(text.contains("<event name=\"" + type + "\">"), type + " in " + jfc);
        }
        jdk.jfr.Configuration c = jdk.jfr.Configuration.create(jfc);
        assertEquals("true", c.getSettings().get("dev.jalloc.OsMemory#enabled"));
    }
}
