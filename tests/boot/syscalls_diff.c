/*
 * Differential system-call test: the same static binary runs on the host and
 * in kiln, and the two outputs must be identical.  So every line printed here
 * is a value Linux itself gives deterministically -- return values, errno
 * names, flags read back, comparisons -- and never a pid, an address, a time
 * or anything else that legitimately differs between two Linux systems.
 *
 * Each check prints "section.check: value".  Errors print the errno name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL

static const char *errname(int e)
{
    switch (e) {
    case 0: return "0";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EFAULT: return "EFAULT";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case ENOTTY: return "ENOTTY";
    case ENOSYS: return "ENOSYS";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: {
        static char buf[32];
        snprintf(buf, sizeof buf, "errno%d", e);
        return buf;
    }
    }
}

/* Prints the outcome of a call that returns -1 and sets errno on failure. */
#define RESULT(name, expr)                                                        \
    do {                                                                          \
        errno = 0;                                                                \
        long r_ = (long)(expr);                                                   \
        if (r_ == -1)                                                             \
            printf("%s: -1 %s\n", name, errname(errno));                          \
        else                                                                      \
            printf("%s: %ld\n", name, r_);                                        \
    } while (0)

/* Same, for calls that return an errno value (pthread_*, posix_*). */
#define ERRNO_RESULT(name, expr) printf("%s: %s\n", name, errname(expr))

#define BOOL(name, cond) printf("%s: %s\n", name, (cond) ? "yes" : "no")

static long long ns_of(struct timespec ts) { return ts.tv_sec * 1000000000LL + ts.tv_nsec; }

static long long mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ns_of(ts);
}

static void test_ids(void)
{
    pid_t pid = getpid();
    BOOL("ids.getpid>0", pid > 0);
    BOOL("ids.gettid==getpid", gettid() == pid);
    BOOL("ids.getppid>=0", getppid() >= 0);
    BOOL("ids.getuid==geteuid", getuid() == geteuid());
    BOOL("ids.getgid==getegid", getgid() == getegid());
    int dummy;
    BOOL("ids.set_tid_address==gettid", syscall(SYS_set_tid_address, &dummy) == pid);
}

static void test_time(void)
{
    struct timespec a, b, res;
    RESULT("time.clock_gettime(MONOTONIC)", clock_gettime(CLOCK_MONOTONIC, &a));
    clock_gettime(CLOCK_MONOTONIC, &b);
    BOOL("time.monotonic_nondecreasing", ns_of(b) >= ns_of(a));
    struct timespec ms = {0, 1000000};
    RESULT("time.nanosleep(1ms)", nanosleep(&ms, NULL));
    clock_gettime(CLOCK_MONOTONIC, &b);
    BOOL("time.monotonic_advanced>=1ms", ns_of(b) - ns_of(a) >= 1000000);

    static const struct { clockid_t id; const char *name; } clocks[] = {
        {CLOCK_REALTIME, "REALTIME"},
        {CLOCK_MONOTONIC, "MONOTONIC"},
        {CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW"},
        {CLOCK_REALTIME_COARSE, "REALTIME_COARSE"},
        {CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE"},
        {CLOCK_BOOTTIME, "BOOTTIME"},
        {CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID"},
        {CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID"},
    };
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        char name[64];
        struct timespec t;
        snprintf(name, sizeof name, "time.clock_gettime(%s)", clocks[i].name);
        RESULT(name, clock_gettime(clocks[i].id, &t));
    }

    RESULT("time.clock_getres(MONOTONIC)", clock_getres(CLOCK_MONOTONIC, &res));
    BOOL("time.monotonic_res<=1ms", res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000);
    struct timespec t;
    RESULT("time.clock_gettime(bad clock)", syscall(SYS_clock_gettime, 1000, &t));
    RESULT("time.clock_gettime(bad pointer)", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)8));

    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    BOOL("time.realtime_after_2020", rt.tv_sec > 1577836800);
    struct timeval tv;
    RESULT("time.gettimeofday", gettimeofday(&tv, NULL));
    BOOL("time.gettimeofday~realtime", tv.tv_sec >= rt.tv_sec && tv.tv_sec - rt.tv_sec <= 2);
    time_t now = time(NULL);
    BOOL("time.time~realtime", now >= rt.tv_sec && now - rt.tv_sec <= 2);

    struct timespec bad = {0, 1000000000};
    RESULT("time.nanosleep(tv_nsec=1e9)", nanosleep(&bad, NULL));
    struct timespec neg = {-1, 0};
    RESULT("time.nanosleep(tv_sec=-1)", nanosleep(&neg, NULL));
    struct timespec past = {0, 1};
    ERRNO_RESULT("time.clock_nanosleep(ABSTIME past)",
                 clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL));
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    long long start = ns_of(deadline);
    deadline.tv_nsec += 5000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    ERRNO_RESULT("time.clock_nanosleep(ABSTIME +5ms)",
                 clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL));
    BOOL("time.clock_nanosleep_waited>=5ms", mono_ns() - start >= 5000000);
}

static int all_zero(const volatile unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static void test_mmap(void)
{
    const int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;

    unsigned char *m = mmap(NULL, 3 * PAGE, rw, anon, -1, 0);
    BOOL("mm.mmap_anon_ok", m != MAP_FAILED);
    BOOL("mm.mmap_page_aligned", ((uintptr_t)m & (PAGE - 1)) == 0);
    BOOL("mm.mmap_zero_filled", all_zero(m, 3 * PAGE));
    memset(m, 0xab, 3 * PAGE);
    BOOL("mm.write_read_back", m[0] == 0xab && m[3 * PAGE - 1] == 0xab);

    RESULT("mm.mmap(len 0)", mmap(NULL, 0, rw, anon, -1, 0) == MAP_FAILED ? -1 : 0);
    RESULT("mm.mmap(no PRIVATE/SHARED)", mmap(NULL, PAGE, rw, MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0);
    RESULT("mm.mmap(FIXED unaligned)",
           mmap(m + 1, PAGE, rw, anon | MAP_FIXED, -1, 0) == MAP_FAILED ? -1 : 0);
    RESULT("mm.mmap(not anon, fd -1)", mmap(NULL, PAGE, rw, MAP_PRIVATE, -1, 0) == MAP_FAILED ? -1 : 0);
    RESULT("mm.mmap(anon, unaligned offset)",
           mmap(NULL, PAGE, rw, MAP_SHARED | MAP_ANONYMOUS, -1, 1) == MAP_FAILED ? -1 : 0);

    RESULT("mm.munmap(unaligned)", munmap(m + 1, PAGE));
    RESULT("mm.munmap(len 0)", munmap(m, 0));
    RESULT("mm.mprotect(unaligned)", mprotect(m + 1, PAGE, PROT_READ));

    /* punch a hole in the middle page */
    RESULT("mm.munmap(middle page)", munmap(m + PAGE, PAGE));
    BOOL("mm.neighbours_intact", m[0] == 0xab && m[2 * PAGE] == 0xab);
    RESULT("mm.munmap(already unmapped)", munmap(m + PAGE, PAGE));
    /* a range that starts in the hole is refused before anything changes */
    RESULT("mm.mprotect(from hole)", mprotect(m + PAGE, 2 * PAGE, PROT_READ));
    BOOL("mm.after_hole_still_writable", (m[2 * PAGE] = 0xab) == 0xab);
    RESULT("mm.mprotect(READ)", mprotect(m, PAGE, PROT_READ));
    BOOL("mm.readable_after_mprotect", m[0] == 0xab);
    RESULT("mm.mprotect(READ|WRITE)", mprotect(m, PAGE, rw));
    m[1] = 0xcd;
    BOOL("mm.writable_again", m[1] == 0xcd && m[0] == 0xab);

    /* MAP_FIXED replaces, NOREPLACE refuses */
    void *f = mmap(m + 2 * PAGE, PAGE, rw, anon | MAP_FIXED, -1, 0);
    BOOL("mm.mmap(FIXED) at address", f == m + 2 * PAGE);
    BOOL("mm.mmap(FIXED) replaced content", all_zero(m + 2 * PAGE, PAGE));
    RESULT("mm.mmap(FIXED_NOREPLACE over mapping)",
           mmap(m, PAGE, rw, anon | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED ? -1 : 0);
    f = mmap(m + PAGE, PAGE, rw, anon | MAP_FIXED_NOREPLACE, -1, 0);
    BOOL("mm.mmap(FIXED_NOREPLACE into hole)", f == m + PAGE);

    /* madvise(DONTNEED) on private anonymous memory gives back zero pages */
    memset(m, 0x5a, 3 * PAGE);
    RESULT("mm.madvise(DONTNEED)", madvise(m, 3 * PAGE, MADV_DONTNEED));
    BOOL("mm.zero_after_DONTNEED", all_zero(m, 3 * PAGE));
    RESULT("mm.madvise(bad advice)", madvise(m, PAGE, 12345));
    RESULT("mm.madvise(unaligned)", madvise(m + 1, PAGE, MADV_DONTNEED));
    RESULT("mm.madvise(WILLNEED)", madvise(m, PAGE, MADV_WILLNEED));
    RESULT("mm.munmap(3 pages)", munmap(m, 3 * PAGE));

    /* a non-fixed hint at a free address is honoured */
    unsigned char *probe = mmap(NULL, 64 * PAGE, rw, anon, -1, 0);
    munmap(probe, 64 * PAGE);
    void *h = mmap(probe + 16 * PAGE, PAGE, rw, anon, -1, 0);
    BOOL("mm.mmap_hint_honoured", h == probe + 16 * PAGE);
    munmap(h, PAGE);

    /* a large PROT_NONE reservation costs nothing; commit a piece of it */
    unsigned char *res = mmap(NULL, 1UL << 30, PROT_NONE, anon | MAP_NORESERVE, -1, 0);
    BOOL("mm.reserve_1GiB_PROT_NONE", res != MAP_FAILED);
    RESULT("mm.mprotect(commit 1 MiB)", mprotect(res + (512UL << 20), 1UL << 20, rw));
    res[(512UL << 20) + 12345] = 7;
    BOOL("mm.committed_piece_usable", res[(512UL << 20) + 12345] == 7 && res[512UL << 20] == 0);
    RESULT("mm.munmap(reservation)", munmap(res, 1UL << 30));

    /* mremap: grow in place or move, keeping the content */
    unsigned char *r = mmap(NULL, 3 * PAGE, rw, anon, -1, 0);
    for (size_t i = 0; i < 2 * PAGE; i++)
        r[i] = (unsigned char)(i * 7);
    /* the third page, now a mapping of its own, blocks growth in place */
    unsigned char *blocker = r + 2 * PAGE;
    RESULT("mm.mprotect(split off third page)", mprotect(blocker, PAGE, PROT_READ));
    RESULT("mm.mremap(grow, no MAYMOVE, blocked)",
           mremap(r, 2 * PAGE, 4 * PAGE, 0) == MAP_FAILED ? -1 : 0);
    unsigned char *g = mremap(r, 2 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
    BOOL("mm.mremap(grow, MAYMOVE)", g != MAP_FAILED);
    BOOL("mm.mremap_moved", g != r);
    int kept = 1;
    for (size_t i = 0; i < 2 * PAGE; i++)
        kept &= g[i] == (unsigned char)(i * 7);
    BOOL("mm.mremap_kept_content", kept);
    BOOL("mm.mremap_new_part_zero", all_zero(g + 2 * PAGE, 6 * PAGE));
    g[8 * PAGE - 1] = 1;
    unsigned char *s = mremap(g, 8 * PAGE, 4 * PAGE, 0);
    BOOL("mm.mremap(shrink) in place", s == g);
    RESULT("mm.mremap(unaligned)", mremap(g + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
    RESULT("mm.mremap(FIXED without MAYMOVE)",
           mremap(g, PAGE, PAGE, MREMAP_FIXED, r) == MAP_FAILED ? -1 : 0);
    RESULT("mm.mremap(new size 0)", mremap(g, PAGE, 0, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
    munmap(s, 4 * PAGE);
    munmap(blocker, PAGE);

    /* brk */
    void *cur = sbrk(0);
    BOOL("brk.raw_brk(0)==sbrk(0)", (void *)syscall(SYS_brk, 0) == cur);
    RESULT("brk.sbrk(+1MiB)", sbrk(1 << 20) == cur ? 0 : -1);
    BOOL("brk.grew", sbrk(0) == (char *)cur + (1 << 20));
    volatile char *top = (char *)cur + (1 << 20) - 1;
    *top = 9;
    BOOL("brk.top_byte_usable", *top == 9 && ((volatile char *)cur)[4096] == 0);
    RESULT("brk.sbrk(-1MiB)", sbrk(-(1 << 20)) == (char *)cur + (1 << 20) ? 0 : -1);
    BOOL("brk.shrunk", sbrk(0) == cur);
    BOOL("brk.raw_brk(1) leaves brk", (void *)syscall(SYS_brk, 1) == cur);
}

static void test_random(void)
{
    unsigned char a[64], b[64];
    RESULT("random.getrandom(64)", getrandom(a, sizeof a, 0));
    RESULT("random.getrandom(64, NONBLOCK)", getrandom(b, sizeof b, GRND_NONBLOCK));
    BOOL("random.two_draws_differ", memcmp(a, b, sizeof a) != 0);
    RESULT("random.getrandom(0 bytes)", getrandom(a, 0, 0));
    RESULT("random.getrandom(bad flags)", getrandom(a, sizeof a, 0x100));
    RESULT("random.getrandom(bad pointer)", syscall(SYS_getrandom, (void *)8, 16, 0));
    unsigned char big[100000];
    RESULT("random.getrandom(100000)", getrandom(big, sizeof big, 0));
}

/* ---- threads: mutex, condition variable, barrier ---- */

enum { kThreads = 4, kRounds = 5, kIncrements = 20000 };

static pthread_mutex_t g_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t g_barrier;
static long g_counter;
static int g_turn;
static char g_order[kThreads * kRounds + 1];
static int g_order_len;
static long g_after_barrier[kThreads];
static int g_tid_differs[kThreads];

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    g_tid_differs[id] = gettid() != getpid();
    for (int i = 0; i < kIncrements; i++) {
        pthread_mutex_lock(&g_mutex);
        g_counter++;
        pthread_mutex_unlock(&g_mutex);
    }
    /* nobody passes until everyone has counted */
    int serial = pthread_barrier_wait(&g_barrier);
    if (serial != 0 && serial != PTHREAD_BARRIER_SERIAL_THREAD)
        return (void *)-1;
    g_after_barrier[id] = g_counter;

    /* round-robin turn passing with one condition variable */
    for (int round = 0; round < kRounds; round++) {
        pthread_mutex_lock(&g_mutex);
        while (g_turn % kThreads != id)
            pthread_cond_wait(&g_cond, &g_mutex);
        g_order[g_order_len++] = (char)('0' + id);
        g_turn++;
        pthread_cond_broadcast(&g_cond);
        pthread_mutex_unlock(&g_mutex);
    }
    return (void *)(intptr_t)(100 + id);
}

static void test_threads(void)
{
    pthread_t t[kThreads];
    pthread_barrier_init(&g_barrier, NULL, kThreads);
    int created = 0;
    for (int i = 0; i < kThreads; i++)
        created += pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) == 0;
    printf("threads.created: %d\n", created);
    long ret_sum = 0;
    for (int i = 0; i < created; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        ret_sum += (long)(intptr_t)ret;
    }
    printf("threads.join_values_sum: %ld\n", ret_sum);
    printf("threads.mutex_counter: %ld\n", g_counter);
    int all_saw_total = 1, tids = 1;
    for (int i = 0; i < kThreads; i++) {
        all_saw_total &= g_after_barrier[i] == (long)kThreads * kIncrements;
        tids &= g_tid_differs[i];
    }
    BOOL("threads.barrier_saw_full_count", all_saw_total);
    BOOL("threads.tid!=pid_in_threads", tids);
    printf("threads.condvar_order: %s\n", g_order);
    pthread_barrier_destroy(&g_barrier);
}

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts, uint32_t *uaddr2,
                  uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static uint32_t zero_wake_word;
static void *zero_wake_waiter(void *arg)
{
    (void)arg;
    futex(&zero_wake_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    return NULL;
}

/* FUTEX_WAKE with a count of 0 still wakes one waiter, as Linux counts
   after waking. */
static void test_futex_wake_zero(void)
{
    pthread_t t;
    pthread_create(&t, NULL, zero_wake_waiter, NULL);
    long woken = 0;
    for (int i = 0; i < 2000 && woken == 0; i++) {
        woken = futex(&zero_wake_word, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0);
        if (woken == 0)
            usleep(1000);
    }
    RESULT("futex.wake(count 0) with a waiter", woken);
    pthread_join(t, NULL);
}

static void test_futex(void)
{
    static uint32_t word = 1;
    RESULT("futex.wait(value mismatch)", futex(&word, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0));
    struct timespec ten_ms = {0, 10000000};
    long long start = mono_ns();
    RESULT("futex.wait(10ms timeout)", futex(&word, FUTEX_WAIT_PRIVATE, 1, &ten_ms, NULL, 0));
    BOOL("futex.waited>=10ms", mono_ns() - start >= 10000000);
    RESULT("futex.wake(no waiters)", futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    RESULT("futex.wait_bitset(bitset 0)", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, NULL, NULL, 0));
    RESULT("futex.wait(unaligned)", futex((uint32_t *)((char *)&word + 1), FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0));
    RESULT("futex.wait(bad pointer)", futex((uint32_t *)8, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0));
    RESULT("futex.unknown op", futex(&word, 99 | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0));
    struct timespec bad = {0, -1};
    RESULT("futex.wait(bad timeout)", futex(&word, FUTEX_WAIT_PRIVATE, 1, &bad, NULL, 0));
}

static void test_sched(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    RESULT("sched.sched_getaffinity", sched_getaffinity(0, sizeof set, &set));
    BOOL("sched.cpu_count>=1", CPU_COUNT(&set) >= 1);
    long raw = syscall(SYS_sched_getaffinity, 0, sizeof set, &set);
    BOOL("sched.raw_return_is_mask_size", raw > 0 && raw % 8 == 0 && (size_t)raw <= sizeof set);
    RESULT("sched.sched_getaffinity(size 3)", syscall(SYS_sched_getaffinity, 0, 3, &set));
    RESULT("sched.sched_yield", sched_yield());
    BOOL("sched.nprocs>=1", sysconf(_SC_NPROCESSORS_ONLN) >= 1);
}

static void test_limits(void)
{
    struct rlimit rl;
    RESULT("rlimit.prlimit64(STACK)", syscall(SYS_prlimit64, 0, RLIMIT_STACK, NULL, &rl));
    BOOL("rlimit.stack_cur>0", rl.rlim_cur > 0);
    BOOL("rlimit.stack_cur<=max", rl.rlim_cur <= rl.rlim_max);
    RESULT("rlimit.getrlimit(NOFILE)", getrlimit(RLIMIT_NOFILE, &rl));
    BOOL("rlimit.nofile_cur>=3", rl.rlim_cur >= 3 && rl.rlim_cur <= rl.rlim_max);
    struct rlimit core = {0, 0};
    RESULT("rlimit.setrlimit(CORE, 0)", setrlimit(RLIMIT_CORE, &core));
    core.rlim_cur = 123;
    RESULT("rlimit.getrlimit(CORE)", getrlimit(RLIMIT_CORE, &core));
    BOOL("rlimit.core_read_back_0", core.rlim_cur == 0 && core.rlim_max == 0);
    struct rlimit inverted = {10, 5};
    RESULT("rlimit.setrlimit(cur>max)", setrlimit(RLIMIT_NOFILE, &inverted));
    RESULT("rlimit.getrlimit(bad resource)", syscall(SYS_prlimit64, 0, 1000, NULL, &rl));
}

static void on_usr1(int sig, siginfo_t *info, void *ctx) { (void)sig, (void)info, (void)ctx; }

static void test_signals(void)
{
    struct sigaction act, old;
    memset(&act, 0, sizeof act);
    act.sa_sigaction = on_usr1;
    act.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&act.sa_mask);
    sigaddset(&act.sa_mask, SIGUSR2);
    RESULT("signal.sigaction(USR1) old query", sigaction(SIGUSR1, NULL, &old));
    BOOL("signal.usr1_initially_default", old.sa_handler == SIG_DFL);
    RESULT("signal.sigaction(USR1, handler)", sigaction(SIGUSR1, &act, NULL));
    memset(&old, 0, sizeof old);
    RESULT("signal.sigaction(USR1) read back", sigaction(SIGUSR1, NULL, &old));
    BOOL("signal.handler_read_back", old.sa_sigaction == on_usr1);
    BOOL("signal.flags_read_back",
         (old.sa_flags & (SA_SIGINFO | SA_RESTART | SA_ONSTACK)) == (SA_SIGINFO | SA_RESTART));
    BOOL("signal.mask_read_back", sigismember(&old.sa_mask, SIGUSR2) == 1 &&
                                     sigismember(&old.sa_mask, SIGINT) == 0);
    act.sa_handler = SIG_IGN;
    act.sa_flags = 0;
    RESULT("signal.sigaction(PIPE, IGN)", sigaction(SIGPIPE, &act, &old));
    sigaction(SIGPIPE, NULL, &old);
    BOOL("signal.pipe_ignored", old.sa_handler == SIG_IGN);
    RESULT("signal.sigaction(KILL)", sigaction(SIGKILL, &act, NULL));
    RESULT("signal.sigaction(STOP)", sigaction(SIGSTOP, &act, NULL));
    RESULT("signal.sigaction(KILL) query", sigaction(SIGKILL, NULL, &old));
    RESULT("signal.rt_sigaction(0)", syscall(SYS_rt_sigaction, 0, NULL, &old, 8));
    RESULT("signal.rt_sigaction(65)", syscall(SYS_rt_sigaction, 65, NULL, &old, 8));
    RESULT("signal.rt_sigaction(bad sigsetsize)", syscall(SYS_rt_sigaction, SIGUSR1, NULL, &old, 4));

    sigset_t set, cur;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGKILL);
    sigaddset(&set, SIGSTOP);
    RESULT("signal.sigprocmask(BLOCK)", sigprocmask(SIG_BLOCK, &set, NULL));
    RESULT("signal.sigprocmask(query)", sigprocmask(SIG_SETMASK, NULL, &cur));
    BOOL("signal.usr1_blocked", sigismember(&cur, SIGUSR1) == 1);
    BOOL("signal.kill_not_blockable", sigismember(&cur, SIGKILL) == 0);
    BOOL("signal.stop_not_blockable", sigismember(&cur, SIGSTOP) == 0);
    RESULT("signal.sigprocmask(UNBLOCK)", sigprocmask(SIG_UNBLOCK, &set, &cur));
    BOOL("signal.old_mask_returned", sigismember(&cur, SIGUSR1) == 1);
    sigprocmask(SIG_SETMASK, NULL, &cur);
    BOOL("signal.usr1_unblocked", sigismember(&cur, SIGUSR1) == 0);
    RESULT("signal.rt_sigprocmask(bad how)", syscall(SYS_rt_sigprocmask, 99, &set, NULL, 8));
    RESULT("signal.rt_sigprocmask(bad sigsetsize)", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4));

    stack_t ss, oss;
    RESULT("signal.sigaltstack(query)", sigaltstack(NULL, &oss));
    BOOL("signal.altstack_initially_disabled", (oss.ss_flags & SS_DISABLE) != 0);
    static char altstack[64 * 1024];
    ss.ss_sp = altstack;
    ss.ss_size = sizeof altstack;
    ss.ss_flags = 0;
    RESULT("signal.sigaltstack(set)", sigaltstack(&ss, NULL));
    RESULT("signal.sigaltstack(read back)", sigaltstack(NULL, &oss));
    BOOL("signal.altstack_read_back", oss.ss_sp == altstack && oss.ss_size == sizeof altstack && oss.ss_flags == 0);
    ss.ss_size = 1024;
    RESULT("signal.sigaltstack(too small)", sigaltstack(&ss, NULL));
    ss.ss_flags = 12345;
    ss.ss_size = sizeof altstack;
    RESULT("signal.sigaltstack(bad flags)", sigaltstack(&ss, NULL));
    ss.ss_flags = SS_DISABLE;
    RESULT("signal.sigaltstack(disable)", sigaltstack(&ss, NULL));
}

static void test_fds(void)
{
    char c = 0;
    struct stat st;
    RESULT("fd.write(100)", write(100, "x", 1));
    RESULT("fd.read(-1)", read(-1, &c, 1));
    RESULT("fd.close(1000)", close(1000));
    RESULT("fd.fstat(99)", fstat(99, &st));
    RESULT("fd.fstat(1)", fstat(1, &st));
    RESULT("fd.write(1, bad pointer)", syscall(SYS_write, 1, (void *)8, 10));
    RESULT("fd.write(1, 0 bytes)", write(1, "", 0));

    fflush(stdout);
    struct iovec iov[3] = {
        {(void *)"fd.writev: ", 11},
        {(void *)"three ", 6},
        {(void *)"pieces\n", 7},
    };
    ssize_t n = writev(1, iov, 3);
    printf("fd.writev returned: %zd\n", n);
    RESULT("fd.writev(iovcnt 0)", writev(1, iov, 0));
    RESULT("fd.writev(iovcnt -1)", syscall(SYS_writev, 1, iov, -1));
    RESULT("fd.writev(bad iov pointer)", syscall(SYS_writev, 1, (void *)8, 1));
    RESULT("fd.writev(100)", writev(100, iov, 1));
}

static void test_misc(void)
{
    struct utsname u;
    RESULT("misc.uname", uname(&u));
    printf("misc.uname.machine: %s\n", u.machine);
    BOOL("misc.uname.sysname_nonempty", u.sysname[0] != 0);
    BOOL("misc.uname.release_nonempty", u.release[0] != 0);
    struct sysinfo si;
    RESULT("misc.sysinfo", sysinfo(&si));
    BOOL("misc.sysinfo.totalram>0", si.totalram > 0 && si.mem_unit >= 1);
    BOOL("misc.sysinfo.freeram<=totalram", si.freeram <= si.totalram);
    BOOL("misc.sysconf(PAGESIZE)==4096", sysconf(_SC_PAGESIZE) == 4096);

    unsigned long fs = 0;
    RESULT("misc.arch_prctl(GET_FS)", syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &fs));
    BOOL("misc.fs_base==pthread_self", fs == (unsigned long)pthread_self());
    RESULT("misc.arch_prctl(bad code)", syscall(SYS_arch_prctl, 0x9999, &fs));

    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len < 0) {
        printf("misc.readlink(/proc/self/exe): -1 %s\n", errname(errno));
    } else {
        exe[len] = 0;
        const char *base = strrchr(exe, '/');
        printf("misc.readlink(/proc/self/exe) basename: %s\n", base ? base + 1 : exe);
        BOOL("misc.readlink_absolute", exe[0] == '/');
    }
}

int main(void)
{
    test_ids();
    test_time();
    test_mmap();
    test_random();
    test_threads();
    test_futex();
    test_futex_wake_zero();
    test_sched();
    test_limits();
    test_signals();
    test_fds();
    test_misc();
    puts("syscalls_diff: end");
    return 0;
}
