package dev.jalloc.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.MemoryAddress;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/** The event classes and their emission: loaded only through {@link Jfr}, when {@code jdk.jfr} is present. */
final class Events {
    private Events() {
    }

    /**
     * Registers the periodic usage event's hook. A recording that was running before (started by
     * {@code -XX:StartFlightRecording}, before jalloc was loaded) calls it from the next time its periodic thread
     * wakes for another periodic event (the JDK's own settings have several, every second); a recording of jalloc's
     * events alone, started before the first allocator, sees them only at the end of each chunk.
     */
    static void register(Runnable usage) {
        FlightRecorder.addPeriodicEvent(AllocatorUsage.class, usage);
    }

    static void usage(String kind, String id, long reserved, long committed, long live) {
        AllocatorUsage e = new AllocatorUsage();
        if (e.shouldCommit()) {
            e.kind = kind;
            e.allocator = id;
            e.reserved = reserved;
            e.committed = committed;
            e.live = live;
            e.commit();
        }
    }

    static void osMemory(String operation, long address, long bytes) {
        OsMemory e = new OsMemory();
        if (e.shouldCommit()) {
            e.operation = operation;
            e.address = address;
            e.bytes = bytes;
            e.commit();
        }
    }

    static void allocationSample(String allocator, long address, long bytes) {
        AllocationSample e = new AllocationSample();
        if (e.shouldCommit()) {
            e.allocator = allocator;
            e.address = address;
            e.bytes = bytes;
            e.commit();
        }
    }

    static void leak(String allocator, long blocks, long bytes, String site) {
        Leak e = new Leak();
        if (e.shouldCommit()) {
            e.allocator = allocator;
            e.blocks = blocks;
            e.bytes = bytes;
            e.site = site;
            e.commit();
        }
    }

    static void corruption(String allocator, String violation) {
        Corruption e = new Corruption();
        if (e.shouldCommit()) {
            e.allocator = allocator;
            e.violation = violation;
            e.commit();
        }
    }

    @Name("dev.jalloc.AllocatorUsage")
    @Label("Allocator Usage")
    @Category({"jalloc"})
    @Description("Address space, committed and live bytes of one live jalloc allocator")
    @Period("1 s")
    @StackTrace(false)
    static final class AllocatorUsage extends Event {
        @Label("Kind")
        String kind;
        @Label("Allocator")
        @Description("An identity of the allocator, the same in every event of one allocator")
        String allocator;
        @Label("Reserved")
        @DataAmount
        long reserved;
        @Label("Committed")
        @DataAmount
        long committed;
        @Label("Live")
        @Description("Bytes the program holds: payloads, an arena's position, a vector's elements")
        @DataAmount
        long live;
    }

    @Name("dev.jalloc.OsMemory")
    @Label("OS Memory Call")
    @Category({"jalloc"})
    @Description("A reserve, commit, purge, decommit or release of address space by jalloc, of 64 KiB or more")
    static final class OsMemory extends Event {
        @Label("Operation")
        String operation;
        @Label("Address")
        @MemoryAddress
        long address;
        @Label("Bytes")
        @DataAmount
        long bytes;
    }

    @Name("dev.jalloc.AllocationSample")
    @Label("Allocation Sample")
    @Category({"jalloc"})
    @Description("An allocation sampled by bytes (one per 512 KiB on average), at debug level SAMPLED and above")
    static final class AllocationSample extends Event {
        @Label("Allocator")
        String allocator;
        @Label("Address")
        @MemoryAddress
        long address;
        @Label("Bytes")
        @DataAmount
        long bytes;
    }

    @Name("dev.jalloc.Leak")
    @Label("Leak At Close")
    @Category({"jalloc"})
    @Description("Blocks of one allocation site still live when their allocator closed")
    @StackTrace(false)
    static final class Leak extends Event {
        @Label("Allocator")
        String allocator;
        @Label("Blocks")
        long blocks;
        @Label("Bytes")
        @DataAmount
        long bytes;
        @Label("Site")
        String site;
    }

    @Name("dev.jalloc.Corruption")
    @Label("Corruption Found")
    @Category({"jalloc"})
    @Description("An invariant walk of an allocator's metadata found a violation")
    static final class Corruption extends Event {
        @Label("Allocator")
        String allocator;
        @Label("Violation")
        String violation;
    }
}
