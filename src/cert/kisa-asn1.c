/* KISA's identity data (the VID) in NPKI certificates, by OpenSSL's ASN.1
 * templates:  IdentifyData ::= SEQUENCE { realName UTF8String,
 *   userInfos SEQUENCE OF SEQUENCE { type OBJECT IDENTIFIER, vid VID } }
 *   VID ::= SEQUENCE { hashAlg AlgorithmIdentifier, virtualID [0] EXPLICIT OCTET STRING } */
#include "src/cert/certint.h"

ASN1_SEQUENCE (KISA_VID) = {
	ASN1_SIMPLE (KISA_VID, hash_alg, X509_ALGOR),
	ASN1_EXP (KISA_VID, virtual_id, ASN1_OCTET_STRING, 0),
} ASN1_SEQUENCE_END (KISA_VID)

ASN1_SEQUENCE (KISA_VID_INFO) = {
	ASN1_SIMPLE (KISA_VID_INFO, type, ASN1_OBJECT),
	ASN1_SIMPLE (KISA_VID_INFO, vid, KISA_VID),
} ASN1_SEQUENCE_END (KISA_VID_INFO)

ASN1_SEQUENCE (KISA_IDENTIFY_DATA) = {
	ASN1_SIMPLE (KISA_IDENTIFY_DATA, real_name, ASN1_UTF8STRING),
	ASN1_SEQUENCE_OF (KISA_IDENTIFY_DATA, infos, KISA_VID_INFO),
} ASN1_SEQUENCE_END (KISA_IDENTIFY_DATA)

IMPLEMENT_ASN1_FUNCTIONS (KISA_IDENTIFY_DATA)

/* What the VID hashes:  SEQUENCE { idn PrintableString, randomNum BIT STRING } */
ASN1_SEQUENCE (KISA_VID_INPUT) = {
	ASN1_SIMPLE (KISA_VID_INPUT, idn, ASN1_PRINTABLESTRING),
	ASN1_SIMPLE (KISA_VID_INPUT, random, ASN1_BIT_STRING),
} ASN1_SEQUENCE_END (KISA_VID_INPUT)

IMPLEMENT_ASN1_FUNCTIONS (KISA_VID_INPUT)

KISA_IDENTIFY_DATA *
kisa_identify_data (X509 *cert, int *present)
{
	int crit = -1;
	GENERAL_NAMES *gens = X509_get_ext_d2i (cert, NID_subject_alt_name, &crit, NULL);
	const ASN1_TYPE *t = othername_value (gens, KISA_IDENTIFY_DATA_OID);
	KISA_IDENTIFY_DATA *id = NULL;
	const unsigned char *p, *end;

	*present = t != NULL;
	if (t != NULL && t->type == V_ASN1_SEQUENCE) {
		p = t->value.sequence->data;
		end = p + t->value.sequence->length;
		id = d2i_KISA_IDENTIFY_DATA (NULL, &p, t->value.sequence->length);
		/* strict: nothing may follow the structure */
		if (id != NULL && p != end) {
			KISA_IDENTIFY_DATA_free (id);
			id = NULL;
		}
	}
	GENERAL_NAMES_free (gens);
	return id;
}
