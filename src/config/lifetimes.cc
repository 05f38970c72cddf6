// Lifetime keys: read, defaulted and checked (see lifetimes.h).
#include "config/lifetimes.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <string>

namespace tern::config {
namespace {

enum class Section : uint8_t { ike, child };

// A key this build accepts but does not act on: one warning per key present.
struct NotActedOn {
  Section section;
  std::string_view key;
  std::string_view because;
};
// Empty: every lifetime key is acted on. Should the engine stop acting on one
// (e.g. IKE SA rekeying or reauthentication is taken out), list it here again:
//   {Section::ike, "rekey_time", "this build does not rekey IKE SAs"},
//   {Section::ike, "rand_time", "this build does not rekey IKE SAs"},
//   {Section::ike, "reauth_time", "this build does not reauthenticate"},
//   {Section::ike, "over_time", "this build does not reauthenticate"},
//   {Section::child, "life_time", "this build does not expire SAs by time"},
constexpr std::array<NotActedOn, 0> kNotActedOn{};

void warn_not_acted_on(TableReader& r, Section section) {
  for (const NotActedOn& n : kNotActedOn) {
    if (n.section != section || !r.has(n.key)) continue;
    r.warn(n.key,
           fmt::format("{} is accepted but not acted on yet: {} (SAs live until deleted)", n.key, n.because));
  }
}

// A duration setting: the value used, and whether the operator wrote it
// (`given`) or it is a default (`why` says which).
struct Time {
  std::string_view key;
  Duration value{0};
  bool given = false;
  bool valid = true;  // false: given but malformed (already reported); not checked further
  std::string why;    // for a default: "the default", "the default: rekey_time + 10 %"

  // "life_time (66m)", "life_time (66m, the default: rekey_time + 10 %)"
  std::string text() const {
    if (given) return fmt::format("{} ({})", key, format_duration(value));
    return fmt::format("{} ({}, {})", key, format_duration(value), why);
  }
};

// The key as written, or nullopt in `value` when absent (the caller defaults it).
Time read_time(TableReader& r, std::string_view key) {
  Time t;
  t.key = key;
  if (!r.has(key)) return t;
  t.given = true;
  std::optional<Duration> d = r.duration(key);
  t.valid = d.has_value();
  if (d) t.value = *d;
  return t;
}

void default_to(Time& t, Duration value, std::string why) {
  if (t.given) return;
  t.value = value;
  t.why = std::move(why);
}

// The error goes to the first of `candidates` the operator wrote (a default
// alone never breaks a rule); nothing when none was written.
void refuse(TableReader& r, std::initializer_list<const Time*> candidates, std::string message) {
  for (const Time* t : candidates) {
    if (t->given) {
      r.error(t->key, std::move(message));
      return;
    }
  }
}

bool all_valid(std::initializer_list<const Time*> times) {
  return std::all_of(times.begin(), times.end(), [](const Time* t) { return t->valid; });
}

// rand_time is subtracted from the rekey (or reauth) time: never as long as
// that. Returns whether it reported a problem.
bool check_rand_below(TableReader& r, const Time& rand, const Time& base) {
  if (!all_valid({&rand, &base}) || base.value <= Duration::zero() || rand.value < base.value) return false;
  refuse(r, {&rand},
         fmt::format("{} must be shorter than {}: the random part is subtracted from it, and a jitter as "
                     "long would start a rekey right after the SA was made",
                     rand.text(), base.text()));
  return rand.given;
}

void check_volume_order(TableReader& r, std::string_view rekey_key, uint64_t rekey, std::string_view life_key,
                        uint64_t life) {
  if (rekey == 0 || life == 0 || life > rekey) return;
  r.error(life_key, fmt::format("{} ({}) must be larger than {} ({})", life_key, life, rekey_key, rekey));
}

uint64_t read_volume(TableReader& r, std::string_view key) {
  if (!r.has(key)) return 0;
  std::optional<int64_t> n = r.integer(key, 1, std::numeric_limits<int64_t>::max());
  return n ? static_cast<uint64_t>(*n) : 0;
}

}  // namespace

ike::IkeLifetimes read_ike_lifetimes(TableReader& r) {
  Time rekey = read_time(r, "rekey_time");
  Time reauth = read_time(r, "reauth_time");
  Time over = read_time(r, "over_time");
  Time rand = read_time(r, "rand_time");
  default_to(rekey, kDefaultIkeRekeyTime, "the default");
  default_to(reauth, Duration::zero(), "the default: off");
  const Duration longest = std::max(rekey.value, reauth.value);
  // A default never breaks a rule with a value the operator gave: at least twice rand_time.
  default_to(over, longest > Duration::zero() ? std::max(longest / 10, 2 * rand.value) : Duration::zero(),
             "the default: 10 % of the longer of rekey_time and reauth_time, at least twice rand_time");
  // The window a replacement has to complete in; without a hard limit, 10 % of the earlier renewal.
  Duration earliest = rekey.value;
  if (earliest <= Duration::zero() || (reauth.value > Duration::zero() && reauth.value < earliest))
    earliest = reauth.value;
  const Duration window = over.value > Duration::zero() ? over.value : earliest / 10;
  default_to(rand, std::min(window, earliest) / 2, "the default: half of over_time");

  // One problem with rand_time is enough.
  const bool reported = check_rand_below(r, rand, rekey) || check_rand_below(r, rand, reauth);
  if (!reported && all_valid({&rand, &over}) && over.value > Duration::zero() && rand.value >= over.value) {
    refuse(r, {&rand},
           fmt::format("{} must be shorter than {}: over_time is the time a rekey or reauthentication has "
                       "to complete before the IKE SA is deleted, and the jitter must leave room for it",
                       rand.text(), over.text()));
  }
  warn_not_acted_on(r, Section::ike);
  return ike::IkeLifetimes{rekey.value, reauth.value, rand.value, over.value};
}

ike::ChildLimits read_child_lifetimes(TableReader& r) {
  ike::ChildLimits limits;
  Time rekey = read_time(r, "rekey_time");
  Time life = read_time(r, "life_time");
  Time rand = read_time(r, "rand_time");
  default_to(rekey, kDefaultChildRekeyTime, "the default");
  // A default never breaks a rule with a value the operator gave: the gap is at least twice rand_time.
  default_to(life,
             rekey.value > Duration::zero() ? rekey.value + std::max(rekey.value / 10, 2 * rand.value)
                                            : Duration::zero(),
             "the default: rekey_time + 10 %, at least rekey_time + twice rand_time");
  const bool ordered = life.value > rekey.value;
  const Duration window = life.value > Duration::zero()
                              ? (ordered ? life.value - rekey.value : Duration::zero())
                              : rekey.value / 10;
  const Duration cap = rekey.value > Duration::zero() ? std::min(window, rekey.value) : window;
  default_to(rand, cap / 2, "the default: half of life_time - rekey_time");

  if (all_valid({&rekey, &life}) && rekey.value > Duration::zero() && life.value > Duration::zero() &&
      !ordered) {
    refuse(r, {&life, &rekey}, fmt::format("{} must be longer than {}", life.text(), rekey.text()));
  } else if (all_valid({&rekey, &life, &rand}) && life.value > Duration::zero() && rand.value >= window) {
    refuse(r, {&rand},
           fmt::format("{} must be shorter than life_time - rekey_time ({}; {}, {}): that is the time a "
                       "rekey has to complete before the CHILD_SA is deleted, and the jitter must leave "
                       "room for it",
                       rand.text(), format_duration(window), life.text(), rekey.text()));
  } else {
    check_rand_below(r, rand, rekey);
  }

  limits.rekey_time = rekey.value;
  limits.life_time = life.value;
  limits.rand_time = rand.value;
  limits.rekey_bytes = read_volume(r, "rekey_bytes");
  limits.life_bytes = read_volume(r, "life_bytes");
  limits.rekey_packets = read_volume(r, "rekey_packets");
  limits.life_packets = read_volume(r, "life_packets");
  check_volume_order(r, "rekey_bytes", limits.rekey_bytes, "life_bytes", limits.life_bytes);
  check_volume_order(r, "rekey_packets", limits.rekey_packets, "life_packets", limits.life_packets);
  warn_not_acted_on(r, Section::child);
  return limits;
}

}  // namespace tern::config
