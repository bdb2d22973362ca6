/* A link to the card in a reader, for the few commands inkan sends beside
 * OpenSC (the card model says which): one transaction, so that OpenSC,
 * which holds the same card, never sees half of an exchange. */
#ifndef INKAN_READER_LINK_H
#define INKAN_READER_LINK_H

#include <stddef.h>
#include <PCSC/winscard.h>
#include <inkan/error.h>

typedef struct {
	SCARDCONTEXT ctx;
	SCARDHANDLE card;
	DWORD proto;
	int in_tx;
} inkan_card_link;

/* Connect (shared) to the card in the reader named READER, in full, and
 * begin a transaction.  No card is INKAN_ERR_DEVICE_REMOVED. */
inkan_err inkan_card_link_open (const char *reader, inkan_card_link *l);

/* One APDU; *SW gets its status word.  The answer is wiped: it may echo
 * what the card was sent. */
inkan_err inkan_card_link_transmit (inkan_card_link *l, const unsigned char *apdu, size_t len, unsigned *sw);

/* End the transaction and disconnect; a closed or failed link is fine. */
void inkan_card_link_close (inkan_card_link *l);

#endif
