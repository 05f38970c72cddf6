// A whole IKEv2 message: header and the payloads outside SK (RFC 7296 §3).
//
// Called by ike/ for every datagram received (parse_message) and sent
// (build_message). An SK or SKF payload stays opaque here: the ike/ SK opener
// decrypts SkPayload::encrypted and calls parse_payload_chain(sk.first_inner,
// plaintext) for the inner chain. parse_message fails as parse_header
// (header.h) and parse_payload_chain (payload.h) do.
//
// SK opener: SK/SKF is always the last payload, so its encrypted octets are the
// last `encrypted.size()` octets of the datagram, and everything before them
//   datagram.first(datagram.size() - encrypted.size())
// is the IKE header, the outer payloads and the SK header (for SKF: and the
// Fragment Number / Total Fragments fields): the AEAD associated data
// (RFC 5282 §5.1, RFC 7383 §2.5), and the start of what the ICV covers for
// the other ciphers (§3.14).
//
// SK sealer: build the message with build_message_prefix() (the last payload
// is the SK/SKF with `encrypted` left empty), then append IV || ciphertext ||
// ICV; the Length fields already count them. See payload.h for
// encode_inner_chain().
#pragma once

#include <cstddef>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "wire/header.h"
#include "wire/payload.h"

namespace tern::wire {

struct Message {
  IkeHeader header;
  std::vector<Payload> payloads;  // outside SK; SK/SKF, if any, last

  friend bool operator==(const Message&, const Message&) = default;
};

// Header (parse_header) then the outer chain (parse_payload_chain).
Result<Message> parse_message(ByteView datagram);

// The header only, for dispatch before the payloads are walked (which SA,
// request or response). Same checks as parse_header.
Result<IkeHeader> peek_header(ByteView datagram);

// Encodes the message. header.next_payload and header.length are ignored and
// written from the payloads; everything else in the header is sent as given.
Bytes build_message(const Message& message);

// Everything before the encrypted octets of the last payload, which must be SK
// or SKF with `encrypted` EMPTY (else TERN_BUG). The IKE header Length and the
// SK/SKF Payload Length already count `encrypted_size` further octets, which
// the caller appends. The result is the AEAD associated data as it stands.
Bytes build_message_prefix(const Message& message, size_t encrypted_size);

}  // namespace tern::wire
