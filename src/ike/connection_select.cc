// Responder connection selection (see connection_select.h).
#include "ike/connection_select.h"

#include <algorithm>

namespace tern::ike {
namespace {

bool same_suite(const crypto::IkeSuite& a, const crypto::IkeSuite& b) {
  return a.encr == b.encr && a.encr_key_bits == b.encr_key_bits && a.prf == b.prf && a.integ == b.integ &&
         a.ke == b.ke;
}

bool addresses_fit(const ConnectionConfig& c, const Address& local, const Address& remote) {
  if (!c.local.same_ip(local)) return false;
  return c.remote_prefix ? remote.in_prefix(c.remote, *c.remote_prefix) : c.remote.same_ip(remote);
}

}  // namespace

std::shared_ptr<const ConnectionConfig> select_by_addresses(const EndpointConfig& config,
                                                            const Address& local, const Address& remote) {
  for (const auto& c : config.connections) {
    if (addresses_fit(*c, local, remote)) return c;
  }
  return nullptr;
}

std::shared_ptr<const ConnectionConfig> select_by_identities(const EndpointConfig& config,
                                                             const Address& local, const Address& remote,
                                                             const crypto::IkeSuite& suite,
                                                             const wire::IdPayload& idi,
                                                             const wire::IdPayload* idr) {
  std::shared_ptr<const ConnectionConfig> wildcard;
  for (const auto& c : config.connections) {
    if (!addresses_fit(*c, local, remote) || !c->remote_id.matches(idi)) continue;
    if (idr != nullptr && !c->local_id.matches(*idr)) continue;
    if (std::none_of(c->proposals.begin(), c->proposals.end(),
                     [&](const crypto::IkeSuite& s) { return same_suite(s, suite); }))
      continue;
    if (!c->remote_id.any) return c;  // an exact identity: the best there is
    if (!wildcard) wildcard = c;
  }
  return wildcard;
}

}  // namespace tern::ike
