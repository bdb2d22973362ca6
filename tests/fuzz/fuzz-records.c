/* libFuzzer: the strict DER decoding of registration records and evidence
 * certificates, and CMS parsing in front of them. */
#include <stdint.h>
#include <stddef.h>

#include <inkan/inkan.h>
#include "src/cms/records-asn1.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	inkan_cms_check check = { 0 };
	inkan_register_record rec;
	void *v;

	v = inkan_asn1_decode_der (ASN1_ITEM_rptr (INKAN_REGISTRATION), data, size);
	INKAN_REGISTRATION_free (v);
	v = inkan_asn1_decode_der (ASN1_ITEM_rptr (INKAN_EVIDENCE), data, size);
	INKAN_EVIDENCE_free (v);
	if (inkan_register_verify (data, size, &check, NULL, 0, &rec) == INKAN_OK)
		inkan_register_record_clear (&rec);
	return 0;
}
