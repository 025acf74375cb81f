package dev.jalloc.arena;

import dev.jalloc.OutOfNativeMemoryError;
import dev.jalloc.SystemCallException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Run by {@link OutOfMemoryTest} in a child JVM under {@code ulimit -v}: grows arenas until the OS refuses,
 * then checks that each arena still works. Prints one {@code key=value} line per finding and {@code DONE} last.
 */
public final class OutOfMemoryChild {
    private OutOfMemoryChild() {
    }

    public static void main(String[] args) {
        // 1. An explicit 64 GiB reservation does not fit under the limit: build() refuses cleanly...
        try {
            LinearArena.builder().reserveSize(LinearArena.DEFAULT_RESERVE_SIZE).build().close();
            System.out.println("virtualBuild=succeeded");
        } catch (OutOfNativeMemoryError e) {
            System.out.println("virtualBuild=refused");
            System.out.println("virtualBuildCause=" + describe(e));
        }
        // ...while the default one degrades to what the OS grants, works, and says so.
        try (LinearArena arena = LinearArena.ofVirtual()) {
            arena.push(4 << 20).fill((byte) 1);
            System.out.println("virtualDefault=" + (arena.reserveSize() < LinearArena.DEFAULT_RESERVE_SIZE
                    ? "degraded" : "full size"));
            System.out.println("virtualDefaultSays=" + (arena.toString().contains("refused by the OS") ? "yes" : "no"));
        }
        // A default reservation committed whole (a commit step as large as it, no size asked for) degrades too.
        try (LinearArena arena = LinearArena.builder().commitStep(LinearArena.DEFAULT_RESERVE_SIZE).build()) {
            arena.push(4 << 20).fill((byte) 1);
            System.out.println("committedDefault=" + (arena.reserveSize() == LinearArena.DEFAULT_RESERVE_SIZE
                    ? "full size" : arena.commitStep() != arena.reserveSize() ? "degraded, but commit step "
                    + arena.commitStep() + " against reservation " + arena.reserveSize() : "degraded"));
        } catch (OutOfNativeMemoryError e) {
            System.out.println("committedDefault=refused: " + e.getMessage());
        }

        // 2. A chained arena grows block by block until a reservation is refused.
        for (String mode : new String[] {"chained", "virtualChained"}) {
            LinearArenaBuilder b = LinearArena.builder().reserveSize(64 << 20).chaining(true);
            LinearArena arena = (mode.equals("chained") ? b.commitStep(64 << 20) : b.commitStep(1 << 20)).build();
            MemorySegment first = arena.push(64);
            first.fill((byte) 7);
            long blocks = 0;
            try {
                for (; blocks < 1_000; blocks++) {
                    arena.pushNoInit(48 << 20);
                }
                System.out.println(mode + "=never refused");
            } catch (OutOfNativeMemoryError e) {
                long pos = arena.pos();
                System.out.println(mode + "=refused after " + blocks + " blocks");
                System.out.println(mode + "Cause=" + describe(e));
                // The refused push changed nothing; smaller pushes, pops and temps still work.
                boolean samePos = arena.pos() == pos;
                arena.push(1024).fill((byte) 1);
                arena.popTo(64);
                try (Temp t = arena.temp()) {
                    t.allocate(4096);
                }
                MemorySegment again = arena.push(40 << 20); // reuses a spare block: no new reservation
                boolean intact = first.get(ValueLayout.JAVA_BYTE, 63) == 7;
                System.out.println(mode + "After=" + (samePos && intact && again.byteSize() == 40 << 20
                        ? "usable" : "broken"));
            }
            arena.close();
            System.out.println(mode + "Closed=" + (arena.reservedBytes() == 0 ? "released" : "leaked"));
        }
        System.out.println("DONE");
    }

    private static String describe(OutOfNativeMemoryError e) {
        return e.getCause() instanceof SystemCallException s ? s.call() + " " + s.errorName() : "no cause";
    }
}
