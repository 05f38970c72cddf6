// See online_cpus.h.
#include "io/online_cpus.h"

#include <sched.h>
#include <unistd.h>

namespace tern::io {

uint32_t online_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  long count = 0;
  if (sched_getaffinity(0, sizeof set, &set) == 0) count = CPU_COUNT(&set);
  if (count <= 0) count = sysconf(_SC_NPROCESSORS_ONLN);
  return count > 0 ? static_cast<uint32_t>(count) : 1U;
}

}  // namespace tern::io
