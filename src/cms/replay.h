/* A file of token ids already seen, each kept until its token expires. */
#ifndef INKAN_REPLAY_H
#define INKAN_REPLAY_H

#include <time.h>
#include <inkan/error.h>

/* INKAN_ERR_REJECTED when ID is in the cache at PATH and not yet expired;
 * otherwise it is added (with EXPIRES) and expired ids are dropped.  The
 * file is locked for the check-and-add, so two verifiers never both
 * accept one token. */
inkan_err inkan_replay_check_and_add (const char *path, const char *id, time_t expires, time_t now);

#endif
