// ternctl: the command line for a running ternd (DESIGN.md "Contracts",
// docs/control.md). Each command is one request line on the control socket
// and one answer line (events: a stream of lines until interrupted).
//
//   ternctl [--socket PATH] up CONN[/CHILD] [--timeout S]
//   ternctl down CONN[/CHILD] | rekey [--reauth] CONN[/CHILD] | status | list-sas [--json]
//   ternctl reload | stats [--json] | events [--json]
//
// The socket is --socket, else $TERN_CONTROL_SOCKET, else /run/tern/control.sock.
// Exit status: 0 on success; 1 with one line on stderr ("ternctl: up site-b
// failed: <reason>") when ternd refuses, the outcome is a failure or ternd
// cannot be reached; 2 for usage errors.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "control/cert_json.h"
#include "control/event_json.h"
#include "control/request.h"
#include "control/response.h"
#include "control/stats_json.h"
#include "control/status_table.h"
#include "io/control_client.h"

namespace tern {
namespace {

using control::Request;
using Kind = Request::Kind;

constexpr const char* kDefaultSocket = "/run/tern/control.sock";
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
// How long commands other than `up` wait for their answer.
constexpr Duration kAnswerTimeout = seconds(30);

std::string default_socket() {
  const char* env = std::getenv("TERN_CONTROL_SOCKET");
  return env != nullptr && *env != '\0' ? env : kDefaultSocket;
}

// What the user asked, for error messages: "up site-b/net", "status".
std::string what(const Request& request, std::string_view verb) {
  std::string out(verb);
  if (!request.connection.empty()) out += " " + request.connection;
  if (!request.child.empty()) out += "/" + request.child;
  return out;
}

int failed(const std::string& command, const std::string& reason) {
  fmt::print(stderr, "ternctl: {} failed: {}\n", command, reason);
  return kExitFailure;
}

int usage(const std::string& message) {
  fmt::print(stderr, "ternctl: {}\nRun with --help for more information.\n", message);
  return kExitUsage;
}

// CONN or CONN/CHILD into the request; false when malformed.
bool parse_target(const std::string& target, bool child_allowed, Request& request) {
  const size_t slash = target.find('/');
  request.connection = target.substr(0, slash);
  if (slash != std::string::npos) request.child = target.substr(slash + 1);
  if (request.connection.empty()) return false;
  if (slash == std::string::npos) return true;
  return child_allowed && !request.child.empty() && request.child.find('/') == std::string::npos;
}

// One request, one answer: the result, or the reason it failed.
Result<nlohmann::json> ask(const std::string& socket, const Request& request, Duration timeout) {
  Result<io::ControlClient> client = io::ControlClient::connect(socket);
  if (!client) return fail(client.error());
  if (Result<void> sent = client->send_line(control::encode_request(request)); !sent)
    return fail(sent.error());
  Result<std::string> line = client->read_line(timeout);
  if (!line) return fail(line.error());
  return control::parse_response(*line);
}

// What to print for a result that is not a table: its message.
std::string result_text(const nlohmann::json& result) {
  if (result.is_string()) return result.get<std::string>();
  if (result.is_object()) {
    auto message = result.find("message");
    if (message != result.end() && message->is_string()) return message->get<std::string>();
  }
  if (result.is_null()) return {};
  return control::dump_json(result, 2);
}

void print_line(const std::string& text) {
  if (text.empty()) return;
  std::fputs(text.c_str(), stdout);
  if (text.back() != '\n') std::fputc('\n', stdout);
  std::fflush(stdout);
}

int run_events(const std::string& socket, bool json) {
  const Request request{Kind::events, "", ""};
  Result<io::ControlClient> client = io::ControlClient::connect(socket);
  if (!client) return failed("events", client.error().detail);
  if (Result<void> sent = client->send_line(control::encode_request(request)); !sent)
    return failed("events", sent.error().detail);
  Result<std::string> first = client->read_line(kAnswerTimeout);
  if (!first) return failed("events", first.error().detail);
  Result<nlohmann::json> following = control::parse_response(*first);
  if (!following) return failed("events", following.error().detail);
  for (;;) {  // until interrupted (SIGINT) or ternd goes away
    Result<std::string> line = client->read_line(Duration::max());
    if (!line) return failed("events", line.error().detail);
    Result<nlohmann::json> event = control::parse_event_line(*line);
    if (!event) return failed("events", event.error().detail);
    print_line(json ? control::dump_json(*event) : control::render_event(*event));
  }
}

int run(const std::string& socket, const Request& request, Duration timeout, bool json,
        std::string_view verb) {
  Result<nlohmann::json> result = ask(socket, request, timeout);
  if (!result) {
    std::string reason = result.error().detail;
    if (request.kind == Kind::up && reason.starts_with("no answer from ternd"))
      reason += " (the setup may still complete: see `ternctl status` and `ternctl events`)";
    return failed(what(request, verb), reason);
  }
  switch (request.kind) {
    case Kind::list_sas:
      print_line(json ? control::dump_json(*result, 2) : control::render_status(*result));
      break;
    case Kind::stats:
      print_line(json ? control::dump_json(*result, 2) : control::render_stats(*result));
      break;
    case Kind::list_certs:
      print_line(json ? control::dump_json(*result, 2) : control::render_certs(*result));
      break;
    default: print_line(result_text(*result)); break;
  }
  return 0;
}

int main_with_args(int argc, char** argv) {
  CLI::App app{"ternctl: control a running ternd (IKEv2 VPN daemon)", "ternctl"};
  app.require_subcommand(1, 1);
  std::string socket = default_socket();
  app.add_option(
      "--socket", socket,
      "ternd's control socket (default: $TERN_CONTROL_SOCKET or " + std::string(kDefaultSocket) + ")");

  std::string up_target, down_target, rekey_target;
  double up_timeout_s = 30;
  CLI::App* up = app.add_subcommand(
      "up", "initiate CONN (and its CHILD_SAs), or one CHILD_SA of it, and wait for the outcome");
  up->add_option("CONN[/CHILD]", up_target, "connection, optionally /child")->required();
  up->add_option("--timeout", up_timeout_s, "seconds to wait for the outcome (default 30)");
  CLI::App* down = app.add_subcommand("down", "delete every IKE SA of CONN, or one CHILD_SA of it");
  down->add_option("CONN[/CHILD]", down_target, "connection, optionally /child")->required();
  CLI::App* rekey = app.add_subcommand("rekey", "rekey the IKE SA of CONN, or its CHILD_SA");
  rekey->add_option("CONN[/CHILD]", rekey_target, "connection, optionally /child")->required();
  bool rekey_reauth = false;
  rekey->add_flag("--reauth", rekey_reauth,
                  "reauthenticate the IKE SA instead: a new IKE SA and CHILD_SAs, then the old ones go");
  CLI::App* status = app.add_subcommand("status", "IKE SAs and CHILD_SAs as a table");
  bool list_json = false, stats_json = false, events_json = false;
  CLI::App* list_sas = app.add_subcommand("list-sas", "IKE SAs and CHILD_SAs (--json: the JSON document)");
  list_sas->add_flag("--json", list_json, "print JSON");
  bool certs_json = false;
  CLI::App* list_certs =
      app.add_subcommand("list-certs", "loaded certificates with their expiry (--json: the JSON document)");
  list_certs->add_flag("--json", certs_json, "print JSON");
  CLI::App* reload = app.add_subcommand("reload", "reload the configuration file");
  CLI::App* stats = app.add_subcommand("stats", "counters and teardown reasons");
  stats->add_flag("--json", stats_json, "print JSON");
  CLI::App* events = app.add_subcommand("events", "follow engine events until interrupted");
  events->add_flag("--json", events_json, "print each event as JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }

  Request request;
  if (*up) {
    request.kind = Kind::up;
    if (!parse_target(up_target, true, request))
      return usage("up: expected CONN or CONN/CHILD, got '" + up_target + "'");
    if (!(up_timeout_s > 0 && up_timeout_s <= 86400)) return usage("up: --timeout must be 0 < S <= 86400");
    auto timeout = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(up_timeout_s));
    return run(socket, request, timeout, false, "up");
  }
  if (*down) {
    request.kind = Kind::down;
    if (!parse_target(down_target, true, request))
      return usage("down: expected CONN or CONN/CHILD, got '" + down_target + "'");
  } else if (*rekey) {
    request.kind = Kind::rekey;
    if (!parse_target(rekey_target, true, request))
      return usage("rekey: expected CONN or CONN/CHILD, got '" + rekey_target + "'");
    request.reauth = rekey_reauth;
    if (rekey_reauth && !request.child.empty())
      return usage("rekey --reauth: name the connection, not a child");
  } else if (*status) {
    request.kind = Kind::list_sas;
  } else if (*list_sas) {
    request.kind = Kind::list_sas;
    return run(socket, request, kAnswerTimeout, list_json, "list-sas");
  } else if (*list_certs) {
    request.kind = Kind::list_certs;
    return run(socket, request, kAnswerTimeout, certs_json, "list-certs");
  } else if (*reload) {
    request.kind = Kind::reload;
  } else if (*stats) {
    request.kind = Kind::stats;
    return run(socket, request, kAnswerTimeout, stats_json, "stats");
  } else if (*events) {
    return run_events(socket, events_json);
  }
  return run(socket, request, kAnswerTimeout, false, *status ? "status" : control::to_string(request.kind));
}

}  // namespace
}  // namespace tern

int main(int argc, char** argv) {
  return tern::main_with_args(argc, argv);
}
