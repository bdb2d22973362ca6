/* The monotonic clock, in one place. */
#include <time.h>

#include <inkan/clock.h>

int64_t
inkan_monotonic_ns (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}
