/* inkan — the one monotonic clock the library and its programs measure
 * timeouts, deadlines and latencies with. */
#ifndef INKAN_CLOCK_H
#define INKAN_CLOCK_H

#include <stdint.h>
#include <inkan/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Nanoseconds of CLOCK_MONOTONIC: only differences mean anything; it
 * never jumps when the wall clock is set. */
INKAN_API int64_t inkan_monotonic_ns (void);

#ifdef __cplusplus
}
#endif

#endif
