// Security Association payload (RFC 7296 §3.3): proposals, each a list of
// transforms, each with optional attributes (§3.3.1, §3.3.2, §3.3.5).
//
// Called by the payload chain decoder/encoder (wire/payload.*) for type SA; the
// ike/ proposal matching reads `proposals`. parse() checks the structure only
// (bounds first, meaning second); whether a proposal is acceptable is policy.
// Errors, all answered with INVALID_SYNTAX:
//   Errc::truncated    a substructure or a length field needs more octets than are left
//   Errc::bad_length   a Proposal/Transform/Attribute Length below its minimum, or
//                      transforms that do not fill their proposal exactly
//   Errc::bad_spi      SPI Size wrong for the protocol (IKE: 0 or 8; ESP/AH: 4)
//   Errc::too_many     more than kMaxProposals proposals or kMaxAttributes attributes
//   Errc::invalid_syntax  no proposal; Last Substruc not 0/2 (proposals) or 0/3
//                      (transforms) or inconsistent with the position; Proposal Num
//                      not starting at 1 or not "same or +1"; Protocol ID 0 or > 3;
//                      #Transforms different from the transforms present;
//                      KEY_LENGTH not in TV format.
//
// Proposal substructure (§3.3.1):
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Last Substruc |   RESERVED    |         Proposal Length       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                        SPI (variable)                         ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                        <Transforms>                           ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Transform substructure (§3.3.2):
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Last Substruc |   RESERVED    |        Transform Length       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |Transform Type |   RESERVED    |          Transform ID         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   ~                      Transform Attributes                     ~
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Data attribute (§3.3.5), AF=1: TV (2-octet value), AF=0: TLV:
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |A|       Attribute Type        |    AF=0  Attribute Length     |
//   |F|                             |    AF=1  Attribute Value      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                   AF=0  Attribute Value                       |
//   |                   AF=1  Not Transmitted                       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"
#include "wire/iana.h"

namespace tern::wire {

// Sanity bounds on what a peer may make us allocate. No real SA payload comes
// near them (strongSwan's largest default proposal set is a handful).
inline constexpr size_t kMaxProposals = 64;
inline constexpr size_t kMaxAttributes = 16;  // per transform; IKEv2 defines one (KEY_LENGTH)

struct TransformAttribute {
  uint16_t type = 0;  // Attribute Type without the AF bit (15 bits)
  bool tv = true;     // AF=1: Type/Value, `value` is exactly 2 octets
  Bytes value;

  // KEY_LENGTH (TV, type 14) in bits.
  static TransformAttribute key_length(uint16_t bits);

  friend bool operator==(const TransformAttribute&, const TransformAttribute&) = default;
};

struct Transform {
  TransformType type = TransformType::ENCR;
  uint16_t id = 0;  // in the namespace of `type`: EncrId, PrfId, IntegId, KeGroup, EsnId
  std::vector<TransformAttribute> attributes;

  // The KEY_LENGTH attribute in bits, if present.
  std::optional<uint16_t> key_length() const;

  friend bool operator==(const Transform&, const Transform&) = default;
};

struct Proposal {
  uint8_t number = 1;  // Proposal Num: 1 for the first, then +1
  ProtocolId protocol = ProtocolId::IKE;
  Bytes spi;  // empty (IKE_SA_INIT), 8 octets (IKE SA rekey) or 4 (ESP/AH)
  std::vector<Transform> transforms;

  friend bool operator==(const Proposal&, const Proposal&) = default;
};

struct SaPayload {
  std::vector<Proposal> proposals;

  // body = the payload content AFTER the 4-octet generic payload header.
  static Result<SaPayload> parse(ByteView body);
  // Appends the body only (the generic header is written by the chain encoder).
  // Fills Last Substruc, lengths and counts itself.
  void build(ByteWriter& w) const;

  friend bool operator==(const SaPayload&, const SaPayload&) = default;
};

}  // namespace tern::wire
