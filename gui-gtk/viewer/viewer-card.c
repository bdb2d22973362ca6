/* inkan-viewer — a card's tokens, PINs and certificates, in workers. */
#include <glib/gi18n.h>

#include "viewer-card.h"
#include "viewer-error.h"

struct _ViewerCard {
	GObject parent_instance;
	char *reader;
	char *description;
	inkan_token_info *infos;
	size_t n_infos;
	ViewerCardToken *tokens;        /* one per info */
};

G_DEFINE_FINAL_TYPE (ViewerCard, viewer_card, G_TYPE_OBJECT)

static void
viewer_card_finalize (GObject *object)
{
	ViewerCard *self = VIEWER_CARD (object);
	size_t i;

	for (i = 0; i < self->n_infos; i++) {
		g_free (self->tokens[i].status_error);
		g_clear_pointer (&self->tokens[i].certs, g_ptr_array_unref);
	}
	g_free (self->tokens);
	inkan_token_info_free (self->infos, self->n_infos);
	g_free (self->reader);
	g_free (self->description);
	G_OBJECT_CLASS (viewer_card_parent_class)->finalize (object);
}

static void
viewer_card_class_init (ViewerCardClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = viewer_card_finalize;
}

static void
viewer_card_init (ViewerCard *self)
{
	(void) self;
}

const char *viewer_card_get_reader (ViewerCard *self) { return self->reader; }
const char *viewer_card_get_description (ViewerCard *self) { return self->description; }
guint viewer_card_get_n_tokens (ViewerCard *self) { return self->n_infos; }

const ViewerCardToken *
viewer_card_get_token (ViewerCard *self, guint i)
{
	return i < self->n_infos ? &self->tokens[i] : NULL;
}

/* The certificates of TOK, as X509s added to ALL (the card's whole set:
 * each certificate's companions) and to OUT. */
static inkan_err
token_certs (inkan_token *tok, STACK_OF(X509) *all, STACK_OF(X509) *out)
{
	inkan_token_cert *certs = NULL;
	size_t n = 0, i;
	inkan_err err = inkan_token_certs (tok, &certs, &n);

	for (i = 0; err == INKAN_OK && i < n; i++) {
		const unsigned char *p = certs[i].der;
		X509 *x = d2i_X509 (NULL, &p, certs[i].der_len);

		/* A certificate that does not parse is left out, not fatal:
		 * the others and the PINs are still worth showing. */
		if (x == NULL)
			continue;
		sk_X509_push (out, x);
		X509_up_ref (x);
		sk_X509_push (all, x);
	}
	inkan_token_certs_free (certs, n);
	return err;
}

static void
load (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
	ViewerCard *self = data;
	g_autoptr (GError) error = NULL;
	STACK_OF(X509) *all = sk_X509_new_null ();
	STACK_OF(X509) **per_token = NULL;
	inkan_ctx *ctx = viewer_ctx_new (&error);
	inkan_err err;
	size_t i;
	int j;

	(void) source;
	(void) cancellable;
	if (ctx == NULL)
		goto out;
	if ((err = inkan_reader_tokens (ctx, self->reader, &self->infos, &self->n_infos)) != INKAN_OK) {
		viewer_set_error (&error, err);
		goto out;
	}
	self->tokens = g_new0 (ViewerCardToken, self->n_infos);
	per_token = g_new0 (STACK_OF(X509) *, self->n_infos);
	for (i = 0; i < self->n_infos; i++) {
		ViewerCardToken *t = &self->tokens[i];
		inkan_token *tok = NULL;

		t->info = &self->infos[i];
		per_token[i] = sk_X509_new_null ();
		inkan_card_pin_for_token (t->info, INKAN_USER_NORMAL, &t->pin);
		if ((err = inkan_token_open (ctx, t->info->uri, &tok)) == INKAN_OK &&
		    (err = inkan_pin_status_get (tok, INKAN_USER_NORMAL, &t->status)) == INKAN_OK)
			t->has_status = TRUE;
		if (err == INKAN_OK)
			err = token_certs (tok, all, per_token[i]);
		if (err != INKAN_OK)
			t->status_error = g_strdup_printf ("%s: %s", inkan_strerror (err), inkan_detail ());
		inkan_token_free (tok);
	}
	for (i = 0; i < self->n_infos; i++) {
		self->tokens[i].certs = g_ptr_array_new_with_free_func (g_object_unref);
		for (j = 0; j < sk_X509_num (per_token[i]); j++) {
			ViewerCert *c = viewer_cert_new (sk_X509_value (per_token[i], j), self->description, all, NULL);
			if (c != NULL)
				g_ptr_array_add (self->tokens[i].certs, c);
		}
		sk_X509_pop_free (per_token[i], X509_free);
	}
out:
	g_free (per_token);
	sk_X509_pop_free (all, X509_free);
	inkan_ctx_free (ctx);
	if (error != NULL)
		g_task_return_error (task, g_steal_pointer (&error));
	else
		g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

void
viewer_card_load_async (const char *reader, const char *description, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer data)
{
	g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, data);
	ViewerCard *self = g_object_new (VIEWER_TYPE_CARD, NULL);

	self->reader = g_strdup (reader);
	self->description = g_strdup (description);
	g_task_set_task_data (task, self, g_object_unref);
	g_task_run_in_thread (task, load);
}

ViewerCard *
viewer_card_load_finish (GAsyncResult *result, GError **error)
{
	return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct {
	char *uri;
	inkan_secret *old_pin, *new_pin;
	unsigned flags;
} Change;

static void
change_free (Change *c)
{
	g_free (c->uri);
	inkan_secret_free (c->old_pin);
	inkan_secret_free (c->new_pin);
	g_free (c);
}

static void
change (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
	Change *c = data;
	GError *error = NULL;
	inkan_ctx *ctx = viewer_ctx_new (&error);
	inkan_token *tok = NULL;
	inkan_err err;

	(void) source;
	(void) cancellable;
	if (ctx != NULL && ((err = inkan_token_open (ctx, c->uri, &tok)) != INKAN_OK ||
	                    (err = inkan_pin_change (tok, INKAN_USER_NORMAL, c->old_pin, c->new_pin, c->flags)) != INKAN_OK))
		viewer_set_error (&error, err);
	inkan_token_free (tok);
	inkan_ctx_free (ctx);
	if (error != NULL)
		g_task_return_error (task, error);
	else
		g_task_return_boolean (task, TRUE);
}

void
viewer_card_change_pin_async (ViewerCard *self, guint i, inkan_secret *old_pin, inkan_secret *new_pin,
                              unsigned flags, GAsyncReadyCallback callback, gpointer data)
{
	g_autoptr (GTask) task = g_task_new (self, NULL, callback, data);
	Change *c = g_new0 (Change, 1);

	g_return_if_fail (i < self->n_infos);
	c->uri = g_strdup (self->infos[i].uri);
	c->old_pin = old_pin;
	c->new_pin = new_pin;
	c->flags = flags;
	g_task_set_task_data (task, c, (GDestroyNotify) change_free);
	g_task_run_in_thread (task, change);
}

gboolean
viewer_card_change_pin_finish (GAsyncResult *result, GError **error)
{
	return g_task_propagate_boolean (G_TASK (result), error);
}
