#include "crypto/key_exchange.h"

#include <fmt/format.h>

#include "crypto/ke_internal.h"

namespace tern::crypto {

namespace ke {

Unexpected<Error> invalid_peer_value(wire::KeGroup group, std::string what) {
  return fail(Errc::invalid_ke, wire::notify_number(wire::NotifyType::INVALID_SYNTAX),
              fmt::format("{} KE data: {}", wire::to_string(group), what));
}

Result<void> check_peer_length(wire::KeGroup group, ByteView peer_public, size_t expected) {
  if (peer_public.size() != expected) {
    return invalid_peer_value(group,
                              fmt::format("{} octets, the group needs {}", peer_public.size(), expected));
  }
  return {};
}

}  // namespace ke

std::optional<size_t> KeyExchange::public_value_size(wire::KeGroup group) {
  if (auto n = ke::modp_public_value_size(group)) return n;
  if (auto n = ke::ecp_public_value_size(group)) return n;
  return ke::montgomery_public_value_size(group);
}

Result<std::unique_ptr<KeyExchange>> KeyExchange::create(wire::KeGroup group, Random& random) {
  if (ke::modp_public_value_size(group)) return ke::create_modp(group, random);
  if (ke::ecp_public_value_size(group)) return ke::create_ecp(group, random);
  if (ke::montgomery_public_value_size(group)) return ke::create_montgomery(group, random);
  return fail(Errc::unsupported, "key exchange group " + wire::to_string(group) + " is not implemented");
}

Result<KeyExchangeAnswer> answer_key_exchange(wire::KeGroup group, ByteView peer_public, Random& random) {
  Result<std::unique_ptr<KeyExchange>> ke = KeyExchange::create(group, random);
  if (!ke) return fail(ke.error());
  Result<SecretBytes> shared = (*ke)->compute_shared_secret(peer_public);
  if (!shared) return fail(shared.error());
  return KeyExchangeAnswer{std::move(*ke), std::move(*shared)};
}

}  // namespace tern::crypto
