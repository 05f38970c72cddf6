// The responder's cookie jar and the stateless N(COOKIE) answer (see cookie.h).
#include "ike/cookie.h"

#include "crypto/constant_time.h"
#include "crypto/hash.h"
#include "wire/message.h"
#include "wire/notify_payload.h"

namespace tern::ike {
namespace {

constexpr size_t kSecretSize = 32;

void put_u32(Bytes& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

uint32_t get_u32(ByteView in) {
  return (uint32_t{in[0]} << 24) | (uint32_t{in[1]} << 16) | (uint32_t{in[2]} << 8) | uint32_t{in[3]};
}

}  // namespace

Bytes CookieJar::compute(const Secret& secret, ByteView ni, const Address& initiator, uint64_t spi_i) const {
  uint8_t spi[8];
  for (size_t i = 0; i < 8; ++i) spi[i] = static_cast<uint8_t>(spi_i >> (56 - 8 * i));
  const crypto::Sha256Digest hash =
      crypto::sha256({ni, initiator.ip_bytes(), ByteView(spi), secret.key.view()});
  Bytes cookie;
  cookie.reserve(kCookieSize);
  put_u32(cookie, secret.version);
  append(cookie, hash);
  return cookie;
}

void CookieJar::rotate_cookie_secret(crypto::Random& random) {
  previous_ = std::move(current_);
  current_ = Secret{next_version_++, random.secret(kSecretSize)};
  current_used_ = false;
}

void CookieJar::on_timer(crypto::Random& random, Timestamp now) {
  // Rotations happen at their scheduled times, however late we are called.
  while (current_ && now >= rotate_at_) {
    if (!current_used_) {
      // A whole lifetime without a cookie: nothing is outstanding but cookies
      // of the previous secret, whose grace ended long ago. Forget both.
      current_.reset();
      previous_.reset();
      break;
    }
    rotate_cookie_secret(random);
    previous_until_ = rotate_at_ + grace_;
    rotate_at_ += lifetime_;
  }
  if (previous_ && now >= previous_until_) previous_.reset();
}

std::optional<Timestamp> CookieJar::next_deadline() const {
  if (!current_) return std::nullopt;
  if (previous_ && previous_until_ < rotate_at_) return previous_until_;
  return rotate_at_;
}

Bytes CookieJar::make(ByteView ni, const Address& initiator, uint64_t spi_i, crypto::Random& random,
                      Timestamp now) {
  on_timer(random, now);
  if (!current_) {
    rotate_cookie_secret(random);
    previous_.reset();
    rotate_at_ = now + lifetime_;
  }
  current_used_ = true;
  return compute(*current_, ni, initiator, spi_i);
}

CookieCheck CookieJar::check(ByteView cookie, ByteView ni, const Address& initiator, uint64_t spi_i,
                             crypto::Random& random, Timestamp now) {
  on_timer(random, now);
  if (cookie.size() != kCookieSize) return CookieCheck::invalid;
  const uint32_t version = get_u32(cookie);
  const Secret* secret = nullptr;
  if (current_ && current_->version == version) secret = &*current_;
  if (previous_ && previous_->version == version) secret = &*previous_;
  if (secret == nullptr) return CookieCheck::invalid;
  const Bytes expected = compute(*secret, ni, initiator, spi_i);
  return crypto::constant_time_equal(cookie, expected) ? CookieCheck::valid : CookieCheck::invalid;
}

Bytes build_cookie_answer(const wire::IkeHeader& request, ByteView cookie) {
  wire::IkeHeader header;
  header.spi_i = request.spi_i;
  header.spi_r = 0;  // §2.6: no state, so no SPI of ours
  header.exchange = wire::ExchangeType::IKE_SA_INIT;
  header.message_id = 0;
  header.flags = wire::kFlagResponse;  // we are the responder: no I flag
  wire::NotifyPayload n;
  n.protocol = wire::ProtocolId::NONE;
  n.type = wire::NotifyType::COOKIE;
  n.data = Bytes(cookie.begin(), cookie.end());
  return wire::build_message(wire::Message{header, {{wire::PayloadType::Notify, false, std::move(n)}}});
}

}  // namespace tern::ike
