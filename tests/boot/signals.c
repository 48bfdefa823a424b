/*
 * Signal delivery: handlers with siginfo, masks and pending sets, faults
 * caught and recovered with siglongjmp, the alternate stack, FPU state
 * across a handler, interrupted sleeps and sigsuspend. Differential: the
 * output must be the same natively and in kiln.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static volatile int last_code;
static volatile int last_signo;
static sigjmp_buf recover;
static volatile uintptr_t fault_addr;
static volatile int fault_code;
static char altstack[65536];
static volatile int on_alt;
static volatile uintptr_t unmapped = 8;  /* through a variable: the compiler must not see it */

static void counting(int sig) { (void)sig; hits++; }

static void with_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    last_signo = si->si_signo == sig ? sig : -1;
    last_code = si->si_code;
    hits++;
}

static void segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    fault_addr = (uintptr_t)si->si_addr;
    fault_code = si->si_code;
    siglongjmp(recover, 1);
}

static void where_am_i(int sig)
{
    char here;
    (void)sig;
    on_alt = &here >= altstack && &here < altstack + sizeof altstack;
}

static void clobber_fpu(int sig)
{
    volatile double x = 1.0;
    (void)sig;
    for (int i = 0; i < 100; i++)
        x = x * 1.5 + 0.25;
    hits += x > 0;
}

static void set(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

static void set_info(int sig, void (*fn)(int, siginfo_t *, void *))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO;
    sigaction(sig, &sa, NULL);
}

static void *poke_later(void *arg)
{
    struct timespec ts = {0, 30 * 1000 * 1000};
    nanosleep(&ts, NULL);
    pthread_kill(*(pthread_t *)arg, SIGUSR1);
    return NULL;
}

int main(void)
{
    set(SIGUSR1, counting, 0);
    raise(SIGUSR1);
    printf("raise with a handler: hits=%d\n", (int)hits);

    set_info(SIGUSR2, with_info);
    raise(SIGUSR2);
    printf("SA_SIGINFO via raise: signo ok=%d code=%d (SI_TKILL=%d)\n", last_signo == SIGUSR2,
           last_code, SI_TKILL);
    kill(getpid(), SIGUSR2);
    printf("SA_SIGINFO via kill: code=%d (SI_USER=%d)\n", last_code, SI_USER);

    sigset_t block, pending;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    hits = 0;
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    sigpending(&pending);
    printf("blocked: hits=%d pending=%d\n", (int)hits, sigismember(&pending, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    printf("unblocked: hits=%d\n", (int)hits);

    set(SIGUSR1, SIG_IGN, 0);
    raise(SIGUSR1);
    raise(SIGCHLD);
    raise(SIGWINCH);
    puts("ignored and default-ignored signals: still here");

    set_info(SIGSEGV, segv);
    if (sigsetjmp(recover, 1) == 0) {
        *(volatile int *)unmapped = 1;
        puts("no fault?");
    }
    printf("SIGSEGV caught: addr=%#lx code=%d (SEGV_MAPERR=%d)\n", (unsigned long)fault_addr,
           fault_code, SEGV_MAPERR);
    if (sigsetjmp(recover, 1) == 0)
        *(volatile char *)main = 0;
    printf("write to text caught: code=%d (SEGV_ACCERR=%d)\n", fault_code, SEGV_ACCERR);
    set(SIGSEGV, SIG_DFL, 0);

    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    set(SIGUSR2, where_am_i, SA_ONSTACK);
    raise(SIGUSR2);
    printf("SA_ONSTACK handler on the alternate stack: %d\n", (int)on_alt);
    set(SIGUSR2, where_am_i, 0);
    raise(SIGUSR2);
    printf("without SA_ONSTACK: %d\n", (int)on_alt);

    volatile double kept = 3.25;
    set(SIGUSR1, clobber_fpu, 0);
    double before = kept * 2.0;
    raise(SIGUSR1);
    printf("FPU state kept across a handler: %d\n", before == 6.5 && kept * 2.0 == 6.5);

    set(SIGUSR1, counting, SA_RESETHAND);
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    printf("SA_RESETHAND leaves SIG_DFL: %d\n", now.sa_handler == SIG_DFL);

    set(SIGUSR1, counting, 0);
    pthread_t self = pthread_self(), t;
    pthread_create(&t, NULL, poke_later, &self);
    struct timespec req = {5, 0}, rem = {0, 0};
    int r = nanosleep(&req, &rem);
    printf("nanosleep interrupted: r=%d errno=%s rem>1s=%d\n", r, r ? strerror(errno) : "-",
           rem.tv_sec >= 1);
    pthread_join(t, NULL);

    hits = 0;
    sigprocmask(SIG_BLOCK, &block, NULL);
    pthread_create(&t, NULL, poke_later, &self);
    sigset_t none;
    sigemptyset(&none);
    r = sigsuspend(&none);
    sigset_t after;
    sigprocmask(SIG_SETMASK, NULL, &after);
    printf("sigsuspend: r=%d errno=%s hits=%d mask restored=%d\n", r, strerror(errno), (int)hits,
           sigismember(&after, SIGUSR1));
    pthread_join(t, NULL);
    return 0;
}
