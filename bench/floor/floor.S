// QEMU's floor: the smallest PVH kernel, which exits the moment it starts.
// bench/boot.sh boots it with the same machine options kiln uses.
    .section .note.Xen, "a"
    .p2align 2
    .long 4, 4, 18
    .asciz "Xen"
    .long start

    .text
    .code32
    .globl start
start:
    mov $0, %eax
    out %eax, $0xf4       // isa-debug-exit: QEMU exits with status 1
1:  hlt
    jmp 1b
