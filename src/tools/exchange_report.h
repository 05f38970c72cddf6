// How tern-exchange-demo prints a scripted exchange (scripted_exchange.h):
// a readable summary in RFC notation, or one JSON document that the tshark
// test (tests/net/tshark_dissection_test.sh) compares with tshark's fields.
// Neither ever contains key material: keys leave the process only through the
// keylog file.
//
// JSON fields: suite, suite_detail, ike_transforms {encr, key_bits, prf, integ,
// ke} (IANA numbers), spi_i, spi_r (16 hex digits), messages[] {step, src, dst,
// exchange, exchange_name, message_id, response, initiator, length, payloads[]
// and inner[] (payload type numbers; payload_names[], inner_names[]),
// notifies[] {type, type_name, data}}, nonce_i, nonce_r (hex), ke_group (number),
// ke_group_name, ke_i, ke_r (hex), id_i / id_r {type, type_name, data},
// auth_method, esp_spi_i, esp_spi_r (8 hex digits), ts_i, ts_r, nat_detected.
//
// Who calls it: tern_exchange_demo.cc only. Cannot fail.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "tools/scripted_exchange.h"

namespace tern::tools {

nlohmann::json exchange_json(std::string_view suite_name, const ScriptedExchange& exchange);
std::string exchange_text(std::string_view suite_name, const ScriptedExchange& exchange);

}  // namespace tern::tools
