// ternd — the tern IKEv2 daemon.
//
//   ternd --config /etc/tern/tern.toml        run (foreground; logs on stderr)
//   ternd --check-config /etc/tern/tern.toml  validate the file and exit
//
// Exit status: 0 after a clean shutdown (SIGTERM/SIGINT) or a valid
// --check-config; 1 when the configuration is refused (one line per problem,
// file:line: key: what is wrong) or the daemon cannot start (a port in use, a
// control socket owned by a running ternd); 2 for usage errors.
#include <CLI/CLI.hpp>
#include <asio/io_context.hpp>
#include <bit>
#include <cstdio>
#include <string>

#include "config/config.h"
#include "crypto/x509_certificate.h"
#include "daemon/daemon.h"
#include "daemon/log_sink.h"
#include "io/clock.h"
#include "io/privileges.h"

namespace {

void print_problems(const std::vector<tern::config::Problem>& problems, const char* label) {
  for (const tern::config::Problem& p : problems)
    std::fprintf(stderr, "ternd: %s%s\n", label, p.to_string().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ternd: the tern IKEv2 daemon"};
  std::string config_path;
  std::string check_path;
  auto* run = app.add_option("--config,-c", config_path, "run with this TOML configuration file");
  auto* check = app.add_option("--check-config", check_path, "validate this configuration file and exit");
  run->excludes(check);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (config_path.empty() && check_path.empty()) {
    std::fprintf(stderr, "ternd: give --config FILE (or --check-config FILE); see --help\n");
    return 2;
  }

  const std::string path = check_path.empty() ? config_path : check_path;
  tern::config::LoadResult loaded = tern::config::load_file(path);
  if (!loaded) {
    print_problems(loaded.error(), "");
    std::fprintf(stderr, "ternd: %s: %zu problem(s); configuration refused\n", path.c_str(),
                 loaded.error().size());
    return 1;
  }
  if (!check_path.empty()) {
    print_problems(loaded->warnings, "warning: ");
    std::printf("%s: OK (%zu connection(s))\n", path.c_str(), loaded->connections.size());
    // auth = "pubkey": what was loaded, so that a wrong file shows before the first IKE_AUTH.
    for (const tern::config::ConnectionSettings& c : loaded->connections) {
      for (const tern::config::LoadedCertificate& cert : c.certificates) {
        const std::string expires =
            tern::crypto::format_wall_time(tern::crypto::WallTime{std::chrono::seconds{cert.not_after}});
        std::printf("  %s: %s certificate %s (%s, expires %s)\n", c.engine->name.c_str(),
                    std::string(to_string(cert.role)).c_str(), cert.subject.c_str(), cert.file.c_str(),
                    expires.c_str());
      }
      for (const std::string& crl : c.crl_files)
        std::printf("  %s: CRL %s\n", c.engine->name.c_str(), crl.c_str());
    }
    return 0;
  }

  tern::io::Clock log_clock;
  tern::daemon::install_stderr_log(tern::daemon::detect_log_style(), loaded->daemon.log_level,
                                   [&log_clock] { return log_clock.wall_now(); });
  for (const tern::config::Problem& w : loaded->warnings)
    TERN_LOG(tern::LogLevel::warning, "config", "{}", w.to_string());

  asio::io_context io;
  tern::Result<std::unique_ptr<tern::daemon::Daemon>> daemon =
      tern::daemon::Daemon::create(io, std::move(*loaded), path);
  if (!daemon) {
    TERN_LOG(tern::LogLevel::error, "ternd", "cannot start: {}", daemon.error().detail);
    return 1;
  }
  // Sockets, the TUN device, the control socket and the keylog are open: keep
  // only what the running daemon needs (io/privileges.h).
  tern::Result<tern::io::PrivilegeReport> dropped =
      tern::io::drop_privileges(uint64_t{1} << tern::io::kCapNetAdmin | uint64_t{1} << tern::io::kCapNetRaw);
  if (!dropped) {
    TERN_LOG(tern::LogLevel::error, "ternd", "cannot start: {}", dropped.error().detail);
    return 1;
  }
  TERN_LOG(tern::LogLevel::info, "ternd",
           "privileges: kept {}; dropped {} other capabilities{}; no new privileges",
           tern::io::capability_names(dropped->kept), std::popcount(dropped->dropped),
           dropped->bounding_set_reduced ? " (also from the bounding set)" : "");
  (*daemon)->start();
  io.run();
  return 0;
}
