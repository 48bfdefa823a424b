// PVH entry: QEMU (and Firecracker, Xen PVH) start us in 32-bit protected
// mode, paging off, %ebx = physical address of struct hvm_start_info.
// We switch to long mode with a static 1 GiB identity + high-half map and
// jump to the C++ kernel, which builds the real page tables.

#define KERNEL_VMA 0xffffffff80000000
#define PTE_P  0x1
#define PTE_W  0x2
#define PTE_PS 0x80

    .section .note.Xen, "a"
    .p2align 2
    .long 4                 // name size ("Xen\0")
    .long 4                 // descriptor size
    .long 18                // XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .long pvh_start32

    .section .boot.text, "ax"
    .code32
    .globl pvh_start32
pvh_start32:
    cli
    cld
    mov %ebx, %edi                    // start_info -> first C++ argument
    lgdt boot_gdt_ptr
    mov %cr4, %eax
    or $0x20, %eax                    // PAE
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx             // EFER
    rdmsr
    or $0x900, %eax                   // LME | NXE
    wrmsr
    mov %cr0, %eax
    or $0x80010001, %eax              // PG | WP | PE
    mov %eax, %cr0
    ljmp $0x08, $boot64

    .code64
boot64:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp
    movabs $kernel_main, %rax
    call *%rax
1:  hlt
    jmp 1b

    .section .boot.data, "aw"
    .p2align 3
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff          // 0x08: 64-bit code
    .quad 0x00cf92000000ffff          // 0x10: data
boot_gdt_ptr:
    .word boot_gdt_ptr - boot_gdt - 1
    .long boot_gdt

    .p2align 12
boot_pml4:
    .quad boot_pdpt_low + PTE_P + PTE_W          // 0: identity
    .fill 255, 8, 0
    .quad boot_pdpt_low + PTE_P + PTE_W          // 256: direct map
    .fill 254, 8, 0
    .quad boot_pdpt_high + PTE_P + PTE_W         // 511: kernel
boot_pdpt_low:
    .quad boot_pd + PTE_P + PTE_W
    .fill 511, 8, 0
boot_pdpt_high:
    .fill 510, 8, 0
    .quad boot_pd + PTE_P + PTE_W                // 0xffffffff80000000
    .quad 0
boot_pd:
    .set i, 0
    .rept 512
    .quad (i << 21) + PTE_P + PTE_W + PTE_PS
    .set i, i + 1
    .endr

    .section .bss
    .p2align 12
    .globl boot_stack_bottom
boot_stack_bottom:
    .skip 16384
boot_stack_top:
