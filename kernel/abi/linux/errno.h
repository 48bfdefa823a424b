// Linux errno values (asm-generic/errno-base.h and errno.h).
//
// kernel/abi/linux/ is the one home of the Linux x86_64 ABI: each header
// follows one Linux header family, and everything is in kiln::abi, an
// inline namespace, so kernel code (all in kiln::...) writes the names bare.
// Naming: Linux's X is kX (ENOENT is kENOENT, O_CREAT is kO_CREAT), struct
// x is X in CamelCase (struct stat is Stat). The kernel's portable half also
// builds for the host, where libc's <errno.h>, <fcntl.h>, <sys/socket.h>...
// may be in the same translation unit and their macros would rewrite
// Linux's own spellings; no libc macro starts with a lower-case k, so these
// names are safe in both builds and still grep as the Linux name (but a
// leading or doubled underscore, which C++ reserves: __WALL is kWALL). Struct
// fields drop Linux's prefix (st_, sa_, si_, ifr_...) for the same reason:
// libc defines st_atime, sa_handler, si_pid and ifr_name as macros.
// tests/unit/abi_linux_test.cpp checks every value and layout against the
// host's own headers.
#pragma once

namespace kiln::inline abi {

inline constexpr int kEPERM = 1, kENOENT = 2, kESRCH = 3, kEINTR = 4, kEIO = 5, kENXIO = 6,
                     kE2BIG = 7, kENOEXEC = 8, kEBADF = 9, kECHILD = 10, kEAGAIN = 11,
                     kENOMEM = 12, kEACCES = 13, kEFAULT = 14, kENOTBLK = 15, kEBUSY = 16,
                     kEEXIST = 17, kEXDEV = 18, kENODEV = 19, kENOTDIR = 20, kEISDIR = 21,
                     kEINVAL = 22, kENFILE = 23, kEMFILE = 24, kENOTTY = 25, kETXTBSY = 26,
                     kEFBIG = 27, kENOSPC = 28, kESPIPE = 29, kEROFS = 30, kEMLINK = 31,
                     kEPIPE = 32, kEDOM = 33, kERANGE = 34;
inline constexpr int kEDEADLK = 35, kENAMETOOLONG = 36, kENOLCK = 37, kENOSYS = 38,
                     kENOTEMPTY = 39, kELOOP = 40, kENOMSG = 42, kENODATA = 61, kETIME = 62,
                     kEOVERFLOW = 75, kEBADFD = 77, kENOTSOCK = 88, kEDESTADDRREQ = 89,
                     kEMSGSIZE = 90, kEPROTOTYPE = 91, kENOPROTOOPT = 92,
                     kEPROTONOSUPPORT = 93, kESOCKTNOSUPPORT = 94, kEOPNOTSUPP = 95,
                     kENOTSUP = kEOPNOTSUPP, kEAFNOSUPPORT = 97, kEADDRINUSE = 98,
                     kEADDRNOTAVAIL = 99, kENETDOWN = 100, kENETUNREACH = 101,
                     kECONNABORTED = 103, kECONNRESET = 104, kENOBUFS = 105, kEISCONN = 106,
                     kENOTCONN = 107, kETIMEDOUT = 110, kECONNREFUSED = 111,
                     kEHOSTUNREACH = 113, kEALREADY = 114, kEINPROGRESS = 115,
                     kEUCLEAN = 117;

}  // namespace kiln::inline abi
