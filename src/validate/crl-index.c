/* A CRL's serials, sorted once, so that each lookup is a binary search
 * however long the CRL is. */
#include <stdlib.h>
#include <openssl/x509.h>

#include "src/validate/vint.h"

static int
by_serial (const void *a, const void *b)
{
	const X509_REVOKED *const *ra = a, *const *rb = b;

	return ASN1_INTEGER_cmp (X509_REVOKED_get0_serialNumber (*ra),
	                         X509_REVOKED_get0_serialNumber (*rb));
}

inkan_err
crl_index_new (X509_CRL *crl, crl_index **out)
{
	STACK_OF(X509_REVOKED) *list = X509_CRL_get_REVOKED (crl);
	crl_index *idx = calloc (1, sizeof *idx);
	size_t i;

	if (idx == NULL)
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	idx->n = (size_t) sk_X509_REVOKED_num (list);
	idx->revoked = malloc ((idx->n ? idx->n : 1) * sizeof *idx->revoked);
	if (idx->revoked == NULL) {
		free (idx);
		return inkan_fail (INKAN_ERR_NOMEM, "%s", _("out of memory"));
	}
	for (i = 0; i < idx->n; i++)
		idx->revoked[i] = sk_X509_REVOKED_value (list, (int) i);
	qsort (idx->revoked, idx->n, sizeof *idx->revoked, by_serial);
	idx->crl = crl;
	*out = idx;
	return INKAN_OK;
}

void
crl_index_free (crl_index *idx)
{
	if (idx == NULL)
		return;
	X509_CRL_free (idx->crl);
	free (idx->revoked);
	free (idx);
}

const X509_REVOKED *
crl_index_find (const crl_index *idx, const ASN1_INTEGER *serial)
{
	size_t lo = 0, hi = idx->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ASN1_INTEGER_cmp (X509_REVOKED_get0_serialNumber (idx->revoked[mid]), serial);

		if (c == 0)
			return idx->revoked[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
