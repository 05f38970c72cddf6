// malloc_count.so: an LD_PRELOAD counter of malloc/calloc/realloc calls for
// bench/control_plane.sh (MALLOC_COUNT=1): on SIGUSR2 the process writes the
// count so far to the file $MALLOC_COUNT_FILE; the script reads it before and
// after a run and prints allocations per setup. Counting only (the calls go
// on to glibc's allocator); a relaxed atomic, so threads may race the dump by
// a few counts. Build: cc -O2 -shared -fPIC -o malloc_count.so malloc_count.c
#define _GNU_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

extern void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);

static atomic_ulong calls;

void* malloc(size_t n) {
  atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
  return __libc_malloc(n);
}
void* calloc(size_t count, size_t size) {
  atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
  return __libc_calloc(count, size);
}
void* realloc(void* p, size_t n) {
  atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
  return __libc_realloc(p, n);
}

static void dump(int sig) {
  (void)sig;
  const char* path = getenv("MALLOC_COUNT_FILE");
  if (path == NULL) return;
  FILE* out = fopen(path, "w");  // not async-signal-safe; good enough for a benchmark probe
  if (out == NULL) return;
  fprintf(out, "%lu\n", atomic_load(&calls));
  fclose(out);
}

__attribute__((constructor)) static void install(void) {
  signal(SIGUSR2, dump);
}
