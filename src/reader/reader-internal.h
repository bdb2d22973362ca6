/* Inside src/reader: the ATR table, and what list.c and watch.c share
 * about talking to the PC/SC service. */
#ifndef INKAN_READER_INTERNAL_H
#define INKAN_READER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "src/util/internal.h"

/* atr.c: 1 when ATR matches PATTERN (see the table), 0 when not, -1 when
 * PATTERN is malformed. */
int inkan_atr_match (const char *pattern, const uint8_t *atr, size_t atr_len);
/* The table's Ith pattern, NULL past the end: for the tests. */
const char *inkan_atr_table_pattern (size_t i);

#endif
