// Linux errno values, as the stack returns them (negated) to the socket
// layer, which hands them to programs unchanged. Prefixed with k because host
// builds see <errno.h>'s EAGAIN... macros.
#pragma once

namespace kiln::net {

enum : int {
  kEPERM = 1, kEINTR = 4, kEAGAIN = 11, kENOMEM = 12, kEFAULT = 14, kEBUSY = 16,
  kEACCES = 13, kEINVAL = 22, kEPIPE = 32, kENOPROTOOPT = 92, kEPROTONOSUPPORT = 93, kEOPNOTSUPP = 95,
  kEAFNOSUPPORT = 97, kEADDRINUSE = 98, kEADDRNOTAVAIL = 99, kENETDOWN = 100,
  kENETUNREACH = 101, kECONNABORTED = 103, kECONNRESET = 104, kENOBUFS = 105,
  kEISCONN = 106, kENOTCONN = 107, kETIMEDOUT = 110, kECONNREFUSED = 111,
  kEHOSTUNREACH = 113, kEALREADY = 114, kEINPROGRESS = 115, kEMSGSIZE = 90,
  kEDESTADDRREQ = 89,
};

}  // namespace kiln::net
