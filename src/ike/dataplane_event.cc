// Names of the data plane's limit kinds (see dataplane_event.h).
#include "ike/dataplane_event.h"

namespace tern::ike {

std::string_view to_string(ChildLimitReached::Limit limit) {
  switch (limit) {
    case ChildLimitReached::Limit::soft: return "soft";
    case ChildLimitReached::Limit::hard: return "hard";
  }
  return "unknown";
}

std::string_view to_string(ChildLimitReached::Cause cause) {
  switch (cause) {
    case ChildLimitReached::Cause::bytes: return "bytes";
    case ChildLimitReached::Cause::packets: return "packets";
    case ChildLimitReached::Cause::sequence_numbers: return "sequence_numbers";
  }
  return "unknown";
}

}  // namespace tern::ike
