// Test access to an Endpoint's private state (STYLE.md #11: a *_peer.h
// accessor, never `#define private public`): start a task of the test's own
// on an IKE SA, open an encrypted message with the keys of the SA it is
// addressed to, so tests can check what is inside SK, and seal a message of
// the test's own making (malformed ones too) as an SA would send it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "base/error.h"
#include "ike/endpoint.h"
#include "ike/ike_message.h"
#include "ike/ike_sa.h"
#include "ike/sk_seal.h"
#include "wire/message.h"

namespace tern::ike {

class EndpointPeer {
 public:
  // Queues `task` on the SA and sends its request when the window allows.
  static void start_task(Endpoint& e, IkeSaId sa, std::unique_ptr<Task> task, Timestamp now) {
    e.start_task(*e.sas_.at(sa), std::move(task), now);
    e.reap(now);
  }

  // The task manager of an IKE SA: its windows, outstanding requests, cache.
  static const TaskManager& tasks(const Endpoint& e, IkeSaId sa) { return e.sas_.at(sa)->tasks; }

  // An IKE SA itself, read-only (MOBIKE state, NAT state, addresses).
  static const IkeSa& sa(const Endpoint& e, IkeSaId sa) { return *e.sas_.at(sa); }

  // The inbound ESP SPI index (Endpoint::child_spis_): the IKE SA a CHILD_SA's
  // SPI is filed under, and a fresh SPI as tasks get it.
  static std::optional<IkeSaId> child_spi_owner(const Endpoint& e, uint32_t spi_in) {
    const Endpoint::ChildSpi* entry = e.child_spis_.find(spi_in);
    if (entry == nullptr) return std::nullopt;
    return entry->owner;
  }
  static void file_child_spi(Endpoint& e, uint32_t spi_in, IkeSaId owner) { e.child_owned(spi_in, owner); }
  static uint32_t allocate_esp_spi(Endpoint& e) { return e.allocate_esp_spi(); }

  // Every IKE SA of `e`, writable: for bench/sa_memory_bench.cc, which takes
  // the SAs apart piece by piece to weigh each piece.
  static void for_each_sa(Endpoint& e, const std::function<void(IkeSa&)>& f) {
    for (IkeSa* sa : e.sas_.in_id_order()) f(*sa);
  }
  // The Endpoint's per-SA tables and what they allocated (slots, nodes and
  // buckets; a node counted as the 32-octet malloc chunk of a std::
  // unordered_map node of two 8-octet values): bench/sa_memory_bench.cc.
  struct TableOctets {
    const char* name;
    size_t entries;
    size_t octets;
  };
  static std::vector<TableOctets> table_octets(const Endpoint& e) {
    return {
        {"IKE SAs by id (SaStore)", e.sas_.size(), e.sas_.id_table_octets()},
        {"IKE SAs by our SPI (SaStore)", e.sas_.size(), e.sas_.spi_table_octets()},
        {"inbound ESP SPI -> IKE SA (child_spis_)", e.child_spis_.size(),
         e.child_spis_.capacity() * sizeof(Endpoint::ChildSpi)},
        {"deadline queue (heap + armed)", e.deadlines_.size(), e.deadlines_.octets()},
        {"certificate deadline queue", e.cert_deadlines_.size(), e.cert_deadlines_.octets()},
        {"peer identity index (by_peer_id_)", e.by_peer_id_.size(),
         e.by_peer_id_.size() * 32 + e.by_peer_id_.bucket_count() * sizeof(void*)},
        {"half-open entries (half_open_, responders_)", e.half_open_.size() + e.responders_.size(),
         e.half_open_.size() * 80 + e.responders_.size() * 96},
    };
  }
  // How many IKE SAs the last reap (the end of each input) looked at: the
  // ones the input touched, not the whole table.
  static size_t last_reap_visits(const Endpoint& e) { return e.last_reap_visits_; }
  // The half-open responder SAs the cookie gate counts (all, and from `ip`).
  static uint64_t half_open(const Endpoint& e) { return e.half_open_count_; }

  // Whether both ends announced IKE fragmentation on the SA (RFC 7383 §2.3).
  static bool fragmentation(const Endpoint& e, IkeSaId sa) { return e.sas_.at(sa)->fragmentation; }
  // Overrides it (a peer that fragments without having negotiated it).
  static void set_fragmentation(Endpoint& e, IkeSaId sa, bool on) { e.sas_.at(sa)->fragmentation = on; }

  // Decodes `datagram` (no non-ESP marker) with the SA of `receiver` it is
  // addressed to: SK opened, payload rules checked. Changes nothing.
  // A datagram that starts with the non-ESP marker (the NAT-T port, RFC 3948
  // §2.2; an IKE SPIi is never zero) is opened after it.
  static Result<IkeMessage> open(Endpoint& receiver, ByteView datagram) {
    if (datagram.size() > 4 && datagram[0] == 0 && datagram[1] == 0 && datagram[2] == 0 && datagram[3] == 0)
      datagram = datagram.subspan(4);
    Result<wire::Message> parsed = wire::parse_message(datagram);
    if (!parsed) return fail(parsed.error());
    IkeSa* sa = receiver.find_sa_for(parsed->header, Address{});
    if (sa == nullptr) return fail(Errc::unexpected_payload, "no IKE SA for these SPIs");
    return decode_message(*sa, datagram, *parsed);
  }

  // `msg` as SA `sa` of `sender` would put it on the wire (SPIs and flags from
  // the SA, SK-sealed with its outbound keys), without sending it or
  // changing anything: the caller picks the Message ID.
  static Bytes seal(Endpoint& sender, IkeSaId sa, const IkeMessage& msg) {
    return encode_message(*sender.sas_.at(sa), msg, sender.random_);
  }
  // The same, as SKF fragments of at most `max_size` octets each when it is
  // bigger (RFC 7383; ike_message.h encode_datagrams).
  static std::vector<Bytes> seal_fragments(Endpoint& sender, IkeSaId sa, const IkeMessage& msg,
                                           size_t max_size) {
    return encode_datagrams(*sender.sas_.at(sa), msg, sender.random_, max_size);
  }
  // `message` (its last payload an SK with `encrypted` empty) with `inner` as
  // the plaintext inner chain, octet for octet (lengths that lie, too), sealed
  // with the outbound keys of SA `sa` of `sender`: an authentic message whose
  // inner payloads are whatever the test wrote.
  static Bytes seal_raw(Endpoint& sender, IkeSaId sa, const wire::Message& message, ByteView inner) {
    const crypto::SkCipher& cipher = *sender.sas_.at(sa)->sk_out;
    const size_t block = cipher.block_size();
    const size_t padding = (block - (inner.size() + 1) % block) % block;
    Bytes plaintext(inner.begin(), inner.end());
    plaintext.insert(plaintext.end(), padding, 0);
    plaintext.push_back(static_cast<uint8_t>(padding));
    Bytes out = wire::build_message_prefix(message, cipher.iv_size() + plaintext.size() + cipher.icv_size());
    Bytes iv = sender.random_.bytes(cipher.iv_size());
    Bytes sealed = cipher.seal(out, iv, plaintext);
    append(out, iv);
    append(out, sealed);
    return out;
  }
  // One SKF fragment with any Fragment Number / Total Fragments, sealed with
  // the outbound keys of SA `sa` of `sender` (authentic, whatever the numbers).
  static Bytes seal_fragment(Endpoint& sender, IkeSaId sa, const wire::IkeHeader& header,
                             wire::PayloadType first_inner, uint16_t number, uint16_t total, ByteView chunk) {
    return ike::seal_fragment(header, first_inner, number, total, chunk, *sender.sas_.at(sa)->sk_out,
                              sender.random_);
  }
};

}  // namespace tern::ike
