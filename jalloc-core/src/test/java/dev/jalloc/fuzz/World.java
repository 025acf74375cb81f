package dev.jalloc.fuzz;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything alive in one run, and the choice of what to do next: an operation on a random arena, vector, heap or
 * best-fit allocator (open or closed), building one (on its own or on an arena's tail), closing one in random
 * order, a stale access, scratch memory, a race between the two threads, the caller closing memory under an arena,
 * or a full verification. Bounded: at most a few of each are open, and a few closed ones are kept for use after
 * close.
 */
final class World {
    private static final int MAX_OPEN = 5;

    private final Fuzz fuzz;
    private final Draw d;
    private final ArenaBuilds arenaBuilds;
    private final ArenaDriver arenaDriver;
    private final VecBuilds vecBuilds;
    private final VecDriver vecDriver;
    private final AllocDriver allocDriver;
    private final ScratchDriver scratch;
    private final SharedRaces races;
    final List<ArenaModel> arenas = new ArrayList<>();
    final List<VecModel> vecs = new ArrayList<>();
    final List<AllocModel> allocs = new ArrayList<>();

    World(Fuzz fuzz) {
        this.fuzz = fuzz;
        this.d = fuzz.draw;
        arenaBuilds = new ArenaBuilds(fuzz);
        arenaDriver = new ArenaDriver(fuzz);
        vecBuilds = new VecBuilds(fuzz);
        vecDriver = new VecDriver(fuzz);
        allocDriver = new AllocDriver(fuzz);
        scratch = new ScratchDriver(fuzz);
        races = new SharedRaces(fuzz);
    }

    void step() {
        if (fuzz.hardenedFocus && d.chance(75)) {
            allocDriver.step(alloc(), allocs, arenas);   // the rest as usual: heaps among everything else
            prune();
            return;
        }
        int r = d.nextInt(1000);
        if (r < 300) {
            arenaDriver.step(arena());
        } else if (r < 500) {
            vecDriver.step(vec(), vecs);
        } else if (r < 760) {
            allocDriver.step(alloc(), allocs, arenas);
        } else if (r < 790) {
            build();
        } else if (r < 805) {
            closeOne();
        } else if (r < 870) {
            fuzz.stale.access();
        } else if (r < 905) {
            scratch.step(arenas);
        } else if (r < 908) {
            race();
        } else if (r < 910) {
            closeCallerMemory();
        } else if (r < 912) {
            verifyAll();
        } else {
            arenaDriver.step(arena());
        }
        prune();
    }

    private ArenaModel arena() {
        while (arenas.isEmpty()) {
            ArenaModel m = arenaBuilds.build();
            if (m != null) {
                arenas.add(m);
            }
        }
        return d.pick(arenas);
    }

    private VecModel vec() {
        while (vecs.isEmpty()) {
            VecModel m = d.oneIn(3) ? vecBuilds.onTail(arena()) : vecBuilds.build();
            if (m != null) {
                vecs.add(m);
            }
        }
        return d.pick(vecs);
    }

    private AllocModel alloc() {
        while (allocs.isEmpty()) {
            AllocModel m = d.oneIn(fuzz.hardenedFocus ? 10 : 3) ? allocDriver.onTail(arena()) : allocDriver.build();
            if (m != null) {
                allocs.add(m);
            }
        }
        return d.pick(allocs);
    }

    private void build() {
        switch (d.nextInt(5)) {
            case 0 -> add(arenas, arenaBuilds.build());
            case 1 -> add(vecs, vecBuilds.build());
            case 2 -> add(allocs, allocDriver.build());
            case 3 -> add(vecs, vecBuilds.onTail(arena()));
            default -> add(allocs, allocDriver.onTail(arena()));
        }
    }

    private static <T> void add(List<T> list, T m) {
        if (m != null) {
            list.add(m);
        }
    }

    /** Closes something (or closes it again): arenas under what lives on their tails, vectors, heaps. */
    private void closeOne() {
        switch (d.nextInt(3)) {
            case 0 -> arenaDriver.close(arena());
            case 1 -> vecDriver.close(vec());
            default -> allocDriver.close(alloc());
        }
    }

    private void race() {
        if (d.oneIn(3)) {
            AllocModel h = alloc();
            if (!h.closed && h.shared) {
                races.heapFrees(h);
                return;
            }
        }
        ArenaModel a = arena();
        if (!a.closed && a.shared && a.tail == null && !a.callerClosed()) {
            races.pushes(a);
            return;
        }
        VecModel v = vec();
        if (!v.closed && v.shared && v.kind != VecModel.LAYOUT) {
            races.elements(v, vecDriver);
        }
    }

    /** The caller closes the memory under an arena (never under a tail holder, whose memory it would free). */
    private void closeCallerMemory() {
        ArenaModel a = arena();
        if (a.callerArena == null || !a.callerMemory.scope().isAlive() || a.tail != null
                || !a.callerMemory.isAccessibleBy(Thread.currentThread())) {
            return;
        }
        fuzz.note("the caller closes the memory under " + a);
        for (Memory.Live l : a.lives) {
            if (l.address >= a.callerMemory.address() && l.address < a.callerMemory.address()
                    + a.callerMemory.byteSize()) {
                fuzz.memory.unregister(l);
            }
        }
        a.callerArena.close();
    }

    private void verifyAll() {
        for (ArenaModel a : arenas) {
            if (!a.closed) {
                a.verifyAll(fuzz);
            }
        }
        for (VecModel v : vecs) {
            v.verify(fuzz, 0, "full check");
        }
        for (AllocModel m : allocs) {
            if (!m.closed) {
                allocDriver.verify(m, m.lives.size());
                fuzz.call(m + ".check()", Expect.of(), m.alloc::check);
            }
        }
    }

    /** Keeps a few of each: closes the surplus of open ones, forgets the surplus of closed ones. */
    private void prune() {
        while (open(arenas) > MAX_OPEN) {
            arenaDriver.close(firstOpen(arenas));
        }
        while (openVecs() > MAX_OPEN) {
            for (VecModel v : vecs) {
                if (!v.closed) {
                    vecDriver.close(v);
                    break;
                }
            }
        }
        while (openAllocs() > MAX_OPEN - 1) {
            for (AllocModel m : allocs) {
                if (!m.closed) {
                    allocDriver.close(m);
                    break;
                }
            }
        }
        forgetClosed(arenas, a -> a.closed);
        forgetClosed(vecs, v -> v.closed);
        forgetClosed(allocs, m -> m.closed);
    }

    private static int open(List<ArenaModel> list) {
        int n = 0;
        for (ArenaModel a : list) {
            n += a.closed ? 0 : 1;
        }
        return n;
    }

    private static ArenaModel firstOpen(List<ArenaModel> list) {
        for (ArenaModel a : list) {
            if (!a.closed) {
                return a;
            }
        }
        throw new IllegalStateException();
    }

    private int openVecs() {
        int n = 0;
        for (VecModel v : vecs) {
            n += v.closed ? 0 : 1;
        }
        return n;
    }

    private int openAllocs() {
        int n = 0;
        for (AllocModel m : allocs) {
            n += m.closed ? 0 : 1;
        }
        return n;
    }

    private static <T> void forgetClosed(List<T> list, java.util.function.Predicate<T> closed) {
        int n = 0;
        for (T t : list) {
            n += closed.test(t) ? 1 : 0;
        }
        for (int i = 0; i < list.size() && n > 2; i++) {
            if (closed.test(list.get(i))) {
                list.remove(i--);
                n--;
            }
        }
    }

    /** Closes everything still open, each close checked. */
    void closeAll() {
        for (int i = 0; i < 100; i++) {
            vecs.stream().filter(v -> !v.closed).findFirst().ifPresent(vecDriver::close);
            allocs.stream().filter(m -> !m.closed).findFirst().ifPresent(allocDriver::close);
            arenas.stream().filter(a -> !a.closed).findFirst().ifPresent(arenaDriver::close);
        }
    }
}
