/* The audit log's format: the bytes hashed and signed, whatever store
 * holds them. */
#include <string.h>
#include <openssl/evp.h>

#include "src/audit/audit-int.h"
#include "src/util/internal.h"

static void
put_u32 (uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t) (v >> 24);
	p[1] = (uint8_t) (v >> 16);
	p[2] = (uint8_t) (v >> 8);
	p[3] = (uint8_t) v;
}

static void
put_u64 (uint8_t *p, uint64_t v)
{
	put_u32 (p, (uint32_t) (v >> 32));
	put_u32 (p + 4, (uint32_t) v);
}

/* Every variable field goes in as a 4-byte big-endian length and its
 * bytes, so no two different records encode alike ("ab","c" vs "a","bc"). */
static int
field (EVP_MD_CTX *md, const void *data, size_t len)
{
	uint8_t n[4];

	if (len > UINT32_MAX)
		return 0;
	put_u32 (n, (uint32_t) len);
	return EVP_DigestUpdate (md, n, 4) && (len == 0 || EVP_DigestUpdate (md, data, len));
}

static int
text (EVP_MD_CTX *md, const char *s)
{
	return field (md, s, strlen (s));
}

inkan_err
audit_record_hash (const inkan_audit_record *rec, uint8_t out[AUDIT_HASH_LEN])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new ();
	uint8_t num[16];
	unsigned len = 0;
	int ok;

	put_u64 (num, rec->seq);
	put_u64 (num + 8, (uint64_t) rec->time_ms);
	ok = md != NULL && EVP_DigestInit_ex (md, EVP_sha256 (), NULL) &&
	     text (md, "inkan-audit-record-v1") && EVP_DigestUpdate (md, num, sizeof num) &&
	     text (md, rec->client) && text (md, rec->key_uri) && text (md, rec->operation) &&
	     field (md, rec->digest, rec->digest_len) && text (md, rec->result) &&
	     field (md, rec->prev_hash, AUDIT_HASH_LEN) && EVP_DigestFinal_ex (md, out, &len) &&
	     len == AUDIT_HASH_LEN;
	EVP_MD_CTX_free (md);
	if (!ok)
		return inkan_fail_ossl (INKAN_ERR_CRYPTO, "%s", _("cannot hash an audit record"));
	return INKAN_OK;
}

void
audit_checkpoint_message (uint64_t seq, const uint8_t head[AUDIT_HASH_LEN], int64_t time_ms,
                          uint8_t buf[AUDIT_CHECKPOINT_MSG_MAX], size_t *len_out)
{
	static const char tag[] = "inkan-audit-checkpoint-v1";
	size_t n = 0;

	put_u32 (buf, sizeof tag - 1);
	memcpy (buf + 4, tag, sizeof tag - 1);
	n = 4 + sizeof tag - 1;
	put_u64 (buf + n, seq);
	n += 8;
	put_u32 (buf + n, AUDIT_HASH_LEN);
	memcpy (buf + n + 4, head, AUDIT_HASH_LEN);
	n += 4 + AUDIT_HASH_LEN;
	put_u64 (buf + n, (uint64_t) time_ms);
	*len_out = n + 8;
}

