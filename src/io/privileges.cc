// See privileges.h. Plain system calls (capget/capset, prctl): no libcap.
#include "io/privileges.h"

#include <fmt/format.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace tern::io {
namespace {

constexpr uint32_t kCapSetPcap = 8;
constexpr uint32_t kLastCapabilityBound = 63;

struct CapSets {
  uint64_t effective = 0, permitted = 0, inheritable = 0;
};

Unexpected<Error> system_error(std::string_view what) {
  return fail(Errc::io_error, fmt::format("cannot drop privileges: {}: {}", what, std::strerror(errno)));
}

Result<CapSets> get_caps() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  std::array<__user_cap_data_struct, 2> data{};
  if (::syscall(SYS_capget, &header, data.data()) != 0) return system_error("capget");
  auto join = [](uint32_t low, uint32_t high) { return static_cast<uint64_t>(high) << 32 | low; };
  return CapSets{join(data[0].effective, data[1].effective), join(data[0].permitted, data[1].permitted),
                 join(data[0].inheritable, data[1].inheritable)};
}

Result<void> set_caps(const CapSets& caps) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  std::array<__user_cap_data_struct, 2> data{};
  data[0] = {static_cast<uint32_t>(caps.effective), static_cast<uint32_t>(caps.permitted),
             static_cast<uint32_t>(caps.inheritable)};
  data[1] = {static_cast<uint32_t>(caps.effective >> 32), static_cast<uint32_t>(caps.permitted >> 32),
             static_cast<uint32_t>(caps.inheritable >> 32)};
  if (::syscall(SYS_capset, &header, data.data()) != 0) return system_error("capset");
  return {};
}

}  // namespace

Result<PrivilegeReport> drop_privileges(uint64_t keep) {
  Result<CapSets> before = get_caps();
  if (!before) return fail(before.error());
  PrivilegeReport report;
  // The bounding set first: changing it needs CAP_SETPCAP, which goes below.
  if ((before->effective & (uint64_t{1} << kCapSetPcap)) != 0) {
    for (uint32_t cap = 0; cap <= kLastCapabilityBound; ++cap) {
      if ((keep & (uint64_t{1} << cap)) != 0) continue;
      if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) <= 0) continue;  // not in the set, or unknown to this kernel
      if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
        return system_error(fmt::format("PR_CAPBSET_DROP {}", cap));
    }
    report.bounding_set_reduced = true;
  }
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    return system_error("PR_CAP_AMBIENT_CLEAR_ALL");
  CapSets after;
  after.permitted = before->permitted & keep;
  after.effective = after.permitted;
  if (Result<void> set = set_caps(after); !set) return fail(set.error());
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return system_error("PR_SET_NO_NEW_PRIVS");
  report.kept = after.permitted;
  report.dropped = before->permitted & ~after.permitted;
  return report;
}

std::string capability_names(uint64_t mask) {
  static constexpr std::array<std::pair<uint32_t, std::string_view>, 2> kNames = {
      {{kCapNetAdmin, "cap_net_admin"}, {kCapNetRaw, "cap_net_raw"}}};
  std::string out;
  for (uint32_t cap = 0; cap <= kLastCapabilityBound; ++cap) {
    if ((mask & (uint64_t{1} << cap)) == 0) continue;
    std::string name = fmt::format("cap_{}", cap);
    for (const auto& [number, text] : kNames) {
      if (number == cap) name = std::string(text);
    }
    out += (out.empty() ? "" : ",") + name;
  }
  return out.empty() ? "none" : out;
}

}  // namespace tern::io
