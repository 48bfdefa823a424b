// Ways into and out of the kernel: interrupt/exception stubs, the SYSCALL
// entry, the return to user mode, and the thread context switch.
// Every entry builds the same struct TrapFrame (trap.h) on the kernel stack.

#define USER_CS 0x23
#define USER_DS 0x1b
#define VECTOR_SYSCALL 256

.macro PUSH_GPRS
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
.endm

.macro POP_GPRS
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
.endm

    .text
    .altmacro
// Exceptions that push an error code: 8, 10-14, 17, 21, 29, 30.
.macro ISR vec
    .p2align 4
isr_\vec:
    .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    push $0
    .endif
    push $\vec
    jmp trap_common
.endm

.set v, 0
.rept 256
    ISR %v
    .set v, v + 1
.endr

trap_common:
    PUSH_GPRS
    xor %ebp, %ebp
    mov %rsp, %rdi
    call trap_dispatch
    .globl trap_return
trap_return:
    POP_GPRS
    add $16, %rsp                     // vector, error
    iretq

    .section .rodata
    .p2align 3
    .globl isr_table
isr_table:
.macro ISR_ADDR vec
    .quad isr_\vec
.endm
.set v, 0
.rept 256
    ISR_ADDR %v
    .set v, v + 1
.endr

    .text
// SYSCALL: rcx = user rip, r11 = user rflags, IF and AC cleared by FMASK.
    .globl syscall_entry
    .p2align 4
syscall_entry:
    mov %rsp, g_user_rsp_scratch(%rip)
    mov g_kernel_rsp(%rip), %rsp
    push $USER_DS
    push g_user_rsp_scratch(%rip)
    push %r11
    push $USER_CS
    push %rcx
    push $0
    push $VECTOR_SYSCALL
    PUSH_GPRS
    xor %ebp, %ebp
    mov %rsp, %rdi
    call syscall_dispatch
    test %eax, %eax
    jnz trap_return                   // frame rewritten: leave through iretq
    POP_GPRS
    // Linux semantics: rcx and r11 come back as rip and rflags.
    mov 16(%rsp), %rcx                // rip
    mov 32(%rsp), %r11                // rflags
    mov 40(%rsp), %rsp                // user rsp
    sysretq

// void switch_context(uint64_t* save_rsp, uint64_t new_rsp)
    .globl switch_context
switch_context:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

// First return of a new thread: finish the switch (free a thread that died
// just before, as switch_to does for threads that ran before), then call
// r12(r13); a user thread's function returns here with a TrapFrame on top
// of the stack.
    .globl thread_trampoline
thread_trampoline:
    call thread_started
    mov %r13, %rdi
    call *%r12
    jmp trap_return

    .bss
    .globl g_kernel_rsp
g_kernel_rsp: .quad 0
g_user_rsp_scratch: .quad 0
