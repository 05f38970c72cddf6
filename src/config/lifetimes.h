// Rekeying and lifetime keys (swanctl names): rekey_time, reauth_time,
// rand_time, over_time on a [[connection]]; rekey_time, life_time,
// rand_time, rekey_bytes, life_bytes, rekey_packets, life_packets on a
// [[connection.child]].
//
// What this build acts on:
//   child rekey_time, rand_time  acted on: the CHILD_SA is rekeyed with
//                                CREATE_CHILD_SA rekey_time after it was
//                                installed, minus a random jitter of up to rand_time
//   rekey_bytes, rekey_packets   acted on: reaching either starts a rekey
//   life_bytes, life_packets     acted on: the CHILD_SA is deleted when either
//                                direction reaches it
//   child life_time, every IKE *_time key (rekey_time, reauth_time,
//   rand_time, over_time)        checked only (durations, life_time longer
//                                than rekey_time), then acknowledged with ONE
//                                warning saying it is not acted on yet
// Volume keys are positive integers, and life_* must be larger than the
// rekey_* of the same unit.
//
// Who calls it: connection_section and child_section. Problems go to the reader.
#pragma once

#include <string_view>

#include "config/toml_reader.h"
#include "ike/connection_config.h"

namespace tern::config {

inline constexpr std::string_view kIkeLifetimeKeys[] = {"rekey_time", "reauth_time", "rand_time",
                                                        "over_time"};
inline constexpr std::string_view kChildLifetimeKeys[] = {
    "rekey_time", "life_time", "rand_time", "rekey_bytes", "life_bytes", "rekey_packets", "life_packets"};

void read_ike_lifetimes(TableReader& connection);
// The CHILD_SA's rekey time and volume limits (0: not set, or not valid).
ike::ChildLimits read_child_lifetimes(TableReader& child);

}  // namespace tern::config
