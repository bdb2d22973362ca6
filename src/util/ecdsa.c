/* ECDSA signatures between the token's r||s and X.509's DER SEQUENCE{r, s}. */
#include <stdlib.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>

#include "src/util/internal.h"
#include "src/util/ecdsa.h"

inkan_err
inkan_ecdsa_raw_to_der (const uint8_t *raw, size_t raw_len, uint8_t **der, size_t *der_len)
{
	ECDSA_SIG *sig = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *buf = NULL, *p;
	int len;
	inkan_err err = INKAN_OK;

	*der = NULL;
	*der_len = 0;
	if (raw_len == 0 || raw_len % 2 != 0 || raw_len > 2 * 1024)
		return inkan_fail (INKAN_ERR_BAD_INPUT,
		                   _("an ECDSA signature r||s of %zu bytes cannot be split in halves"),
		                   raw_len);

	sig = ECDSA_SIG_new ();
	r = BN_bin2bn (raw, (int) (raw_len / 2), NULL);
	s = BN_bin2bn (raw + raw_len / 2, (int) (raw_len / 2), NULL);
	if (sig == NULL || r == NULL || s == NULL) {
		err = inkan_fail_ossl (INKAN_ERR_NOMEM, "%s", _("cannot hold an ECDSA signature"));
		goto out;
	}
	/* set0 takes r and s, also when it fails; only on success do we stop owning them. */
	if (!ECDSA_SIG_set0 (sig, r, s)) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot hold an ECDSA signature"));
		goto out;
	}
	r = s = NULL;

	len = i2d_ECDSA_SIG (sig, NULL);
	if (len <= 0) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot encode an ECDSA signature"));
		goto out;
	}
	buf = malloc ((size_t) len);
	if (buf == NULL) {
		err = INKAN_ERR_NOMEM;
		goto out;
	}
	p = buf;
	if (i2d_ECDSA_SIG (sig, &p) != len) {
		err = inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot encode an ECDSA signature"));
		goto out;
	}
	*der = buf;
	*der_len = (size_t) len;
	buf = NULL;
out:
	free (buf);
	BN_free (r);
	BN_free (s);
	ECDSA_SIG_free (sig);
	return err;
}

inkan_err
inkan_ecdsa_der_to_raw (const uint8_t *der, size_t der_len, size_t field_len,
                        uint8_t **raw, size_t *raw_len)
{
	ECDSA_SIG *sig = NULL;
	const unsigned char *p = der;
	const BIGNUM *r, *s;
	uint8_t *buf = NULL;
	inkan_err err = INKAN_OK;

	*raw = NULL;
	*raw_len = 0;
	if (field_len == 0 || field_len > 1024 || der_len > (size_t) 0x7fffffff)
		return inkan_fail (INKAN_ERR_USAGE, _("no ECDSA field is %zu bytes long"), field_len);

	sig = d2i_ECDSA_SIG (NULL, &p, (long) der_len);
	if (sig == NULL) {
		err = inkan_fail_ossl (INKAN_ERR_BAD_INPUT, "%s", _("malformed DER ECDSA signature"));
		goto out;
	}
	/* A signature with anything after it would let two byte strings stand
	 * for one signature; refuse them. */
	if ((size_t) (p - der) != der_len) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT,
		                  _("%zu bytes after the DER ECDSA signature"),
		                  der_len - (size_t) (p - der));
		goto out;
	}
	ECDSA_SIG_get0 (sig, &r, &s);
	buf = malloc (2 * field_len);
	if (buf == NULL) {
		err = INKAN_ERR_NOMEM;
		goto out;
	}
	/* bn2binpad fails when the number does not fit the field. */
	if (BN_bn2binpad (r, buf, (int) field_len) < 0 ||
	    BN_bn2binpad (s, buf + field_len, (int) field_len) < 0) {
		err = inkan_fail (INKAN_ERR_BAD_INPUT,
		                  _("an ECDSA signature value is longer than the %zu-byte field"),
		                  field_len);
		goto out;
	}
	*raw = buf;
	*raw_len = 2 * field_len;
	buf = NULL;
out:
	free (buf);
	ECDSA_SIG_free (sig);
	return err;
}
