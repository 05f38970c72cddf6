// encode_exact: building a structure with a ByteWriter in one allocation.
#pragma once

#include "base/byte_writer.h"
#include "base/bytes.h"

namespace tern {

// Encodes with `write(ByteWriter&)` into a per-thread scratch buffer, whose
// capacity is kept from call to call, and returns an exactly sized copy with
// room for `spare` more octets: one allocation per encoded structure where
// writing into an empty Bytes grows it (and reallocates) a dozen times.
template <typename Write>
Bytes encode_exact(Write&& write, size_t spare = 0) {
  constexpr size_t kKeepAtMost = 65536;  // a larger scratch (certificates) is given back
  thread_local Bytes scratch;
  scratch.clear();
  ByteWriter w{scratch};
  write(w);
  Bytes out;
  out.reserve(scratch.size() + spare);
  out.assign(scratch.begin(), scratch.end());
  if (scratch.capacity() > kKeepAtMost) Bytes().swap(scratch);
  return out;
}

}  // namespace tern
