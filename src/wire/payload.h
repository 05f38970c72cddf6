// The generic payload header (RFC 7296 §3.2) and payload chains: the typed
// Payload every other layer handles, the chain decoder and the chain encoder.
//
// Called by wire/message.* for the payloads outside SK, and by the ike/ SK
// opener for the decrypted inner chain; the encoder is called by
// build_message and by the SK sealer (encode_inner_chain).
//
// parse_payload_chain() fails with (each detail names the payload's position
// and type; every error but the first is answered with INVALID_SYNTAX):
//   Errc::unsupported_critical_payload  an unknown type with the Critical bit:
//                      answer UNSUPPORTED_CRITICAL_PAYLOAD, notify_data = the
//                      one-octet type (§2.5); unknown NON-critical payloads are kept
//                      as UnknownPayload
//   Errc::truncated    fewer than 4 octets for a generic header, or a Payload Length
//                      longer than what is left
//   Errc::bad_length   a Payload Length below 4, or octets after the last payload
//   Errc::too_many     more than kMaxPayloads payloads
//   Errc::invalid_syntax  SK or SKF not the last payload
//   ... and whatever the payload body parser returns (see <type>_payload.h), with
//   INVALID_SYNTAX added if the body parser attached no notify.
//
// SK and SKF (§3.14, RFC 7383 §2.5) are always the last payload: their Next
// Payload field names the first INNER payload. The decoder stops after them and
// stores that field in SkPayload::first_inner / SkfPayload::first_inner; the
// encoder writes it back from there.
//
//                        1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Next Payload  |C|  RESERVED   |         Payload Length        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   (Payload Length counts these 4 octets; RESERVED: zero on send, ignored on receipt)
#pragma once

#include <cstddef>
#include <span>
#include <variant>
#include <vector>

#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/error.h"
#include "wire/auth_payload.h"
#include "wire/cert_payload.h"
#include "wire/certreq_payload.h"
#include "wire/cp_payload.h"
#include "wire/delete_payload.h"
#include "wire/eap_payload.h"
#include "wire/iana.h"
#include "wire/id_payload.h"
#include "wire/ke_payload.h"
#include "wire/nonce_payload.h"
#include "wire/notify_payload.h"
#include "wire/sa_payload.h"
#include "wire/sk_payload.h"
#include "wire/ts_payload.h"
#include "wire/unknown_payload.h"
#include "wire/vendor_id_payload.h"

namespace tern::wire {

inline constexpr size_t kPayloadHeaderSize = 4;
inline constexpr uint8_t kPayloadCritical = 0x80;
// A sane bound on payloads per chain (outside or inside SK). Real messages
// carry a few dozen at most (notifies, certificates, vendor IDs).
inline constexpr size_t kMaxPayloads = 128;

using PayloadBody = std::variant<SaPayload, KePayload, IdPayload, CertPayload, CertReqPayload, AuthPayload,
                                 NoncePayload, NotifyPayload, DeletePayload, VendorIdPayload, TsPayload,
                                 SkPayload, SkfPayload, CpPayload, EapPayload, UnknownPayload>;

struct Payload {
  PayloadType type = PayloadType::NONE;  // distinguishes IDi/IDr, TSi/TSr; raw number for unknown ones
  bool critical = false;                 // as received; sent as given (RFC 7296 payloads: false)
  PayloadBody body;

  friend bool operator==(const Payload&, const Payload&) = default;
};

// True for the types tern has a body struct for (all but UnknownPayload).
bool is_known_payload(PayloadType type);
// True if `body` holds the alternative that `type` uses (UnknownPayload for unknown types).
bool body_matches_type(PayloadType type, const PayloadBody& body);

// `first` is the Next Payload field in front of `bytes` (the IKE header's, or
// the SK payload's first_inner for a decrypted inner chain). NONE with empty
// `bytes` is an empty chain.
Result<std::vector<Payload>> parse_payload_chain(PayloadType first, ByteView bytes);

// Appends each payload: generic header (Next Payload = the following payload's
// type, or NONE; for SK/SKF: its first_inner) and body. Our own mistakes are
// bugs (TERN_BUG): a body that does not match its type, SK/SKF not last, a
// payload longer than 65535 octets. The caller writes the Next Payload field
// in front of the chain: payloads.front().type, or NONE.
void encode_payload_chain(std::span<const Payload> payloads, ByteWriter& w);

// --- For the SK sealer (ike/sk_seal) -------------------------------------

// The plaintext of an SK payload before padding: the encoded inner chain, and
// the type of its first payload (for the SK payload's Next Payload field, i.e.
// SkPayload::first_inner). An empty chain gives {NONE, {}}. SK/SKF inside is a bug.
struct InnerChain {
  PayloadType first = PayloadType::NONE;
  Bytes bytes;
};
InnerChain encode_inner_chain(std::span<const Payload> inner);

// Writes a generic payload header: Next Payload, C bit, RESERVED zero, and
// Payload Length = 4 + body_size. E.g. an SK header:
// write_payload_header(w, inner.first, false, encrypted_size).
void write_payload_header(ByteWriter& w, PayloadType next_payload, bool critical, size_t body_size);

// --- Lookups used by the tasks --------------------------------------------

// The first payload of `type`, or nullptr.
const Payload* find_payload(std::span<const Payload> payloads, PayloadType type);
// The first Notify of `type`, or nullptr.
const NotifyPayload* find_notify(std::span<const Payload> payloads, NotifyType type);
size_t count_payloads(std::span<const Payload> payloads, PayloadType type);

}  // namespace tern::wire
