// One IKE message as the tasks see it: exchange, direction, Message ID and
// the plaintext payloads (for IKE_SA_INIT the payloads themselves; for every
// later exchange the payloads inside SK). encode_message / decode_message
// are the only way between an IkeMessage and datagram bytes.
//
// Who calls it: the task manager, for every message sent and received.
// decode_message fails (Result) when SK cannot be opened (Errc::
// integrity_check_failed and friends from ike/sk_seal.h: drop), when the
// payload rules table rejects the message (wire::check_payload_rules), or
// when an encrypted exchange arrives before the SA has keys (Errc::
// unexpected_payload, drop). One exception: a REQUEST whose SK opened (so it
// is authentic) but whose inner payloads are malformed or break the payload
// rules decodes fine, with no payloads and `malformed` set: the responder
// answers it with that error's notify (§2.21.2, §2.21.3; tasks/
// malformed_request.h). encode_message cannot fail: a missing key for an
// encrypted exchange is our bug.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/random.h"
#include "wire/iana.h"
#include "wire/message.h"
#include "wire/payload.h"

namespace tern::ike {

class IkeSa;

struct IkeMessage {
  wire::ExchangeType exchange = wire::ExchangeType::IKE_SA_INIT;
  bool response = false;
  uint32_t message_id = 0;
  uint64_t spi_i = 0;  // as in the header (received messages; encode takes them from the SA)
  uint64_t spi_r = 0;
  std::vector<wire::Payload> payloads;
  // A received request that is authentic but malformed (see above): why, and
  // the notify to answer with (INVALID_SYNTAX, or UNSUPPORTED_CRITICAL_PAYLOAD).
  std::optional<Error> malformed;

  void add(wire::PayloadType type, wire::PayloadBody body) {
    payloads.push_back({type, false, std::move(body)});
  }
  void add_notify(wire::NotifyType type, Bytes data = {});
  // The body of the first payload of `type`, or nullptr.
  template <typename Body>
  const Body* find(wire::PayloadType type) const {
    const wire::Payload* p = wire::find_payload(payloads, type);
    return p ? std::get_if<Body>(&p->body) : nullptr;
  }
  const wire::NotifyPayload* find_notify(wire::NotifyType type) const {
    return wire::find_notify(payloads, type);
  }
  // The first error notify (type < 16384), or nullptr.
  const wire::NotifyPayload* find_error_notify() const;
};

// HDR (SPIs and I flag from `sa`, R flag from msg.response), then the
// payloads: in the clear for IKE_SA_INIT, sealed in SK with the SA's
// outbound key otherwise. Without any non-ESP marker.
Bytes encode_message(const IkeSa& sa, const IkeMessage& msg, crypto::Random& random);

// What goes on the wire for `msg` (each without a non-ESP marker): the one
// message encode_message makes, or, when `max_size` is set and that message
// would be bigger, its SKF fragments of at most `max_size` octets each
// (RFC 7383 §2.5, fragmenter.h). IKE_SA_INIT is never fragmented (§2.4).
std::vector<Bytes> encode_datagrams(const IkeSa& sa, const IkeMessage& msg, crypto::Random& random,
                                    std::optional<size_t> max_size);

// `parsed` is wire::parse_message(datagram) (datagram without a non-ESP marker).
Result<IkeMessage> decode_message(const IkeSa& sa, ByteView datagram, const wire::Message& parsed);

// A message reassembled from SKF fragments (fragment_reassembly.h):
// `fragment` is one of them as parsed (its header and outer SKF), `chain` the
// inner payload chain, `first_inner` fragment 1's SKF Next Payload. Parsed and
// checked against the payload rules exactly like an SK message's plaintext,
// with the same `malformed` exception for requests.
Result<IkeMessage> decode_reassembled(const wire::Message& fragment, wire::PayloadType first_inner,
                                      ByteView chain);

}  // namespace tern::ike
