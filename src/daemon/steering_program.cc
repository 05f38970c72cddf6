// See steering_program.h.
#include "daemon/steering_program.h"

namespace tern::daemon {
namespace {

// Offsets in the IKE header (RFC 7296 §3.1).
constexpr uint32_t kSpiI = 0;
constexpr uint32_t kSpiR = 8;
constexpr uint32_t kFlags = 19;
constexpr uint32_t kIkeHeaderSize = 28;
constexpr uint32_t kInitiatorFlag = 0x08;
constexpr uint32_t kNonEspMarkerSize = 4;  // RFC 3948 §2.2

sock_filter stmt(uint16_t code, uint32_t k) {
  return sock_filter{code, 0, 0, k};
}
sock_filter jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) {
  return sock_filter{code, jt, jf, k};
}

}  // namespace

std::vector<sock_filter> steering_program(uint32_t workers, bool natt) {
  constexpr uint16_t kLoadWord =
      BPF_LD | BPF_W | BPF_ABS;  // 32 bits, network order; beyond the end: return 0
  std::vector<sock_filter> p;
  const uint32_t o = natt ? kNonEspMarkerSize : 0;  // where the IKE header starts
  if (natt) {
    p.push_back(stmt(kLoadWord, 0));                        // the non-ESP marker, or an ESP SPI
    p.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0));  // zero: IKE
    p.push_back(stmt(BPF_RET | BPF_K, 0));                  // ESP (or a keepalive): the loop
  }
  // Jump offsets count the instructions skipped, from the next one.
  p.push_back(stmt(BPF_LD | BPF_W | BPF_LEN, 0));
  p.push_back(jump(BPF_JMP | BPF_JGE | BPF_K, o + kIkeHeaderSize, 1, 0));
  p.push_back(stmt(BPF_RET | BPF_K, 0));  // no whole IKE header: the loop
  p.push_back(stmt(BPF_LD | BPF_B | BPF_ABS, o + kFlags));
  p.push_back(jump(BPF_JMP | BPF_JSET | BPF_K, kInitiatorFlag, 0, 7));  // -> SPIi is ours
  // Initiator flag set: SPIr is ours.
  p.push_back(stmt(kLoadWord, o + kSpiR + 4));
  p.push_back(stmt(BPF_MISC | BPF_TAX, 0));
  p.push_back(stmt(kLoadWord, o + kSpiR));
  p.push_back(stmt(BPF_ALU | BPF_OR | BPF_X, 0));
  p.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 12, 0));  // -> IKE_SA_INIT request
  p.push_back(stmt(kLoadWord, o + kSpiR));
  p.push_back(stmt(BPF_JMP | BPF_JA, 6));  // -> by our SPI's top octet
  // SPIi is ours.
  p.push_back(stmt(kLoadWord, o + kSpiI + 4));
  p.push_back(stmt(BPF_MISC | BPF_TAX, 0));
  p.push_back(stmt(kLoadWord, o + kSpiI));
  p.push_back(stmt(BPF_ALU | BPF_OR | BPF_X, 0));
  p.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0));  // -> IKE_SA_INIT request
  p.push_back(stmt(kLoadWord, o + kSpiI));
  // By our SPI's top octet (A: its first 32 bits).
  p.push_back(stmt(BPF_ALU | BPF_RSH | BPF_K, 24));
  p.push_back(stmt(BPF_ALU | BPF_MOD | BPF_K, workers));
  p.push_back(stmt(BPF_ALU | BPF_ADD | BPF_K, 1));
  p.push_back(stmt(BPF_RET | BPF_A, 0));
  // IKE_SA_INIT request (our SPI zero): by SPIi's two halves.
  p.push_back(stmt(kLoadWord, o + kSpiI + 4));
  p.push_back(stmt(BPF_MISC | BPF_TAX, 0));
  p.push_back(stmt(kLoadWord, o + kSpiI));
  p.push_back(stmt(BPF_ALU | BPF_XOR | BPF_X, 0));
  p.push_back(stmt(BPF_ALU | BPF_MOD | BPF_K, workers));
  p.push_back(stmt(BPF_ALU | BPF_ADD | BPF_K, 1));
  p.push_back(stmt(BPF_RET | BPF_A, 0));
  return p;
}

}  // namespace tern::daemon
