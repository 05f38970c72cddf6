// tern-load: an IKEv2 load generator (docs/tern-load.md). Thousands of
// initiators from one process, against tern or any other IKEv2 responder;
// prints setups/s, latency percentiles, retransmits and failures by reason,
// as text or JSON (--json). Always bounded: no setup starts after
// --duration, and each one is over by --timeout.
//
// Exit status: 0 when every setup succeeded, 1 when some failed or the run
// could not start (one line on stderr), 2 for bad usage.
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "tools/load_options.h"
#include "tools/load_report.h"
#include "tools/load_runner.h"

namespace {

void print(std::FILE* to, const std::string& text) {
  (void)std::fwrite(text.data(), 1, text.size(), to);
  (void)std::fflush(to);
}

std::string absolute(const std::string& path) {
  return path.empty() ? path : std::filesystem::absolute(path).string();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  tern::Result<tern::tools::LoadOptions> options = tern::tools::parse_load_options(args);
  if (!options) {
    print(stderr, "tern-load: " + options.error().detail + "\n" + tern::tools::load_usage());
    return 2;
  }
  if (options->help) {
    print(stdout, tern::tools::load_usage());
    return 0;
  }
  // config/ resolves paths against the file's directory; ours has none.
  options->cert = absolute(options->cert);
  options->key = absolute(options->key);
  for (std::string& ca : options->cacerts) ca = absolute(ca);
  tern::config::LoadResult loaded =
      tern::config::load_string(tern::tools::connection_toml(*options), "tern-load options");
  if (!loaded) {
    std::string text = "tern-load: the options do not make a valid connection:\n";
    for (const tern::config::Problem& p : loaded.error()) text += "  " + p.to_string() + "\n";
    print(stderr, text);
    return 2;
  }
  std::vector<std::shared_ptr<const tern::ike::ConnectionConfig>> connections;
  for (const tern::config::ConnectionSettings& c : loaded->connections) {
    auto engine = std::make_shared<tern::ike::ConnectionConfig>(*c.engine);
    engine->initial_contact = false;  // the SAs share identities: none may replace the others
    connections.push_back(std::move(engine));
  }
  tern::Result<tern::tools::LoadReport> report =
      tern::tools::run_load(*options, std::move(connections), loaded->endpoint_config());
  if (!report) {
    print(stderr, "tern-load: " + report.error().detail + "\n");
    return 1;
  }
  print(stdout, options->json ? tern::tools::report_json(*report) + "\n" : tern::tools::report_text(*report));
  return report->failed == 0 && report->succeeded == report->started ? 0 : 1;
}
