/* An extension's text on one line.  Those that carry names or free text
 * (alternative names, CRL distribution points, key identifiers, policies
 * with their notices, access descriptions, name constraints) are written
 * by inkan's own printers, so that every name is whole and every string
 * UTF-8; the rest by OpenSSL's. */
#include <stdlib.h>
#include <string.h>

#include "src/cert/certint.h"
#include "src/crypto/asn1-text.h"

static void
keyid_put (FILE *out, const ASN1_OCTET_STRING *id)
{
	int i;

	for (i = 0; i < ASN1_STRING_length (id); i++)
		fprintf (out, "%s%02X", i ? ":" : "", ASN1_STRING_get0_data (id)[i]);
}

static void
aki_put (FILE *out, const AUTHORITY_KEYID *aki)
{
	const char *sep = "";

	if (aki->keyid != NULL) {
		fputs ("keyid:", out);
		keyid_put (out, aki->keyid);
		sep = "; ";
	}
	if (aki->issuer != NULL) {
		fprintf (out, "%sissuer:", sep);
		general_names_put (out, aki->issuer);
		sep = "; ";
	}
	if (aki->serial != NULL) {
		fprintf (out, "%sserial:", sep);
		keyid_put (out, aki->serial);
	}
}

static void
notice_put (FILE *out, const USERNOTICE *notice)
{
	int i;

	fputs ("User Notice:", out);
	if (notice->noticeref != NULL) {
		fputs (" Organization: ", out);
		asn1_text_put (out, notice->noticeref->organization);
		fputs (" Number", out);
		for (i = 0; i < sk_ASN1_INTEGER_num (notice->noticeref->noticenos); i++)
			fprintf (out, "%s%ld", i ? "," : ": ",
			         ASN1_INTEGER_get (sk_ASN1_INTEGER_value (notice->noticeref->noticenos, i)));
	}
	if (notice->exptext != NULL) {
		fputs (" Explicit Text: ", out);
		asn1_text_put (out, notice->exptext);
	}
}

static void
policies_put (FILE *out, const CERTIFICATEPOLICIES *pols)
{
	int i, j;

	for (i = 0; i < sk_POLICYINFO_num (pols); i++) {
		const POLICYINFO *p = sk_POLICYINFO_value (pols, i);

		fputs (i ? "; Policy: " : "Policy: ", out);
		oid_put (out, p->policyid, 0);
		for (j = 0; j < sk_POLICYQUALINFO_num (p->qualifiers); j++) {
			const POLICYQUALINFO *q = sk_POLICYQUALINFO_value (p->qualifiers, j);

			fputs (", ", out);
			switch (OBJ_obj2nid (q->pqualid)) {
			case NID_id_qt_cps:
				fputs ("CPS: ", out);
				asn1_text_put (out, q->d.cpsuri);
				break;
			case NID_id_qt_unotice:
				notice_put (out, q->d.usernotice);
				break;
			default:
				oid_put (out, q->pqualid, 0);
				break;
			}
		}
	}
}

static void
reasons_put (FILE *out, const ASN1_BIT_STRING *reasons)
{
	static const char *names[] = { "unused", "keyCompromise", "cACompromise", "affiliationChanged",
		"superseded", "cessationOfOperation", "certificateHold", "privilegeWithdrawn", "aACompromise" };
	size_t i;
	const char *sep = " Reasons: ";

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (ASN1_BIT_STRING_get_bit (reasons, (int) i)) {
			fprintf (out, "%s%s", sep, names[i]);
			sep = ",";
		}
}

static void
crldp_put (FILE *out, const CRL_DIST_POINTS *dps)
{
	int i, j;

	for (i = 0; i < sk_DIST_POINT_num (dps); i++) {
		const DIST_POINT *dp = sk_DIST_POINT_value (dps, i);

		if (i > 0)
			fputs ("; ", out);
		if (dp->distpoint != NULL && dp->distpoint->type == 0) {
			fputs ("Full Name: ", out);
			general_names_put (out, dp->distpoint->name.fullname);
		} else if (dp->distpoint != NULL) {
			fputs ("Relative Name: ", out);
			for (j = 0; j < sk_X509_NAME_ENTRY_num (dp->distpoint->name.relativename); j++) {
				fputs (j ? " + " : "", out);
				name_entry_put (out, sk_X509_NAME_ENTRY_value (dp->distpoint->name.relativename, j));
			}
		}
		if (dp->reasons != NULL)
			reasons_put (out, dp->reasons);
		if (dp->CRLissuer != NULL) {
			fputs (" CRL Issuer: ", out);
			general_names_put (out, dp->CRLissuer);
		}
	}
}

static void
access_put (FILE *out, const AUTHORITY_INFO_ACCESS *aia)
{
	int i;

	for (i = 0; i < sk_ACCESS_DESCRIPTION_num (aia); i++) {
		const ACCESS_DESCRIPTION *a = sk_ACCESS_DESCRIPTION_value (aia, i);

		fputs (i ? "; " : "", out);
		oid_put (out, a->method, 0);
		fputs (" - ", out);
		general_name_put (out, a->location);
	}
}

static void
subtrees_put (FILE *out, const char *label, const STACK_OF(GENERAL_SUBTREE) *trees, const char *sep)
{
	int i;

	if (trees == NULL)
		return;
	fprintf (out, "%s%s:", sep, label);
	for (i = 0; i < sk_GENERAL_SUBTREE_num (trees); i++) {
		fputs (i ? "; " : " ", out);
		general_name_put (out, sk_GENERAL_SUBTREE_value (trees, i)->base);
	}
}

static void
decoded_free (X509_EXTENSION *ext, void *d)
{
	const X509V3_EXT_METHOD *m = X509V3_EXT_get (ext);

	if (m->it != NULL)
		ASN1_item_free (d, ASN1_ITEM_ptr (m->it));
	else
		m->ext_free (d);
}

/* OpenSSL's text, its lines joined by "; ". */
static int
openssl_put (FILE *out, X509_EXTENSION *ext)
{
	BIO *bio = BIO_new (BIO_s_mem ());
	char *mem;
	long len, i;
	int ok = 0;

	if (bio != NULL && X509V3_EXT_print (bio, ext, 0, 0) == 1) {
		len = BIO_get_mem_data (bio, &mem);
		while (len > 0 && strchr ("\n ", mem[len - 1]) != NULL)
			len--;
		for (i = 0; i < len; i++) {
			if (mem[i] == '\n')
				fputs ("; ", out);
			else
				fputc (mem[i], out);
		}
		ok = 1;
	}
	BIO_free (bio);
	return ok;
}

char *
ext_text (X509_EXTENSION *ext)
{
	int nid = OBJ_obj2nid (X509_EXTENSION_get_object (ext)), ok = 1;
	void *d = X509V3_EXT_get (ext) != NULL ? X509V3_EXT_d2i (ext) : NULL;
	char *text = NULL, *clean = NULL;
	size_t len = 0;
	FILE *out;

	if (d == NULL) {
		ERR_clear_error ();
		return NULL;
	}
	out = open_memstream (&text, &len);
	if (out == NULL)
		goto out;
	switch (nid) {
	case NID_subject_alt_name:
	case NID_issuer_alt_name:
	case NID_certificate_issuer:
		general_names_put (out, d);
		break;
	case NID_authority_key_identifier: aki_put (out, d); break;
	case NID_certificate_policies: policies_put (out, d); break;
	case NID_crl_distribution_points:
	case NID_freshest_crl:
		crldp_put (out, d);
		break;
	case NID_info_access:
	case NID_sinfo_access:
		access_put (out, d);
		break;
	case NID_name_constraints:
		subtrees_put (out, "Permitted", ((NAME_CONSTRAINTS *) d)->permittedSubtrees, "");
		subtrees_put (out, "Excluded", ((NAME_CONSTRAINTS *) d)->excludedSubtrees,
		              ((NAME_CONSTRAINTS *) d)->permittedSubtrees != NULL ? "; " : "");
		break;
	default: ok = openssl_put (out, ext); break;
	}
	if (fclose (out) == 0 && ok)
		clean = utf8_clean (text);
out:
	ERR_clear_error ();
	free (text);
	decoded_free (ext, d);
	return clean;
}
