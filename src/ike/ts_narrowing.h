// Traffic selector narrowing (RFC 7296 §2.9): the responder answers with the
// intersection of what the initiator asked for and what its configuration
// allows; the initiator accepts an answer only if it is a subset of what it
// asked for.
//
// Who calls it: child_create. Nothing fails: an empty intersection is an
// empty list, which the caller answers with TS_UNACCEPTABLE.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "wire/ts_payload.h"

namespace tern::ike {

// The selector both allow: same type, protocol (0 = any) compatible, port and
// address ranges overlapping. nullopt when they do not overlap.
std::optional<wire::TrafficSelector> intersect(const wire::TrafficSelector& a,
                                               const wire::TrafficSelector& b);

// Every non-empty pairwise intersection of `requested` with `allowed`, in
// the order of `requested`, without duplicates.
std::vector<wire::TrafficSelector> narrow(std::span<const wire::TrafficSelector> requested,
                                          std::span<const wire::TrafficSelector> allowed);

// True if every selector of `answer` lies inside one selector of `asked`
// (and `answer` is not empty).
bool is_subset(std::span<const wire::TrafficSelector> answer, std::span<const wire::TrafficSelector> asked);

}  // namespace tern::ike
