// One ESP SA per direction (RFC 4303): OutboundSa encapsulates, InboundSa
// decapsulates. Built from the engine's InstallChildSa effect (inbound_params,
// outbound_params); owned by the SaTable; driven by io/ per packet. No sockets,
// no clock, no threads: the caller adds the outer UDP (NAT-T) or IP header,
// and one SA object serves one thread (its EspCipher has mutable state).
//
// Outbound (encap), RFC 4303 §3.3:
//   SPI || Seq || IV || payload || Padding 1,2,3,... || Pad Length || Next Header || ICV
//   tunnel mode: payload = the inner IP packet, Next Header 4 (IPv4) or 41 (IPv6);
//   transport mode: payload and Next Header from the caller (TransportPayload).
//   The Sequence Number starts at 1 and never wraps (§3.3.3): without ESN the
//   last one is 2^32 - 1; needs_rekey() turns true 2^20 packets before the last,
//   and encap() refuses once it is used (seq_exhausted()).
//
// Inbound (decap), RFC 4303 §3.4, in this order; each failure is a distinct
// Errc / detail and counter, and nothing but step 8 touches the replay window:
//   1. length: header + IV + trailer + ICV         Errc::truncated        malformed
//   2. SPI is this SA's                            Errc::bad_spi          wrong_spi
//   3. replay check (before authentication)        Errc::bad_message_id   replay_drops
//   4. ICV and decryption (EspCipher::open)        Errc::integrity_check_failed  auth_failures
//                                                  (Errc::bad_length: CBC not whole blocks  malformed)
//   5. Padding 1,2,3,... and Pad Length fits       Errc::bad_padding      bad_padding
//   6. Next Header: 59 = dummy packet (§2.6)       Errc::unexpected_payload  dummy_packets
//      tunnel mode: 4 or 41, else                  Errc::unsupported      bad_next_header
//   7. tunnel mode: the inner packet is sane IP of the version Next Header
//      says, and fits (ip_packet.h errors; Errc::bad_version)   bad_inner_packet
//   8. commit to the replay window (transport mode: right after step 6)
//   9. tunnel mode: inner source within remote_ts and destination within
//      local_ts, else                              Errc::invalid_syntax   selector_mismatches
//   (The replay Errc is the closest tern has: the Sequence Number plays the
//   Message ID's role. Transport mode has no selector check here: the
//   addresses are the outer ones; the daemon's data plane checks the IP
//   packet it rebuilds, esp/transport_packet.h.)
//
// How the rest fails: create() returns the EspCipher's errors (Errc::unsupported,
// Errc::bad_key) and Errc::invalid_syntax for a bad replay window size;
// encap() returns Errc::bad_length when `out` is too small, Errc::too_many
// when the sequence numbers are exhausted, Errc::bad_version when a tunnel
// payload is not IPv4/IPv6, Errc::unsupported for the wrong mode's overload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secret_bytes.h"
#include "crypto/esp_cipher.h"
#include "crypto/random.h"
#include "esp/esp_packet.h"
#include "esp/replay_window.h"
#include "esp/selector.h"
#include "ike/address.h"
#include "ike/connection_config.h"
#include "ike/effects.h"

namespace tern::esp {

// One direction of a CHILD_SA, as the engine's InstallChildSa gives it: the
// input of OutboundSa::create and InboundSa::create, not kept. Each SA keeps
// only what its direction needs per packet (the cipher holds the keys; the
// inbound SA the selectors; the outer addresses are the SaTable's, once per
// CHILD_SA).
struct EspSaParams {
  uint32_t spi = 0;  // inbound: ours (spi_in); outbound: the peer's (spi_out)
  ike::EspSuite suite;
  SecretBytes encr_key;   // KEYMAT (AEAD: key || salt)
  SecretBytes integ_key;  // empty for AEAD
  ike::ChildMode mode = ike::ChildMode::tunnel;
  std::vector<Selector> local_ts;                       // our side
  std::vector<Selector> remote_ts;                      // the peer's side
  uint32_t replay_window = ReplayWindow::kDefaultSize;  // inbound only; 0: off
  // Where the packets go: for io/ (outer header, NAT-T), not used here.
  ike::Address local;
  ike::Address remote;
  bool encap = false;

  bool esn() const { return suite.esn == wire::EsnId::ESN; }
};

// The inbound (encr_in, integ_in, spi_in) and outbound (encr_out, integ_out,
// spi_out) halves of an installed CHILD_SA. Errc::invalid_syntax for a
// traffic selector that does not compile (selector.h).
Result<EspSaParams> inbound_params(const ike::InstallChildSa& sa);
Result<EspSaParams> outbound_params(const ike::InstallChildSa& sa);

// Traffic in 64 bits; refusals, which a well-behaved caller never causes,
// in 32 (they wrap after 2^32: a count to notice, not an account).
struct OutboundCounters {
  uint64_t packets = 0;
  uint64_t bytes = 0;             // payload octets (tunnel: inner IP packets)
  uint32_t seq_exhausted = 0;     // packets refused: no sequence number left
  uint32_t buffer_too_small = 0;  // packets refused: `out` could not hold them
  uint32_t bad_payload = 0;       // packets refused: tunnel payload not IPv4/IPv6, or wrong mode
};

// Transport mode: the upper-layer payload and its protocol (RFC 4303 §3.1.1).
struct TransportPayload {
  ByteView payload;
  uint8_t next_header = 0;
};

class OutboundSa {
 public:
  // needs_rekey() turns true this many sequence numbers before the last one.
  static constexpr uint64_t kRekeyMargin = uint64_t{1} << 20;

  // Keys the cipher (the SA keeps no other copy of the keys). `random` must
  // outlive the SA (CBC IVs).
  static Result<OutboundSa> create(const EspSaParams& params, crypto::Random& random);

  // Tunnel mode: `inner` is an IPv4 or IPv6 packet. Writes the ESP packet to
  // the front of `out` and returns its length. `inner` may already sit at
  // out[payload_offset()] (nothing is copied then) or anywhere else.
  Result<size_t> encap(ByteView inner, MutableByteView out);
  // Transport mode.
  Result<size_t> encap(TransportPayload payload, MutableByteView out);

  // Where encap() puts the payload in `out`: header + IV.
  size_t payload_offset() const { return kEspHeaderSize + iv_size_; }
  // The ESP packet length for a payload of `payload_size` octets.
  size_t encapsulated_size(size_t payload_size) const;

  // The last sequence number this SA may use (2^32 - 1, or 2^64 - 1 with ESN).
  uint64_t last_seq() const {
    return esn_ ? std::numeric_limits<uint64_t>::max() : std::numeric_limits<uint32_t>::max();
  }
  // The sequence number the next packet will carry.
  uint64_t next_seq() const { return sent_ + 1; }
  bool needs_rekey() const { return sent_ >= last_seq() - kRekeyMargin; }
  bool seq_exhausted() const { return sent_ >= last_seq(); }

  uint32_t spi() const { return spi_; }
  ike::ChildMode mode() const { return mode_; }
  bool esn() const { return esn_; }
  const OutboundCounters& counters() const { return counters_; }

 private:
  friend class OutboundSaPeer;  // tests: set the sequence counter
  OutboundSa(const EspSaParams& params, std::unique_ptr<crypto::EspCipher> cipher);
  Result<size_t> frame_and_seal(ByteView payload, uint8_t next_header, MutableByteView out);

  // Compact (one per CHILD_SA, docs/benchmarks.md "Memory per SA"): no
  // selectors (the SaTable's policies use the inbound SA's), no addresses.
  std::unique_ptr<crypto::EspCipher> cipher_;
  uint64_t sent_ = 0;  // the last sequence number used; 0: none yet
  OutboundCounters counters_;
  uint32_t spi_;
  uint8_t iv_size_;
  uint8_t icv_size_;
  uint8_t block_size_;
  ike::ChildMode mode_;
  bool esn_;
};

// Traffic in 64 bits, drops in 32 (as OutboundCounters).
struct InboundCounters {
  uint64_t packets = 0;
  uint64_t bytes = 0;  // payload octets delivered (tunnel: inner IP packets)
  uint32_t malformed = 0;
  uint32_t wrong_spi = 0;
  uint32_t replay_drops = 0;
  uint32_t auth_failures = 0;
  uint32_t bad_padding = 0;
  uint32_t bad_next_header = 0;
  uint32_t dummy_packets = 0;
  uint32_t bad_inner_packet = 0;
  uint32_t selector_mismatches = 0;

  uint64_t dropped() const {
    return uint64_t{malformed} + wrong_spi + replay_drops + auth_failures + bad_padding + bad_next_header +
           dummy_packets + bad_inner_packet + selector_mismatches;
  }
};

struct Decapped {
  ByteView payload;  // into the packet given to decap(); tunnel: the inner IP packet
  uint8_t next_header = 0;
};

class InboundSa {
 public:
  static Result<InboundSa> create(const EspSaParams& params, crypto::Random& random);

  // `esp_packet` starts at the SPI (no outer IP or UDP header). Decrypted in
  // place; on success the payload points into it.
  Result<Decapped> decap(MutableByteView esp_packet);

  uint32_t spi() const { return spi_; }
  ike::ChildMode mode() const { return mode_; }
  bool esn() const { return replay_.esn(); }
  // The CHILD_SA's traffic selectors (decap checks tunnel-mode inner packets
  // against them; the SaTable's policies point into them). Never change.
  std::span<const Selector> local_ts() const { return {selectors_.get(), local_count_}; }
  std::span<const Selector> remote_ts() const { return {selectors_.get() + local_count_, remote_count_}; }
  const InboundCounters& counters() const { return counters_; }
  const ReplayWindow& replay_window() const { return replay_; }

 private:
  friend class InboundSaPeer;  // tests: reach the replay window
  InboundSa(const EspSaParams& params, std::unique_ptr<crypto::EspCipher> cipher);

  // Compact (one per CHILD_SA, docs/benchmarks.md "Memory per SA"): both
  // selector lists in one heap block, no keys, no addresses.
  std::unique_ptr<crypto::EspCipher> cipher_;
  std::unique_ptr<Selector[]> selectors_;  // local_ts, then remote_ts
  ReplayWindow replay_;
  InboundCounters counters_;
  uint32_t spi_;
  uint8_t iv_size_;
  uint8_t icv_size_;
  uint8_t local_count_;  // a TS payload holds at most 255 selectors (RFC 7296 §3.13)
  uint8_t remote_count_;
  ike::ChildMode mode_;
};

}  // namespace tern::esp
