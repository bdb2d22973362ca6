/* What the CA answered, kept apart from the exchanges so that the unit
 * tests can check the mapping without a CA. */
#ifndef INKAN_ENROLL_INT_H
#define INKAN_ENROLL_INT_H

#include <stddef.h>
#include <openssl/cmp.h>
#include <inkan/enroll.h>

/* The CA's freeText is printed on terminals and shown at counters: this
 * much of it at most. */
#define ENROLL_TEXT_MAX 1024

typedef struct {
	inkan_enroll_answer pub;
	char text[ENROLL_TEXT_MAX];
} enroll_answer;

/* "accepted" ... "keyUpdateWarning"; "none" for -1 (no answer) and for
 * what PKIStatus does not define. */
const char *enroll_status_name (int status);

/* A fresh answer: no status, no bits, no text. */
void enroll_answer_reset (enroll_answer *a);

/* STATUS and FAIL_INFO as OpenSSL reports them (negative: none), and the
 * freeText strings joined by "; ", control characters and broken UTF-8
 * replaced by '?', cut at ENROLL_TEXT_MAX on a character boundary. */
void enroll_answer_set (enroll_answer *a, int status, int fail_info, const OSSL_CMP_PKIFREETEXT *texts);

/* "rejection (badPOP, certRevoked): the CA's text" into BUF. */
void enroll_answer_describe (const inkan_enroll_answer *a, char *buf, size_t size);

/* Exchanges go to CB (with ARG) instead of over HTTP: the fuzz target's
 * CA answers in-process, as OSSL_CMP_CTX_server_perform does. */
void enroll_set_transfer (inkan_enroll *e, OSSL_CMP_transfer_cb_t cb, void *arg);

#endif
