// See up_tracker.h.
#include "control/up_tracker.h"

#include <fmt/format.h>

namespace tern::control {
namespace {

using ike::EventKind;

constexpr std::string_view kChildPrefix = "CHILD_SA ";

// The child an engine text names: "CHILD_SA net installed: ..." or
// "CHILD_SA net: ..."; empty when it names none ("CHILD_SA key derivation
// failed: ..." names none: a name is followed by ':' or " installed").
std::string named_child(std::string_view text) {
  if (text.substr(0, kChildPrefix.size()) != kChildPrefix) return {};
  text.remove_prefix(kChildPrefix.size());
  size_t end = text.find_first_of(" :");
  if (end == std::string_view::npos || end == 0) return {};
  std::string_view rest = text.substr(end);
  if (rest.substr(0, 1) == ":" || rest.substr(0, 10) == " installed") return std::string(text.substr(0, end));
  return {};
}

}  // namespace

UpTracker::UpTracker(std::string connection, std::string child)
    : connection_(std::move(connection)), child_(std::move(child)) {}

std::string UpTracker::sa_name() const {
  if (ike_sa_ == ike::IkeSaId{}) return connection_;
  return fmt::format("{}[{}]", connection_, static_cast<uint64_t>(ike_sa_));
}

std::optional<UpOutcome> UpTracker::finish(bool ok, std::string message) {
  done_ = true;
  return UpOutcome{ok, std::move(message), ike_sa_};
}

std::optional<UpOutcome> UpTracker::on_event(const ike::Event& event) {
  if (done_ || event.connection != connection_) return std::nullopt;
  if (ike_sa_ == ike::IkeSaId{} && event.ike_sa != ike::IkeSaId{}) ike_sa_ = event.ike_sa;
  if (event.ike_sa != ike_sa_) return std::nullopt;

  const std::string child = named_child(event.text);
  switch (event.kind) {
    case EventKind::child_sa_installed:
      if (!child_.empty() && child != child_) return std::nullopt;  // another child of the same IKE SA
      return finish(true, fmt::format("IKE SA {} established, CHILD_SA {} installed", sa_name(),
                                      child.empty() ? child_ : child));
    case EventKind::child_sa_failed:
      // A failure that names another child is not ours; one that names none is.
      if (!child_.empty() && !child.empty() && child != child_) return std::nullopt;
      return finish(false, fmt::format("IKE SA {} {}CHILD_SA failed: {}", sa_name(),
                                       established_ ? "established, but " : "", event.text));
    case EventKind::proposal_mismatch:
      return finish(false, fmt::format("IKE SA {}: proposal mismatch: {}", sa_name(), event.text));
    case EventKind::authentication_failed:
      return finish(false, fmt::format("IKE SA {}: authentication failed: {}", sa_name(), event.text));
    case EventKind::ike_sa_destroyed:
      return finish(false, fmt::format("IKE SA {} destroyed: {}", sa_name(), event.text));
    case EventKind::ike_sa_established:
      established_ = true;
      last_progress_ = event.text;
      return std::nullopt;
    case EventKind::invalid_ke_retry:
    case EventKind::retransmit: last_progress_ = event.text; return std::nullopt;
    default: return std::nullopt;
  }
}

std::string UpTracker::timeout_message(std::string_view waited) const {
  std::string message = established_
                            ? fmt::format("IKE SA {} established, but no CHILD_SA {}installed within {}",
                                          sa_name(), child_.empty() ? "" : child_ + " ", waited)
                            : fmt::format("IKE SA {} not established within {}", sa_name(), waited);
  if (!last_progress_.empty()) message += " (last: " + last_progress_ + ")";
  return message;
}

nlohmann::json up_result_json(const UpOutcome& outcome) {
  const auto id = static_cast<uint64_t>(outcome.ike_sa);
  return {{"ike_sa", id == 0 ? nlohmann::json(nullptr) : nlohmann::json(id)}, {"message", outcome.message}};
}

}  // namespace tern::control
