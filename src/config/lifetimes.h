// Rekeying and lifetime keys (swanctl names): rekey_time, reauth_time,
// rand_time, over_time on a [[connection]]; rekey_time, life_time,
// rand_time, rekey_bytes, life_bytes, rekey_packets, life_packets on a
// [[connection.child]].
//
// Defaults (applied here, never in the engine, whose zero means "never"):
//   IKE   rekey_time 4h, reauth_time 0 (off),
//         over_time  10 % of the longer of rekey_time and reauth_time (24m),
//         rand_time  half of over_time (12m)
//   child rekey_time 1h,
//         life_time  rekey_time + 10 % (66m),
//         rand_time  half of life_time - rekey_time (3m)
// When rand_time is given, the default life_time gap and over_time are at
// least twice it (a default never makes a given value wrong: rekey_time 10s
// with rand_time 2s gets life_time 14s). rekey_time = "0s" turns rekeying by
// time off; life_time / over_time = "0s" turns the hard limit off; the
// defaults derived from them are then 0 too.
//
// Why these jitters: the rekey starts at rekey_time minus a random value of up
// to rand_time (so that two peers with the same settings do not start at
// once, RFC 7296 §2.8.1), and the hard limit (life_time, over_time) is the
// time a rekey has to complete, with retransmits, before the SA is deleted.
// Half of that window keeps both: a spread of minutes between peers, and a
// rekey that never starts closer to the hard limit than the window itself.
// swanctl.conf instead defaults rand_time to the whole window; tern refuses
// rand_time >= the window (and rand_time >= rekey_time, which would rekey at
// once after every install), so its default is smaller.
//
// What is checked (each mistake is an error at the key's file:line):
//   durations parse; volume keys are integers >= 1;
//   life_time > rekey_time, life_bytes > rekey_bytes, life_packets > rekey_packets;
//   rand_time < rekey_time (child and IKE, also < reauth_time);
//   child rand_time < life_time - rekey_time; IKE rand_time < over_time.
//
// Every key is acted on by the engine. Keys a build accepts but does not act
// on are listed in one table in lifetimes.cc (kNotActedOn), which warns once
// per key present.
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

inline constexpr Duration kDefaultIkeRekeyTime = std::chrono::hours(4);
inline constexpr Duration kDefaultChildRekeyTime = std::chrono::hours(1);

// The IKE SA's lifetimes, with the defaults above for keys not given.
ike::IkeLifetimes read_ike_lifetimes(TableReader& connection);
// The CHILD_SA's lifetimes, with the defaults above for keys not given;
// volume limits are 0 (none) unless given.
ike::ChildLimits read_child_lifetimes(TableReader& child);

}  // namespace tern::config
