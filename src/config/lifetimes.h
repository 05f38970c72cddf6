// Rekeying and lifetime keys (swanctl names): rekey_time, reauth_time,
// rand_time, over_time on a [[connection]]; rekey_time, life_time,
// rand_time, rekey_bytes, life_bytes, rekey_packets, life_packets on a
// [[connection.child]].
//
// This build neither rekeys nor expires SAs (CREATE_CHILD_SA rekeying is
// still to come), so the values are checked (durations, positive integers,
// life_time longer than rekey_time) and then only acknowledged: ONE warning
// per key present, saying it is accepted but not acted on yet.
//
// Who calls it: connection_section and child_section. Problems go to the reader.
#pragma once

#include <string_view>

#include "config/toml_reader.h"

namespace tern::config {

inline constexpr std::string_view kIkeLifetimeKeys[] = {"rekey_time", "reauth_time", "rand_time",
                                                        "over_time"};
inline constexpr std::string_view kChildLifetimeKeys[] = {
    "rekey_time", "life_time", "rand_time", "rekey_bytes", "life_bytes", "rekey_packets", "life_packets"};

void read_ike_lifetimes(TableReader& connection);
void read_child_lifetimes(TableReader& child);

}  // namespace tern::config
