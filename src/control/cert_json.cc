// See cert_json.h.
#include "control/cert_json.h"

#include <fmt/format.h>

#include <chrono>

namespace tern::control {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kSoonDays = 30;

std::string utc_text(int64_t unix_seconds) {
  const std::chrono::sys_seconds t{std::chrono::seconds{unix_seconds}};
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string text_field(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string("?");
}

}  // namespace

nlohmann::json list_certs_json(const std::vector<CertListing>& certs, int64_t now) {
  nlohmann::json out = nlohmann::json::array();
  for (const CertListing& c : certs) {
    const int64_t left = c.not_after - now;
    // Whole days, rounded towards minus infinity: 0 on the last day, -1 the day after.
    const int64_t days = left >= 0 ? left / kDay : -((-left + kDay - 1) / kDay);
    const char* state = left <= 0 ? "expired" : days < kSoonDays ? "expires soon" : "valid";
    out.push_back({{"connection", c.connection},
                   {"role", c.role},
                   {"subject", c.subject},
                   {"issuer", c.issuer},
                   {"not_after", utc_text(c.not_after)},
                   {"file", c.file},
                   {"state", state},
                   {"days_left", days}});
  }
  return out;
}

std::string render_certs(const nlohmann::json& list) {
  if (!list.is_array()) return "list-certs answer is not a list of certificates\n";
  if (list.empty()) return "no certificates loaded (no connection uses auth = \"pubkey\")\n";
  std::string out;
  for (const nlohmann::json& c : list) {
    const auto days = c.find("days_left");
    out +=
        fmt::format("{} {} {}\n  subject   {}\n  issuer    {}\n  not after {} ({}{})\n  file      {}\n",
                    text_field(c, "connection"), text_field(c, "role"), text_field(c, "state"),
                    text_field(c, "subject"), text_field(c, "issuer"), text_field(c, "not_after"),
                    days != c.end() && days->is_number_integer() ? std::to_string(days->get<int64_t>()) : "?",
                    " days left", text_field(c, "file"));
  }
  return out;
}

}  // namespace tern::control
