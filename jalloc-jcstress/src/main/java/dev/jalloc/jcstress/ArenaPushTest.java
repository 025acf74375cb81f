package dev.jalloc.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.jalloc.arena.LinearArena;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * Two threads push on one shared arena at once, through its lock-free window (a compare-and-set of the offset): the
 * two pushes must get ranges apart from each other, and the arena's position must be where both ended. {@code r1}:
 * the two 24-byte ranges do not overlap; {@code r2}: the position is 48 (both pushes counted once).
 *
 * <p>Each state takes a 64 KiB shared arena from a pool (a new one per state would be a mapping and a shared scope
 * per state); the arbiter checks it, clears it (under its lock, which closes the window and opens a new one) and
 * gives it back.
 */
@JCStressTest
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "The pushes got separate ranges, the position counts both.")
@Outcome(id = "false, .*", expect = FORBIDDEN, desc = "The two pushes overlap: one range handed out twice.")
@Outcome(id = "true, false", expect = FORBIDDEN, desc = "The position lost or doubled a push.")
@State
public class ArenaPushTest {
    private static final ConcurrentLinkedQueue<LinearArena> POOL = new ConcurrentLinkedQueue<>();
    private static final long SIZE = 24;

    private final LinearArena arena;
    private long a1;
    private long a2;

    public ArenaPushTest() {
        LinearArena a = POOL.poll();
        arena = a != null ? a : LinearArena.builder().shared(true).reserveSize(64 << 10).build();
    }

    @Actor
    public void actor1() {
        a1 = arena.pushAddressNoInit(SIZE, 8);
    }

    @Actor
    public void actor2() {
        a2 = arena.pushAddressNoInit(SIZE, 8);
    }

    @Arbiter
    public void arbiter(ZZ_Result r) {
        r.r1 = Math.abs(a1 - a2) >= SIZE;
        r.r2 = arena.pos() == 2 * SIZE;
        arena.clear();
        POOL.offer(arena);
    }
}
