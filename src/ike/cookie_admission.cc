// The Endpoint's cookie gate for new IKE_SA_INIT requests (RFC 7296 §2.6):
// counts the half-open responder IKE SAs and, above a threshold, answers with
// a stateless N(COOKIE) instead of creating an SA. See cookie.h for the
// cookie itself and EndpointConfig for the thresholds.
//
// Who calls it: Endpoint::handle_datagram, for an IKE_SA_INIT request that
// belongs to no IKE SA yet, before create_responder_sa. Never fails: a request
// that cannot even be given a cookie (no Ni) is dropped and counted.
#include <fmt/format.h>

#include "ike/connection_select.h"
#include "ike/endpoint.h"
#include "wire/message.h"
#include "wire/nonce_payload.h"
#include "wire/notify_payload.h"

namespace tern::ike {
namespace {

// §2.6: "the cookie ... as the first payload". A COOKIE anywhere else is not
// one the initiator returned as asked; it is ignored.
const wire::NotifyPayload* returned_cookie(const wire::Message& request) {
  if (request.payloads.empty()) return nullptr;
  const auto* n = std::get_if<wire::NotifyPayload>(&request.payloads.front().body);
  return n != nullptr && n->type == wire::NotifyType::COOKIE ? n : nullptr;
}

}  // namespace

bool Endpoint::admit_ike_sa_init(const Address& local, const Address& remote, const wire::Message& request,
                                 size_t datagram_size, Timestamp now) {
  // Requests no connection accepts are dropped (and counted) by
  // create_responder_sa; they are not worth a cookie either.
  if (!select_by_addresses(config_, local, remote)) return true;

  // Half-open: a responder SA past IKE_SA_INIT but not yet authenticated.
  // Counted after each input (Endpoint::count_half_open), not here.
  const uint64_t half_open = half_open_count_;
  auto from_ip = half_open_by_ip_.find(IpKey{remote.family, remote.ip});
  const uint64_t half_open_from_ip = from_ip == half_open_by_ip_.end() ? 0 : from_ip->second;
  const bool required =
      half_open >= config_.cookie_threshold || half_open_from_ip >= config_.cookie_threshold_ip;
  const wire::NotifyPayload* cookie = returned_cookie(request);
  if (!required && cookie == nullptr) return true;

  const wire::Payload* nonce_payload = wire::find_payload(request.payloads, wire::PayloadType::Nonce);
  const auto* ni = nonce_payload ? std::get_if<wire::NoncePayload>(&nonce_payload->body) : nullptr;
  if (cookie != nullptr && ni != nullptr && cookies_.active() &&
      cookies_.check(cookie->data, ni->data, remote, request.header.spi_i, random_, now) ==
          CookieCheck::valid) {
    // §2.6: the initiator received our cookie at IPi, so its address is real.
    ++counters_.cookies_accepted;
    datagram_unverified_ = false;
    return true;
  }
  if (!required) return true;  // a stale cookie while none is needed: served as any request
  if (cookie != nullptr && ni != nullptr) {
    ++counters_.cookies_rejected;
    effects_.push_back(Event{EventKind::message_dropped, IkeSaId{}, "",
                             fmt::format("IKE_SA_INIT from {} with an invalid or stale COOKIE: "
                                         "answered with a fresh one",
                                         remote.to_string())});
  }
  answer_with_cookie(local, remote, request, datagram_size, now);
  return false;
}

bool Endpoint::answer_with_cookie(const Address& local, const Address& remote, const wire::Message& request,
                                  size_t datagram_size, Timestamp now) {
  const wire::IkeHeader& header = request.header;
  const wire::Payload* nonce_payload = wire::find_payload(request.payloads, wire::PayloadType::Nonce);
  const auto* ni = nonce_payload ? std::get_if<wire::NoncePayload>(&nonce_payload->body) : nullptr;
  if (ni == nullptr) {
    ++counters_.dropped_malformed;
    effects_.push_back(Event{EventKind::message_dropped, IkeSaId{}, "",
                             fmt::format("IKE_SA_INIT from {} without Ni", remote.to_string())});
    return false;
  }
  // <--  HDR(SPIi, 0), N(COOKIE)   and nothing kept.
  Bytes bytes;
  if (local.port == config_.natt_port) bytes.assign(4, 0);  // non-ESP marker
  append(bytes, build_cookie_answer(header, cookies_.make(ni->data, remote, header.spi_i, random_, now)));
  if (bytes.size() > datagram_size) {
    // Only a request too short to be a real IKE_SA_INIT (SAi1, KEi and Ni
    // alone are larger) gets here: not answered, so it amplifies nothing.
    ++counters_.cookies_withheld;
    return true;
  }
  ++counters_.cookies_sent;
  effects_.push_back(Send{local, remote, std::move(bytes)});
  return true;
}

}  // namespace tern::ike
