// load_file / load_string: the whole file in one pass (see config.h).
//
// Order: parse the TOML (toml++ reports syntax errors by throwing
// toml::parse_error; this is the one place that catches it and turns it into
// a Problem), then [daemon] (the connections need its ports and retransmit
// defaults), [[secret]], each [[connection]], and last what spans
// connections: unique names and each connection's PSK.
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config.h"
#include "config/connection_section.h"
#include "config/daemon_section.h"
#include "config/fingerprint.h"
#include "config/secrets.h"
#include "config/toml_reader.h"

namespace tern::config {
namespace {

constexpr std::string_view kTopLevelKeys[] = {"daemon", "connection", "secret"};

Unexpected<std::vector<Problem>> one_problem(Problem p) {
  return Unexpected<std::vector<Problem>>(std::vector<Problem>{std::move(p)});
}

std::optional<toml::table> parse(std::string_view text, std::string_view source_name, Problems& problems) {
  try {
    return toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    const toml::source_region& s = e.source();
    problems.error({s.begin.line, s.begin.column}, "", fmt::format("TOML syntax: {}", e.description()));
  }
  return std::nullopt;
}

void check_unique_names(const std::vector<ParsedConnection>& connections, Problems& problems) {
  for (size_t i = 0; i < connections.size(); ++i) {
    if (!connections[i].name) continue;
    for (size_t j = 0; j < i; ++j) {
      if (connections[j].name != connections[i].name) continue;
      problems.error(connections[i].name_at, connections[i].path + ".name",
                     fmt::format("duplicate connection name '{}' (first used by {} at line {})",
                                 *connections[i].name, connections[j].path, connections[j].name_at.line));
      break;
    }
  }
}

void resolve_psks(std::vector<ParsedConnection>& connections, const std::vector<PskSecret>& secrets,
                  Problems& problems) {
  for (ParsedConnection& c : connections) {
    if (!c.needs_psk) continue;
    const PskSecret* s = find_psk(secrets, c.engine.local_id, c.engine.remote_id);
    if (s == nullptr) {
      problems.error(
          c.at, c.path,
          fmt::format("no [[secret]] of type psk for ids {} and {} (add one whose ids list both, or "
                      "\"%any\")",
                      c.engine.local_id.to_string(), c.engine.remote_id.to_string()));
      continue;
    }
    c.engine.psk = s->secret;
  }
}

}  // namespace

LoadResult load_string(std::string_view toml_text, std::string_view source_name) {
  Problems problems{std::string(source_name)};
  std::optional<toml::table> root = parse(toml_text, source_name, problems);
  if (!root) return Unexpected<std::vector<Problem>>(problems.take_errors());

  TableReader top{*root, "", "", TableKind::root, problems};
  top.allow_only(kTopLevelKeys);

  Config config;
  config.source = std::string(source_name);
  config.daemon = read_daemon(top.table("daemon"), problems);
  std::vector<PskSecret> secrets = read_secrets(top);

  std::vector<ParsedConnection> parsed;
  std::vector<const toml::table*> tables = top.tables("connection");
  for (size_t i = 0; i < tables.size(); ++i)
    parsed.push_back(read_connection(*tables[i], i, config.daemon, problems));
  check_unique_names(parsed, problems);
  resolve_psks(parsed, secrets, problems);
  if (parsed.empty()) {
    problems.warn({}, "connection",
                  "no [[connection]]: ternd will start but accept and initiate nothing until one is added");
  }

  if (problems.has_errors()) return Unexpected<std::vector<Problem>>(problems.take_errors());
  for (ParsedConnection& c : parsed) {
    ConnectionSettings settings;
    settings.start_action = c.start_action;
    settings.fingerprint = fingerprint(c.engine, c.start_action, c.files_digest);
    settings.line = c.at.line;
    settings.certificates = std::move(c.certificates);
    settings.crl_files = std::move(c.crl_files);
    settings.engine = std::make_shared<const ike::ConnectionConfig>(std::move(c.engine));
    config.connections.push_back(std::move(settings));
  }
  config.warnings = problems.take_warnings();
  return config;
}

LoadResult load_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return one_problem({path, 0, 0, "", "cannot read the configuration file: it is a directory"});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return one_problem(
        {path, 0, 0, "", fmt::format("cannot read the configuration file: {}", std::strerror(errno))});
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return one_problem(
        {path, 0, 0, "", fmt::format("cannot read the configuration file: {}", std::strerror(errno))});
  }
  return load_string(text.str(), path);
}

}  // namespace tern::config
