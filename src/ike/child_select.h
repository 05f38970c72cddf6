// Which child of a connection a peer's CHILD_SA request is for (responder;
// RFC 7296 §2.9): among the ChildConfigs whose selectors narrow the peer's
// TSi (against the child's remote_ts) and TSr (against its local_ts) to
// something non-empty, the best match, with those narrowed lists:
//   1. one that holds all the peer asked for (nothing narrowed away) beats
//      one that only overlaps it;
//   2. then the most specific (the narrowest of its selectors: a child for
//      10.1.0.0/24 beats one for 0.0.0.0/0 when both hold the request);
//   3. then configuration order.
//
// Who calls it: child_create (the CHILD_SA in IKE_AUTH) and
// child_create_additional (a new CHILD_SA with CREATE_CHILD_SA), before they
// choose a proposal from that child's esp_proposals. Nothing fails: nullopt
// means no child accepts the selectors (answered with TS_UNACCEPTABLE).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "ike/connection_config.h"
#include "wire/ts_payload.h"

namespace tern::ike {

struct ChildMatch {
  const ChildConfig* config = nullptr;     // points into the connection
  std::vector<wire::TrafficSelector> tsi;  // the peer's TSi, narrowed (our remote side)
  std::vector<wire::TrafficSelector> tsr;  // the peer's TSr, narrowed (our local side)
};

std::optional<ChildMatch> select_child_config(const ConnectionConfig& connection,
                                              std::span<const wire::TrafficSelector> tsi,
                                              std::span<const wire::TrafficSelector> tsr);

// "10.1.0.0/24, 10.3.0.0/24" for logs.
std::string selectors_text(std::span<const wire::TrafficSelector> list);

}  // namespace tern::ike
