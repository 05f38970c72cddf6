// Releasing an IKE SA's setup state (see setup_state.h).
#include "ike/setup_state.h"

#include "ike/ike_sa.h"

namespace tern::ike {

void release_setup_state(IkeSa& sa) {
  sa.init_request = Bytes{};
  sa.init_response = Bytes{};
  sa.nonce_i = Bytes{};
  sa.nonce_r = Bytes{};
  sa.ke.reset();
  if (sa.keys) {
    sa.keys->SK_pi = SecretBytes{};
    sa.keys->SK_pr = SecretBytes{};
    sa.keys->SK_ei = SecretBytes{};
    sa.keys->SK_er = SecretBytes{};
    sa.keys->SK_ai = SecretBytes{};
    sa.keys->SK_ar = SecretBytes{};
  }
  sa.peer_ca_hashes = std::vector<Bytes>{};
}

}  // namespace tern::ike
