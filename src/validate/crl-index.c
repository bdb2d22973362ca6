/* A CRL's serials, sorted once, so that each lookup is a binary search
 * however long the CRL is.  OpenSSL's own lookup sorts the entries too,
 * but through pointers to each entry's ASN1_INTEGER; here the keys are
 * inline and most comparisons touch only the array. */
#include <stdlib.h>
#include <string.h>

#include "src/validate/vint.h"

static void
key_of (const ASN1_INTEGER *serial, crl_key *k)
{
	const unsigned char *data = ASN1_STRING_get0_data (serial);
	int len = ASN1_STRING_length (serial), i;

	/* Leading zero bytes do not change the value (DER has none, but CRLs in the wild do). */
	while (len > 1 && data[0] == 0) {
		data++;
		len--;
	}
	k->neg = ASN1_STRING_type (serial) == V_ASN1_NEG_INTEGER;
	k->len = len;
	k->data = data;
	k->head = 0;
	for (i = 0; i < 8; i++)
		k->head = (k->head << 8) | (i < len ? data[i] : 0);
}

/* Magnitude order, flipped for negatives: the order of the integers. */
static int
key_cmp (const crl_key *a, const crl_key *b)
{
	int c;

	if (a->neg != b->neg)
		return a->neg ? -1 : 1;
	if (a->len != b->len)
		c = a->len < b->len ? -1 : 1;
	else if (a->head != b->head)
		c = a->head < b->head ? -1 : 1;
	else
		c = a->len <= 8 ? 0 : memcmp (a->data + 8, b->data + 8, (size_t) a->len - 8);
	return a->neg ? -c : c;
}

static int
by_key (const void *pa, const void *pb)
{
	return key_cmp (pa, pb);
}

inkan_err
crl_index_new (X509_CRL *crl, crl_index **out)
{
	STACK_OF(X509_REVOKED) *list = X509_CRL_get_REVOKED (crl);
	crl_index *idx = calloc (1, sizeof *idx);
	size_t i;
	int sorted = 1;

	if (idx == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	/* A CRL that lists nothing has no list at all. */
	idx->n = list != NULL ? (size_t) sk_X509_REVOKED_num (list) : 0;
	idx->keys = malloc ((idx->n ? idx->n : 1) * sizeof *idx->keys);
	if (idx->keys == NULL) {
		free (idx);
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	for (i = 0; i < idx->n; i++) {
		idx->keys[i].revoked = sk_X509_REVOKED_value (list, (int) i);
		key_of (X509_REVOKED_get0_serialNumber (idx->keys[i].revoked), &idx->keys[i]);
		if (i > 0 && sorted && key_cmp (&idx->keys[i - 1], &idx->keys[i]) > 0)
			sorted = 0;
	}
	/* CAs mostly issue CRLs already in serial order: then there is nothing to sort. */
	if (!sorted)
		qsort (idx->keys, idx->n, sizeof *idx->keys, by_key);
	idx->crl = crl;
	atomic_init (&idx->refs, 1);
	*out = idx;
	return INKAN_OK;
}

crl_index *
crl_index_ref (crl_index *idx)
{
	atomic_fetch_add (&idx->refs, 1);
	return idx;
}

int
crl_index_stale (const crl_index *idx, time_t at)
{
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate (idx->crl);

	return next != NULL && time_of (next) + SKEW_SECONDS < at;
}

void
crl_index_free (crl_index *idx)
{
	if (idx == NULL || atomic_fetch_sub (&idx->refs, 1) != 1)
		return;
	X509_CRL_free (idx->crl);
	free (idx->keys);
	free (idx);
}

const X509_REVOKED *
crl_index_find (const crl_index *idx, const ASN1_INTEGER *serial)
{
	size_t lo = 0, hi = idx->n;
	crl_key want;

	key_of (serial, &want);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = key_cmp (&idx->keys[mid], &want);

		if (c == 0)
			return idx->keys[mid].revoked;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
