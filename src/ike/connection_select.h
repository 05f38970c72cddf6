// Which configured connection a responder's IKE SA runs (RFC 7296 §2.15
// leaves the policy to us; this is swanctl's behaviour).
//
// Called by the Endpoint on a new IKE_SA_INIT (addresses are all we know
// then) and by ike_auth in IKE_AUTH, when the peer's identity (IDi) and the
// identity it asks us to be (IDr, optional) are known: the SA may then move to
// a better connection with the same addresses. A connection fits when
//   - its local and remote IPs are the SA's,
//   - its remote id matches IDi (an exact id beats "%any"; then config order),
//   - its local id matches IDr, if the peer sent IDr,
//   - its IKE proposals include the suite IKE_SA_INIT already negotiated.
// Both return nullptr when nothing fits; nothing else fails.
#pragma once

#include <memory>

#include "crypto/suite.h"
#include "ike/address.h"
#include "ike/connection_config.h"
#include "wire/id_payload.h"

namespace tern::ike {

std::shared_ptr<const ConnectionConfig> select_by_addresses(const EndpointConfig& config,
                                                            const Address& local, const Address& remote);

std::shared_ptr<const ConnectionConfig> select_by_identities(const EndpointConfig& config,
                                                             const Address& local, const Address& remote,
                                                             const crypto::IkeSuite& suite,
                                                             const wire::IdPayload& idi,
                                                             const wire::IdPayload* idr);

}  // namespace tern::ike
