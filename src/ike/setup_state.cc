// Releasing an IKE SA's setup state (see setup_state.h).
#include "ike/setup_state.h"

#include "ike/ike_sa.h"

namespace tern::ike {

void release_setup_state(IkeSa& sa) {
  sa.release_setup();
}

}  // namespace tern::ike
