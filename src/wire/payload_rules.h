// Which payloads each exchange allows: ONE table (payload_rules.cc), checked
// before any ike/ task sees a message (RFC 7296 §1.2-1.5, §2.16, §3;
// RFC 7383 for SKF; RFC 4739/5998 for the IKE_AUTH rounds around EAP).
//
// Called by the ike/ engine once per message, after the SK payload is opened:
// `outside` are the payloads of parse_message, `inside` the decrypted inner
// chain (empty for IKE_SA_INIT, or for a message whose SK is not opened yet).
// For a reassembled SKF message, `outside` is any one fragment's payloads.
//
// Errors (all answered with INVALID_SYNTAX except the critical one; whether
// the engine answers or drops is its decision, e.g. before authentication):
//   Errc::unexpected_payload  a payload the exchange does not allow, a payload on
//                             the wrong side of SK, SK/SKF in IKE_SA_INIT or inside
//                             SK, anything but SK/SKF outside an encrypted exchange
//   Errc::missing_payload     a required payload (or SK) is absent
//   Errc::too_many            more of a payload than allowed (two SA payloads)
//   Errc::unsupported_critical_payload  an unknown payload with the Critical bit
//                             (the chain decoder already rejects these; checked
//                             again so hand-made payload lists are covered)
//   Errc::unsupported         no rules for this exchange type (dropped)
// Unknown payloads without the Critical bit are allowed anywhere (§2.5).
// A response holding an error Notify (type < 16384), COOKIE or REDIRECT may
// omit the payloads otherwise required (e.g. "HDR, N(COOKIE)", "HDR, SK {N(AUTHENTICATION_FAILED)}").
#pragma once

#include <cstdint>
#include <span>

#include "base/error.h"
#include "wire/iana.h"
#include "wire/payload.h"

namespace tern::wire {

enum class Direction : uint8_t { request, response };
// Where a payload may appear: in the clear, or inside SK (SKF fragments).
enum class Where : uint8_t { outside_sk, inside_sk };

struct PayloadRule {
  PayloadType type;
  uint8_t min;
  uint8_t max;
  Where where;
  // Payloads marked together come all or none (the Child SA's SA, TSi, TSr
  // in IKE_AUTH; TSi, TSr in CREATE_CHILD_SA).
  bool together = false;
};

// One allowed shape of a message. An exchange/direction can have several
// shapes (the IKE_AUTH rounds); the first whose `when_present` payload is in
// the message applies, and the one with NONE applies when no other does.
struct MessageShape {
  ExchangeType exchange;
  Direction direction;
  PayloadType when_present;  // NONE: the fallback shape
  bool encrypted;            // content inside SK/SKF; outside holds exactly one SK or SKF
  bool notify_only_ok;       // an error Notify / COOKIE / REDIRECT waives the minimums
  std::span<const PayloadRule> rules;
};

// The whole table, for tests and documentation tools.
std::span<const MessageShape> payload_rules_table();

Result<void> check_payload_rules(ExchangeType exchange, Direction direction, std::span<const Payload> outside,
                                 std::span<const Payload> inside);

}  // namespace tern::wire
