// kernel/abi/linux against the host's own headers: the host is Linux
// x86_64, so every value and every layout must be the same. What libc
// defines as the kernel does is checked here; the rest against the kernel's
// uapi headers, in abi_linux_uapi.cpp.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <unistd.h>

#include "abi/linux/dirent.h"
#include "abi/linux/errno.h"
#include "abi/linux/eventfd.h"
#include "abi/linux/fcntl.h"
#include "abi/linux/if.h"
#include "abi/linux/signal.h"
#include "abi/linux/socket.h"
#include "abi/linux/stat.h"
#include "abi/linux/statfs.h"
#include "abi/linux/time.h"
#include "abi/linux/unistd.h"
#include "abi_linux_check.h"

namespace {

const AbiCheck kLibcChecks[] = {
    // The names kernel code uses most, as a program sees them.
    ABI_SAME(ENOENT), ABI_SAME(EAGAIN), ABI_SAME(EINVAL), ABI_SAME(EINPROGRESS),

    // fcntl.h's splice flags (libc's only: no uapi header has them)
    ABI_SAME(SPLICE_F_MOVE), ABI_SAME(SPLICE_F_NONBLOCK), ABI_SAME(SPLICE_F_MORE),
    ABI_SAME(SPLICE_F_GIFT),

    // stat.h, statfs.h, and fcntl.h's access() modes
    ABI_SAME(S_IFMT), ABI_SAME(S_IFSOCK), ABI_SAME(S_IFLNK), ABI_SAME(S_IFREG), ABI_SAME(S_IFBLK),
    ABI_SAME(S_IFDIR), ABI_SAME(S_IFCHR), ABI_SAME(S_IFIFO), ABI_SAME(S_ISGID), ABI_SAME(UTIME_NOW),
    ABI_SAME(UTIME_OMIT), ABI_SAME(ST_RDONLY), ABI_SAME(X_OK), ABI_SAME(W_OK), ABI_SAME(R_OK),

    // dirent.h
    ABI_SAME(DT_UNKNOWN), ABI_SAME(DT_FIFO), ABI_SAME(DT_CHR), ABI_SAME(DT_DIR), ABI_SAME(DT_BLK),
    ABI_SAME(DT_REG), ABI_SAME(DT_LNK), ABI_SAME(DT_SOCK),
    ABI_FIELD(LinuxDirent64, ino, struct dirent64, d_ino),
    ABI_FIELD(LinuxDirent64, off, struct dirent64, d_off),
    ABI_FIELD(LinuxDirent64, reclen, struct dirent64, d_reclen),
    ABI_FIELD(LinuxDirent64, type, struct dirent64, d_type),
    AbiCheck{"LinuxDirent64.name", offsetof(kiln::abi::LinuxDirent64, name),
             offsetof(struct dirent64, d_name)},

    // eventfd.h
    ABI_SAME(EFD_SEMAPHORE), ABI_SAME(EFD_CLOEXEC), ABI_SAME(EFD_NONBLOCK),

    // signal.h: the real-time signals libc leaves to programs end where the kernel's do.
    ABI_VALUE(kSIGRTMAX, SIGRTMAX),

    // time.h
    ABI_VALUE(kUSER_HZ, sysconf(_SC_CLK_TCK)),

    // socket.h
    ABI_SAME(AF_UNSPEC), ABI_SAME(AF_UNIX), ABI_SAME(AF_INET), ABI_SAME(AF_INET6),
    ABI_SAME(AF_NETLINK), ABI_SAME(SOCK_STREAM), ABI_SAME(SOCK_DGRAM), ABI_SAME(SOCK_SEQPACKET),
    ABI_SAME(SOCK_NONBLOCK), ABI_SAME(SOCK_CLOEXEC), ABI_SAME(SOL_SOCKET), ABI_SAME(SO_DEBUG),
    ABI_SAME(SO_REUSEADDR), ABI_SAME(SO_TYPE), ABI_SAME(SO_ERROR), ABI_SAME(SO_DONTROUTE),
    ABI_SAME(SO_BROADCAST), ABI_SAME(SO_SNDBUF), ABI_SAME(SO_RCVBUF), ABI_SAME(SO_KEEPALIVE),
    ABI_SAME(SO_OOBINLINE), ABI_SAME(SO_LINGER), ABI_SAME(SO_REUSEPORT), ABI_SAME(SO_PASSCRED),
    ABI_SAME(SO_PEERCRED), ABI_SAME(SO_RCVLOWAT), ABI_SAME(SO_RCVTIMEO), ABI_SAME(SO_SNDTIMEO),
    ABI_SAME(SO_ACCEPTCONN), ABI_SAME(SO_PROTOCOL), ABI_SAME(SO_DOMAIN), ABI_SAME(MSG_OOB),
    ABI_SAME(MSG_PEEK), ABI_SAME(MSG_DONTROUTE), ABI_SAME(MSG_TRUNC), ABI_SAME(MSG_DONTWAIT),
    ABI_SAME(MSG_EOR), ABI_SAME(MSG_WAITALL), ABI_SAME(MSG_NOSIGNAL), ABI_SAME(MSG_MORE),
    ABI_SAME(MSG_WAITFORONE), ABI_SAME(MSG_CMSG_CLOEXEC), ABI_SAME(SHUT_RD), ABI_SAME(SHUT_WR),
    ABI_SAME(SHUT_RDWR), ABI_SIZE(SockaddrStorage, struct sockaddr_storage),
    ABI_FIELD(SockaddrStorage, family, struct sockaddr_storage, ss_family),
    ABI_SIZE(Msghdr, struct msghdr), ABI_FIELD(Msghdr, name, struct msghdr, msg_name),
    ABI_FIELD(Msghdr, namelen, struct msghdr, msg_namelen),
    ABI_FIELD(Msghdr, iov, struct msghdr, msg_iov),
    ABI_FIELD(Msghdr, iovlen, struct msghdr, msg_iovlen),
    ABI_FIELD(Msghdr, control, struct msghdr, msg_control),
    ABI_FIELD(Msghdr, controllen, struct msghdr, msg_controllen),
    ABI_FIELD(Msghdr, flags, struct msghdr, msg_flags), ABI_SIZE(Mmsghdr, struct mmsghdr),
    ABI_FIELD(Mmsghdr, hdr, struct mmsghdr, msg_hdr),
    ABI_FIELD(Mmsghdr, len, struct mmsghdr, msg_len), ABI_SIZE(Linger, struct linger),
    ABI_FIELD(Linger, onoff, struct linger, l_onoff),
    ABI_FIELD(Linger, linger, struct linger, l_linger), ABI_SIZE(Ucred, struct ucred),
    ABI_FIELD(Ucred, pid, struct ucred, pid), ABI_FIELD(Ucred, uid, struct ucred, uid),
    ABI_FIELD(Ucred, gid, struct ucred, gid),

    // if.h
    ABI_SAME(IFF_UP), ABI_SAME(IFF_BROADCAST), ABI_SAME(IFF_LOOPBACK), ABI_SAME(IFF_RUNNING),
    ABI_SAME(IFF_MULTICAST), ABI_SAME(ARPHRD_ETHER), ABI_SAME(ARPHRD_LOOPBACK), ABI_SAME(IFNAMSIZ),
    ABI_SIZE(Ifreq, struct ifreq), ABI_FIELD(Ifreq, name, struct ifreq, ifr_name),
    ABI_FIELD(Ifreq, u.addr, struct ifreq, ifr_addr),
    ABI_FIELD(Ifreq, u.ivalue, struct ifreq, ifr_ifindex), ABI_SIZE(Ifconf, struct ifconf),
    ABI_FIELD(Ifconf, len, struct ifconf, ifc_len), ABI_FIELD(Ifconf, buf, struct ifconf, ifc_buf),
};

void expect_same(const AbiCheck* rows, size_t n) {
  for (size_t i = 0; i < n; i++)
    EXPECT_EQ(rows[i].ours, rows[i].theirs) << rows[i].name;
}

TEST(AbiLinux, MatchesLibc) { expect_same(kLibcChecks, std::size(kLibcChecks)); }

TEST(AbiLinux, MatchesKernelHeaders) { expect_same(kUapiChecks, kUapiCheckCount); }

// A table indexed by number has room for the highest one.
TEST(AbiLinux, SyscallCountFollowsTheList) {
  EXPECT_EQ(kiln::abi::kNR_syscalls, kiln::abi::kNR_cachestat + 1);
}

}  // namespace
