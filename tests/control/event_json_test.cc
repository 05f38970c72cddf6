// Engine events on the control socket and as `ternctl events` prints them.
#include "control/event_json.h"

#include <gtest/gtest.h>

namespace tern::control {
namespace {

TEST(EventJson, AnEventOfAnIkeSa) {
  ike::Event e{ike::EventKind::child_sa_installed, ike::IkeSaId{3}, "site-b",
               "CHILD_SA net installed: SPIs c1a2b3c4_i 0a0b0c0d_o AES_GCM_16_128/NO_ESN tunnel"};
  nlohmann::json j = event_json(e, "2025-03-01T12:00:05Z");
  EXPECT_EQ(j, nlohmann::json::parse(R"({"time": "2025-03-01T12:00:05Z", "kind": "child_sa_installed",
      "ike_sa": 3, "connection": "site-b",
      "text": "CHILD_SA net installed: SPIs c1a2b3c4_i 0a0b0c0d_o AES_GCM_16_128/NO_ESN tunnel"})"));
  EXPECT_EQ(render_event(j),
            "2025-03-01T12:00:05Z site-b[3] child_sa_installed: CHILD_SA net installed: SPIs c1a2b3c4_i "
            "0a0b0c0d_o AES_GCM_16_128/NO_ESN tunnel");
}

TEST(EventJson, AnEventWithoutSaOrConnectionHasNulls) {
  ike::Event e{ike::EventKind::message_dropped, ike::IkeSaId{}, "",
               "unparseable datagram from 192.0.2.9:500"};
  nlohmann::json j = event_json(e, "2025-03-01T12:00:06Z");
  EXPECT_TRUE(j["ike_sa"].is_null());
  EXPECT_TRUE(j["connection"].is_null());
  EXPECT_EQ(j["kind"], "message_dropped");
  EXPECT_EQ(render_event(j),
            "2025-03-01T12:00:06Z - message_dropped: unparseable datagram from 192.0.2.9:500");
}

TEST(EventJson, RenderingJunkDoesNotThrow) {
  EXPECT_EQ(render_event(nlohmann::json::array()), "- - -");
  EXPECT_EQ(render_event(nlohmann::json{{"kind", 7}, {"ike_sa", "x"}}), "- -[x] 7");
}

}  // namespace
}  // namespace tern::control
