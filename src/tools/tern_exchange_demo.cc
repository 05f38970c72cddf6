// tern-exchange-demo: runs tern's SCRIPTED IKE_SA_INIT + IKE_AUTH exchange
// (scripted_exchange.h) between two in-process parties, and writes what a
// capture and a key export would hold, so that tshark can dissect and
// decrypt tern-built messages. It stands in for the daemon (ternd), which
// does not exist yet.
//
//   tern-exchange-demo [--engine] [--suite NAME] [--pcap FILE] [--keylog FILE] [--json]
//
// --engine  run two tern engines (ike::Endpoint, engine_exchange.h) instead of
//           the scripted parties; prints the engines' events (no --json)
//
// --suite   one of demo_suites.h (default aes128gcm16-prfsha256-x25519)
// --pcap    the four datagrams, initiator 192.0.2.1:500, responder 192.0.2.2:500
// --keylog  one ikev2_decryption_table line for Wireshark (mode 0600); the only
//           place keys leave the process
// --json    print the exchange summary as JSON (exchange_report.h), else as text
//
// Called by scripts/demo.sh and tests/net/tshark_dissection_test.sh. Exit
// status 0 on success; 1 with a one-line reason on stderr if the exchange or a
// file fails; 2 for bad usage.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/random.h"
#include "tools/demo_suites.h"
#include "tools/engine_exchange.h"
#include "tools/exchange_report.h"
#include "tools/pcap_writer.h"
#include "tools/scripted_exchange.h"

namespace {

using tern::Errc;
using tern::Result;

struct Options {
  const tern::tools::NamedSuite* suite = &tern::tools::demo_suites().front();
  std::optional<std::string> pcap;
  std::optional<std::string> keylog;
  bool json = false;
  bool engine = false;  // two ike::Endpoints instead of the scripted parties
};

// Writes all of `text`; false if the stream fails (e.g. a closed pipe).
bool print(std::FILE* to, std::string_view text) {
  return std::fwrite(text.data(), 1, text.size(), to) == text.size() && std::fflush(to) == 0;
}

void usage() {
  std::string text =
      "usage: tern-exchange-demo [--engine] [--suite NAME] [--pcap FILE] [--keylog FILE] [--json]\nsuites:";
  for (const auto& s : tern::tools::demo_suites()) text += " " + std::string(s.name);
  (void)print(stderr, text + "\n");
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--json") {
      o.json = true;
    } else if (arg == "--engine") {
      o.engine = true;
    } else if (arg == "--suite" && has_value) {
      o.suite = tern::tools::find_demo_suite(argv[++i]);
      if (o.suite == nullptr) {
        (void)print(stderr, "tern-exchange-demo: unknown suite " + std::string(argv[i]) + "\n");
        return std::nullopt;
      }
    } else if (arg == "--pcap" && has_value) {
      o.pcap = argv[++i];
    } else if (arg == "--keylog" && has_value) {
      o.keylog = argv[++i];
    } else {
      return std::nullopt;
    }
  }
  if (o.engine && o.json) return std::nullopt;  // the JSON summary describes the scripted exchange
  return o;
}

template <typename Datagrams>
Result<void> write_pcap(const std::string& path, const Datagrams& datagrams) {
  auto writer = tern::tools::PcapWriter::create(path);
  if (!writer) return tern::fail(writer.error());
  const auto now = static_cast<uint32_t>(std::time(nullptr));
  for (const auto& d : datagrams) {
    if (auto ok = writer->write_udp(d.src, d.dst, d.bytes, now); !ok) return tern::fail(ok.error());
  }
  return {};
}

// The keylog holds keys: created 0600, never printed.
Result<void> write_keylog(const std::string& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return tern::fail(Errc::io_error, "cannot create " + path);
  const std::string text = line + "\n";
  const ssize_t written = ::write(fd, text.data(), text.size());
  const bool closed = ::close(fd) == 0;
  if (written != static_cast<ssize_t>(text.size()) || !closed)
    return tern::fail(Errc::io_error, "cannot write " + path);
  return {};
}

int die(const tern::Error& e) {
  (void)print(stderr, "tern-exchange-demo: " + e.to_string() + "\n");
  return 1;
}

// --engine: the real state machine (ike::Endpoint) on both ends.
int run_engines(const Options& options) {
  tern::crypto::OpenSslRandom random;
  auto exchange = tern::tools::run_engine_exchange(options.suite->suite, random);
  if (!exchange) return die(exchange.error());
  if (options.pcap) {
    if (auto ok = write_pcap(*options.pcap, exchange->datagrams); !ok) return die(ok.error());
  }
  if (options.keylog && !exchange->keylog.empty()) {
    // Both engines export the same IKE SA; one line is enough for Wireshark.
    if (auto ok = write_keylog(*options.keylog, exchange->keylog.front()); !ok) return die(ok.error());
  }
  std::string text = std::string("tern engines (ike::Endpoint x2), suite ") +
                     std::string(options.suite->name) + ", " + std::to_string(exchange->datagrams.size()) +
                     " datagrams\n";
  for (const auto& event : exchange->events) text += "  " + event + "\n";
  if (!print(stdout, text)) return die(tern::Error::drop(Errc::io_error, "cannot write the summary"));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse_options(argc, argv);
  if (!options) {
    usage();
    return 2;
  }
  if (options->engine) return run_engines(*options);
  tern::tools::ScriptedExchangeConfig config;
  config.suite = options->suite->suite;
  tern::crypto::OpenSslRandom random;
  auto exchange = tern::tools::run_scripted_exchange(config, random);
  if (!exchange) return die(exchange.error());

  if (options->pcap) {
    if (auto ok = write_pcap(*options->pcap, exchange->datagrams); !ok) return die(ok.error());
  }
  if (options->keylog) {
    if (auto ok = write_keylog(*options->keylog, exchange->keylog_line); !ok) return die(ok.error());
  }
  const std::string text = options->json
                               ? tern::tools::exchange_json(options->suite->name, *exchange)
                                         .dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
                                     "\n"
                               : tern::tools::exchange_text(options->suite->name, *exchange);
  if (!print(stdout, text)) return die(tern::Error::drop(Errc::io_error, "cannot write the summary"));
  return 0;
}
