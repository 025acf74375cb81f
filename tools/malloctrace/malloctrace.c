/*
 * malloctrace: an LD_PRELOAD library that records a program's malloc, calloc, realloc, free (and the aligned
 * allocation calls) as a malloc-lab trace that `jalloc replay` reads.
 *
 *   gcc -O2 -shared -fPIC -o malloctrace.so malloctrace.c -lpthread
 *   MALLOCTRACE_OUT=/tmp/run LD_PRELOAD=$PWD/malloctrace.so some-program args...
 *   -> /tmp/run.<pid>.rep for every process that called malloc (a program that runs others gets one per process)
 *
 * The calls go on to glibc's own allocator (__libc_malloc and friends), so the program runs as usual, only
 * slower. Every call is recorded under one lock, in the order the calls took the lock: a multithreaded program
 * gives one interleaving of its threads, which the single-threaded replay plays back in that order.
 *
 * Trace format (docs/REPLAY.md): four header lines (suggested heap size: the peak of live bytes; number of ids;
 * number of ops; weight 1), then one op a line: "a ID BYTES", "f ID", "r ID BYTES". An id names one live block;
 * freed ids are reused (lowest-recent first), so the number of ids is the peak number of live blocks.
 *
 *   live blocks: open-addressing hash table   address -> (id, size)     grows at 1/2 load, tombstones on free
 *   free ids:    a stack                      the ids of freed blocks, taken again before a new id is made
 *   ops:         a body file written as they come ("<out>.<pid>.ops", deleted at exit); at exit the header and
 *                the body are written to "<out>.<pid>.rep"
 *
 * Not recorded: frees of pointers the trace never saw (memory from before the library was loaded), requests
 * above 2^30 bytes (the format's limit; the block is then unknown and its free is not recorded), and anything after
 * fork() in the child (its trace would repeat the parent's prefix; an exec starts a fresh trace).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

#define MAX_SIZE (1UL << 30)
#define EMPTY 0
#define TOMB 1

struct entry {
    uintptr_t addr;   /* EMPTY, TOMB, or a live block's address */
    uint32_t id;
    uint32_t pad;
    uint64_t size;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int active;          /* 1 once set up, 0 if off (no output path, a forked child, or a failure) */
/* This thread is inside the tracer: its own calls (snprintf's, say) are not recorded. Initial-exec TLS: no malloc. */
static __thread int inside __attribute__((tls_model("initial-exec")));
static struct entry *table;
static size_t capacity;     /* a power of two */
static size_t used;         /* live + tombstones */
static uint32_t *free_ids;
static size_t free_count, free_capacity;
static uint32_t next_id;
static uint64_t ops, live_bytes, peak_live;
static int body_fd = -1;
static char body_path[4096], rep_path[4096];
static char buf[1 << 20];
static size_t buf_len;

/* Memory for the tracer's own tables: straight from mmap, never from the allocator it traces. */
static void *raw_alloc(size_t bytes) {
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void flush_buf(void) {
    size_t done = 0;
    while (done < buf_len) {
        ssize_t n = write(body_fd, buf + done, buf_len - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            active = 0;   /* disk full or similar: stop, and leave no half trace behind */
            unlink(body_path);
            return;
        }
        done += (size_t) n;
    }
    buf_len = 0;
}

static void emit(char op, uint32_t id, uint64_t size, int with_size) {
    if (buf_len > sizeof buf - 64) {
        flush_buf();
        if (!active) {
            return;
        }
    }
    buf_len += (size_t) (with_size ? snprintf(buf + buf_len, 64, "%c %u %llu\n", op, id, (unsigned long long) size)
                                   : snprintf(buf + buf_len, 64, "%c %u\n", op, id));
    ops++;
}

static size_t hash(uintptr_t a) {
    uint64_t x = (uint64_t) a >> 4;
    x *= 0x9E3779B97F4A7C15ULL;
    return (size_t) (x >> 20);
}

static int grow(void) {
    size_t new_capacity = capacity ? capacity * 2 : 1 << 16;
    struct entry *t = raw_alloc(new_capacity * sizeof *t);
    if (t == NULL) {
        return 0;
    }
    for (size_t i = 0; i < capacity; i++) {
        if (table[i].addr > TOMB) {
            size_t j = hash(table[i].addr) & (new_capacity - 1);
            while (t[j].addr != EMPTY) {
                j = (j + 1) & (new_capacity - 1);
            }
            t[j] = table[i];
        }
    }
    if (table != NULL) {
        munmap(table, capacity * sizeof *table);
    }
    table = t;
    capacity = new_capacity;
    used = 0;
    for (size_t i = 0; i < capacity; i++) {
        used += table[i].addr > TOMB;
    }
    return 1;
}

static struct entry *find(uintptr_t a) {
    if (capacity == 0) {
        return NULL;
    }
    for (size_t j = hash(a) & (capacity - 1);; j = (j + 1) & (capacity - 1)) {
        if (table[j].addr == a) {
            return &table[j];
        }
        if (table[j].addr == EMPTY) {
            return NULL;
        }
    }
}

static uint32_t take_id(void) {
    return free_count > 0 ? free_ids[--free_count] : next_id++;
}

static void give_id(uint32_t id) {
    if (free_count == free_capacity) {
        size_t n = free_capacity ? free_capacity * 2 : 1 << 16;
        uint32_t *f = raw_alloc(n * sizeof *f);
        if (f == NULL) {
            active = 0;
            return;
        }
        if (free_ids != NULL) {
            memcpy(f, free_ids, free_count * sizeof *f);
            munmap(free_ids, free_capacity * sizeof *f);
        }
        free_ids = f;
        free_capacity = n;
    }
    free_ids[free_count++] = id;
}

/* Enters a live block. {@return 0 if the table could not grow (tracing stops)} */
static int insert(uintptr_t a, uint32_t id, uint64_t size) {
    if ((used + 1) * 2 > capacity && !grow()) {
        active = 0;
        return 0;
    }
    size_t j = hash(a) & (capacity - 1);
    while (table[j].addr > TOMB) {
        j = (j + 1) & (capacity - 1);
    }
    if (table[j].addr == EMPTY) {
        used++;
    }
    table[j].addr = a;
    table[j].id = id;
    table[j].size = size;
    return 1;
}

static void record_alloc(void *p, size_t size) {
    if (p == NULL || size > MAX_SIZE) {
        return;
    }
    uint32_t id = take_id();
    if (!insert((uintptr_t) p, id, size)) {
        return;
    }
    live_bytes += size;
    if (live_bytes > peak_live) {
        peak_live = live_bytes;
    }
    emit('a', id, size, 1);
}

static void record_free(void *p) {
    struct entry *e = find((uintptr_t) p);
    if (e == NULL) {
        return;
    }
    emit('f', e->id, 0, 0);
    live_bytes -= e->size;
    give_id(e->id);
    e->addr = TOMB;
}

static void record_realloc(void *old, void *p, size_t size) {
    struct entry *e = find((uintptr_t) old);
    if (e == NULL) {
        record_alloc(p, size);   /* unknown old block: its new self is a new block */
        return;
    }
    if (size > MAX_SIZE) {   /* beyond the format: forget the block */
        emit('f', e->id, 0, 0);
        live_bytes -= e->size;
        give_id(e->id);
        e->addr = TOMB;
        return;
    }
    live_bytes += size - e->size;
    if (live_bytes > peak_live) {
        peak_live = live_bytes;
    }
    emit('r', e->id, size, 1);
    if ((uintptr_t) p == e->addr) {
        e->size = size;
        return;
    }
    uint32_t id = e->id;   /* moved: the same id under its new address */
    e->addr = TOMB;
    insert((uintptr_t) p, id, size);
}

/* Enters the tracer: {@return 1 if this call is to be recorded (the lock is then held)} */
static int enter(void) {
    if (!active) {
        return 0;
    }
    if (inside) {
        return 0;
    }
    pthread_mutex_lock(&lock);
    if (!active) {
        pthread_mutex_unlock(&lock);
        return 0;
    }
    inside = 1;
    return 1;
}

static void leave(void) {
    inside = 0;
    pthread_mutex_unlock(&lock);
}

static void in_child(void) {
    active = 0;   /* fork without exec: the child is not traced (its trace would repeat the parent's prefix) */
    pthread_mutex_init(&lock, NULL);
}

__attribute__((constructor)) static void start(void) {
    const char *out = getenv("MALLOCTRACE_OUT");
    if (out == NULL || *out == 0) {
        return;
    }
    int pid = (int) getpid();
    snprintf(body_path, sizeof body_path, "%s.%d.ops", out, pid);
    snprintf(rep_path, sizeof rep_path, "%s.%d.rep", out, pid);
    body_fd = open(body_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (body_fd < 0) {
        return;
    }
    pthread_atfork(NULL, NULL, in_child);
    active = 1;
}

__attribute__((destructor)) static void finish(void) {
    pthread_mutex_lock(&lock);
    if (!active) {
        pthread_mutex_unlock(&lock);
        return;
    }
    active = 0;
    flush_buf();
    close(body_fd);
    if (ops == 0) {
        unlink(body_path);
        pthread_mutex_unlock(&lock);
        return;
    }
    int in = open(body_path, O_RDONLY | O_CLOEXEC);
    int rep = open(rep_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (in >= 0 && rep >= 0) {
        char header[256];
        int n = snprintf(header, sizeof header, "%llu\n%u\n%llu\n1\n", (unsigned long long) peak_live, next_id,
                         (unsigned long long) ops);
        int ok = write(rep, header, (size_t) n) == n;
        ssize_t got;
        while (ok && (got = read(in, buf, sizeof buf)) > 0) {
            ok = write(rep, buf, (size_t) got) == got;
        }
        if (!ok) {
            unlink(rep_path);
        }
    }
    if (in >= 0) {
        close(in);
    }
    if (rep >= 0) {
        close(rep);
    }
    unlink(body_path);
    pthread_mutex_unlock(&lock);
}

/* ---- the interposed calls ---- */

void *malloc(size_t size) {
    void *p = __libc_malloc(size);
    if (enter()) {
        record_alloc(p, size);
        leave();
    }
    return p;
}

void *calloc(size_t n, size_t size) {
    void *p = __libc_calloc(n, size);
    if (p != NULL && enter()) {
        record_alloc(p, n * size);   /* no overflow: calloc refused it and p is NULL */
        leave();
    }
    return p;
}

void *realloc(void *old, size_t size) {
    if (old == NULL) {
        return malloc(size);
    }
    if (size == 0) {   /* glibc frees the block and returns NULL */
        free(old);
        return NULL;
    }
    if (!enter()) {
        return __libc_realloc(old, size);
    }
    /* Under the lock: the old address, freed inside realloc, must not be recorded as another thread's new block
       before this realloc is recorded. */
    void *p = __libc_realloc(old, size);
    if (p != NULL) {
        record_realloc(old, p, size);
    }
    leave();
    return p;
}

void free(void *p) {
    if (p == NULL) {
        return;
    }
    if (enter()) {
        record_free(p);   /* before glibc's free: another thread may get the address at once after it */
        leave();
    }
    __libc_free(p);
}

static void *aligned(size_t alignment, size_t size) {
    void *p = __libc_memalign(alignment, size);
    if (enter()) {
        record_alloc(p, size);
        leave();
    }
    return p;
}

void *memalign(size_t alignment, size_t size) {
    return aligned(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    return aligned(alignment, size);
}

void *valloc(size_t size) {
    return aligned((size_t) sysconf(_SC_PAGESIZE), size);
}

void *pvalloc(size_t size) {
    size_t page = (size_t) sysconf(_SC_PAGESIZE);
    return aligned(page, (size + page - 1) & ~(page - 1));
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) {
        return EINVAL;
    }
    void *p = aligned(alignment, size);
    if (p == NULL) {
        return ENOMEM;
    }
    *out = p;
    return 0;
}
