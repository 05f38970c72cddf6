// Dropping ternd's privileges once it has bound its sockets and made its TUN
// device (docs/ternd.md "Privileges").
//
// What the running daemon still needs, and why:
//   CAP_NET_ADMIN  routes to the TUN device for each CHILD_SA, transport-mode
//                  policy rules, socket buffer sizes past the limits
//                  (SO_RCVBUFFORCE), all later than start-up;
//   CAP_NET_RAW    the raw ESP sockets (IP protocol 50), opened when the first
//                  CHILD_SA without UDP encapsulation is installed.
// Everything else goes from the effective, permitted, inheritable, ambient
// and (when we may change it) bounding sets, and PR_SET_NO_NEW_PRIVS is set,
// so no exec'd program can get privileges back. ternd keeps its user ID (the
// files it reopens on reload are its own).
//
// Who calls it: ternd_main, after Daemon::create and before the event loop.
// How it fails: Errc::io_error naming the system call and errno; the daemon
// then refuses to run with more rights than it needs.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.h"

namespace tern::io {

// Bit numbers as in <linux/capability.h>.
inline constexpr uint32_t kCapNetAdmin = 12;
inline constexpr uint32_t kCapNetRaw = 13;

struct PrivilegeReport {
  uint64_t kept = 0;                  // effective = permitted after the drop (bits by capability number)
  uint64_t dropped = 0;               // permitted before, not after
  bool bounding_set_reduced = false;  // false when we lacked CAP_SETPCAP (nothing to reduce then)
};

// Keeps only `keep` (a mask of 1 << capability) of what is permitted now.
Result<PrivilegeReport> drop_privileges(uint64_t keep);

// "cap_net_admin,cap_net_raw" for a mask (for the log).
std::string capability_names(uint64_t mask);

}  // namespace tern::io
