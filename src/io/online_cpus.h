// How many CPUs ternd may run on: the CPUs in its affinity mask (taskset,
// cgroup cpusets), or the online CPUs when the mask cannot be read. ternd's
// `workers = "auto"` (the default) runs one worker per such CPU.
// Never fails: at least 1.
#pragma once

#include <cstdint>

namespace tern::io {

uint32_t online_cpus();

}  // namespace tern::io
