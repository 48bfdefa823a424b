// Copies between kernel and user memory. A fault inside one of these
// routines is not a kernel bug: the trap handler finds the faulting rip in
// uaccess_fixups and resumes at the routine's fault path, which returns
// failure, so the syscall returns EFAULT. SMAP is opened (stac) only here.

.macro FIXUP start, end, fault
    .pushsection .rodata
    .quad \start, \end, \fault
    .popsection
.endm

    .pushsection .rodata
    .p2align 3
    .globl uaccess_fixups
uaccess_fixups:
    .popsection

    .text
// size_t uaccess_copy(void* dst, const void* src, size_t n)
// Returns 0, or the number of bytes left uncopied after a fault.
    .globl uaccess_copy
uaccess_copy:
    mov %rdx, %rcx
    call uaccess_open
1:  rep movsb
2:  call uaccess_close
    mov %rcx, %rax
    ret
FIXUP 1b, 2b, 2b

// long uaccess_strncpy(char* dst, const char* src, size_t cap)
// Copies up to and including the NUL; returns the length without it,
// -1 when cap bytes held no NUL, -2 on a fault.
    .globl uaccess_strncpy
uaccess_strncpy:
    call uaccess_open
    xor %eax, %eax
1:  cmp %rdx, %rax
    je 3f
    movzbl (%rsi,%rax), %ecx
    mov %cl, (%rdi,%rax)
    test %cl, %cl
    jz 4f
    inc %rax
    jmp 1b
2:  mov $-2, %rax
    jmp 4f
3:  mov $-1, %rax
4:  call uaccess_close
    ret
FIXUP 1b, 2b, 2b

// int uaccess_cmpxchg_u32(uint32_t* addr, uint32_t expected, uint32_t desired, uint32_t* old)
// Returns 0, or -1 on a fault.
    .globl uaccess_cmpxchg_u32
uaccess_cmpxchg_u32:
    call uaccess_open
    mov %esi, %eax
1:  lock cmpxchg %edx, (%rdi)
2:  mov %eax, (%rcx)
    xor %eax, %eax
    jmp 4f
3:  mov $-1, %eax
4:  call uaccess_close
    ret
FIXUP 1b, 2b, 3b

uaccess_open:
    cmpb $0, g_smap(%rip)
    je 1f
    stac
1:  ret

uaccess_close:
    cmpb $0, g_smap(%rip)
    je 1f
    clac
1:  ret

    .pushsection .rodata
    .globl uaccess_fixups_end
uaccess_fixups_end:
    .popsection
