/* inkan-viewer — the certificate page, all from the library's view model. */
#include <glib/gi18n.h>

#include "viewer-application.h"
#include "viewer-ca.h"
#include "viewer-cert-page.h"
#include "viewer-validity.h"

struct _ViewerCertPage {
	GtkBox parent_instance;
	ViewerCert *cert;
	GCancellable *validity;

	GtkLabel *gone_label;
	GtkLabel *title_label;
	GtkLabel *test_label;
	GtkLabel *source_label;
	GtkGrid *basic_grid;
	GtkGrid *details_grid;
	GtkButton *validity_button;
	GtkSpinner *validity_spinner;
	GtkButton *validity_cancel;
	GtkLabel *validity_result;
	GtkExpander *validity_expander;
	GtkBox *validity_attempts;
	GtkBox *chain_box;
	GtkButton *ca_button;
	GtkLabel *ca_result;
};

G_DEFINE_FINAL_TYPE (ViewerCertPage, viewer_cert_page, GTK_TYPE_BOX)

static GtkWidget *
value_label (const char *text, const char *css)
{
	GtkWidget *l = gtk_label_new (text);

	gtk_label_set_xalign (GTK_LABEL (l), 0);
	gtk_label_set_wrap (GTK_LABEL (l), TRUE);
	gtk_label_set_wrap_mode (GTK_LABEL (l), PANGO_WRAP_WORD_CHAR);
	gtk_label_set_selectable (GTK_LABEL (l), TRUE);
	gtk_widget_set_hexpand (l, TRUE);
	if (css != NULL)
		gtk_widget_add_css_class (l, css);
	return l;
}

static void
row (GtkGrid *grid, int *y, const char *label, GtkWidget *value)
{
	GtkWidget *l = gtk_label_new (label);

	gtk_label_set_xalign (GTK_LABEL (l), 1);
	gtk_widget_set_valign (l, GTK_ALIGN_START);
	gtk_widget_add_css_class (l, "dim-label");
	gtk_grid_attach (grid, l, 0, *y, 1, 1);
	gtk_grid_attach (grid, value, 1, *y, 1, 1);
	(*y)++;
}

static void
heading (GtkGrid *grid, int *y, const char *text)
{
	GtkWidget *l = gtk_label_new (text);

	gtk_label_set_xalign (GTK_LABEL (l), 0);
	gtk_widget_add_css_class (l, "heading");
	gtk_widget_set_margin_top (l, *y > 0 ? 12 : 0);
	gtk_grid_attach (grid, l, 0, (*y)++, 2, 1);
}

/* Details come in gcr's sections, told apart by the fields' stable keys. */
static const char *
section_of (const inkan_cert_field *f)
{
	if (f->section == INKAN_SECTION_FINGERPRINTS)
		return _("Fingerprints");
	if (g_str_has_prefix (f->key, "subject"))
		return _("Subject Name");
	if (g_str_has_prefix (f->key, "issuer"))
		return _("Issuer Name");
	if (strcmp (f->key, "not_before") == 0 || strcmp (f->key, "not_after") == 0)
		return _("Validity");
	if (strcmp (f->key, "public_key") == 0)
		return _("Public Key Info");
	if (g_str_has_prefix (f->key, "ext."))
		return _("Extensions");
	return _("Certificate");
}

static void
copy_clicked (GtkButton *button, gpointer data)
{
	gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), data);
}

static GtkWidget *
fingerprint_value (const char *text)
{
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
	GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");

	gtk_widget_set_tooltip_text (copy, _("Copy"));
	gtk_accessible_update_property (GTK_ACCESSIBLE (copy), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy"), -1);
	gtk_widget_set_valign (copy, GTK_ALIGN_START);
	g_signal_connect_data (copy, "clicked", G_CALLBACK (copy_clicked), g_strdup (text),
	                       (GClosureNotify) (void (*) (void)) g_free, 0);
	gtk_box_append (GTK_BOX (box), value_label (text, "monospace"));
	gtk_box_append (GTK_BOX (box), copy);
	return box;
}

static void
fill (ViewerCertPage *self)
{
	const inkan_cert_view *v = viewer_cert_get_view (self->cert);
	const char *last = NULL;
	int by = 0, dy = 0;
	size_t i;

	gtk_label_set_text (self->title_label, viewer_cert_get_title (self->cert));
	gtk_label_set_text (self->source_label, viewer_cert_get_source (self->cert));
	if (inkan_cert_view_test (v)) {
		/* The library's own word, so that it reads the same as the CLI. */
		const inkan_cert_field *t = inkan_cert_view_find (v, "test");
		gtk_label_set_text (self->test_label, t != NULL ? t->label : "TEST");
		gtk_widget_set_visible (GTK_WIDGET (self->test_label), TRUE);
	}
	for (i = 0; i < inkan_cert_view_count (v); i++) {
		const inkan_cert_field *f = inkan_cert_view_field (v, i);
		const char *css = f->undecodable ? "error" : NULL;
		const char *section;

		if (f->section == INKAN_SECTION_BASIC) {
			if (strcmp (f->key, "test") != 0)
				row (self->basic_grid, &by, f->label, value_label (f->value, css));
			continue;
		}
		section = section_of (f);
		if (last == NULL || strcmp (section, last) != 0)
			heading (self->details_grid, &dy, section);
		last = section;
		row (self->details_grid, &dy, f->label,
		     f->section == INKAN_SECTION_FINGERPRINTS ? fingerprint_value (f->value) : value_label (f->value, css));
	}
	gtk_widget_set_visible (GTK_WIDGET (self->ca_button), viewer_cert_is_ca (self->cert));
}

static const char *const *
extra_pins (void)
{
	return viewer_application_get_pins (VIEWER_APPLICATION (g_application_get_default ()));
}

static void
show_result (GtkLabel *label, const char *text, const char *css)
{
	gtk_widget_remove_css_class (GTK_WIDGET (label), "success");
	gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
	gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
	gtk_widget_add_css_class (GTK_WIDGET (label), css);
	gtk_label_set_text (label, text);
	gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
}

static void
on_ca_clicked (ViewerCertPage *self)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;
	ViewerCaCheck check;
	const inkan_ca_result *r = &check.result;

	if (!viewer_ca_check (viewer_cert_get_x509 (self->cert), extra_pins (), &check, &error)) {
		show_result (self->ca_result, error->message, "warning");
		return;
	}
	if (r->verdict == INKAN_CA_MATCH)
		text = g_strdup_printf (_("Genuine: matches the published fingerprint of %s (%s)%s\nSHA-256: %s\nSHA-1: %s"),
		                        check.pin_name, r->pin_alg != NULL ? r->pin_alg : "",
		                        r->expired ? _(", but it has expired") : "", r->sha256, r->sha1);
	else
		text = g_strdup_printf (_("Not genuine: %s\nThis certificate's SHA-256: %s\nThis certificate's SHA-1: %s"),
		                        inkan_ca_verdict_text (r->verdict), r->sha256, r->sha1);
	show_result (self->ca_result, text, r->verdict == INKAN_CA_MATCH ? "success" : "error");
	viewer_ca_check_clear (&check);
}

static void
validity_busy (ViewerCertPage *self, gboolean busy)
{
	gtk_widget_set_sensitive (GTK_WIDGET (self->validity_button), !busy);
	gtk_widget_set_visible (GTK_WIDGET (self->validity_spinner), busy);
	gtk_spinner_set_spinning (self->validity_spinner, busy);
	gtk_widget_set_visible (GTK_WIDGET (self->validity_cancel), busy);
}

static const char *
verdict_css (inkan_verdict v)
{
	switch (v) {
	case INKAN_VERDICT_GOOD: return "success";
	case INKAN_VERDICT_REVOKED:
	case INKAN_VERDICT_INVALID: return "error";
	default: return "warning";
	}
}

static char *
verdict_text (const inkan_vreport *r)
{
	const char *why = inkan_vreport_why (r);

	switch (inkan_vreport_verdict (r)) {
	case INKAN_VERDICT_GOOD:
		return g_strdup (_("Valid: the certificate is good and not revoked."));
	case INKAN_VERDICT_REVOKED:
		return g_strdup_printf (_("Revoked (%s)."), inkan_reason_name (inkan_vreport_reason (r)));
	case INKAN_VERDICT_INVALID:
		return g_strdup_printf (_("Not valid: %s"), why);
	case INKAN_VERDICT_UNKNOWN:
		return g_strdup_printf (_("Unknown: %s"), why);
	case INKAN_VERDICT_UNAVAILABLE:
		break;
	}
	return g_strdup_printf (_("Could not be checked (offline?): %s"), why);
}

static void
show_attempts (ViewerCertPage *self, const inkan_vreport *r)
{
	GtkWidget *child;
	size_t i;

	while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->validity_attempts))) != NULL)
		gtk_box_remove (self->validity_attempts, child);
	for (i = 0; i < inkan_vreport_attempts (r); i++) {
		const inkan_vattempt *a = inkan_vreport_attempt (r, i);
		g_autofree char *text = g_strdup_printf (
			_("%s (certificate %zu): %s%s\nasked: %s\nanswer: %s\nwhy: %s (%ld ms)"),
			inkan_method_name (a->method), a->depth, inkan_outcome_name (a->outcome),
			a->decisive ? _(", decisive") : "", a->url != NULL ? a->url : _("nothing to ask"),
			a->answer != NULL ? a->answer : "", a->why != NULL ? a->why : "", a->duration_ms);

		gtk_box_append (self->validity_attempts, value_label (text, NULL));
	}
	gtk_widget_set_visible (GTK_WIDGET (self->validity_expander), inkan_vreport_attempts (r) > 0);
}

/* The path to the anchor as a small tree, leaf at the top. */
static void
show_chain (ViewerCertPage *self, const inkan_vreport *r)
{
	size_t n = inkan_vreport_chain_len (r), i;
	GtkWidget *child;

	while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->chain_box))) != NULL)
		gtk_box_remove (self->chain_box, child);
	if (n == 0)
		return;
	gtk_box_append (self->chain_box, value_label (_("Chain to the anchor"), "heading"));
	for (i = n; i-- > 0;) {
		char *subject = inkan_name_text (X509_get_subject_name (inkan_vreport_chain_cert (r, i)));
		g_autofree char *text = g_strdup_printf ("%s%s", n - 1 - i > 0 ? "└ " : "", subject ? subject : "?");
		GtkWidget *l = value_label (text, NULL);

		gtk_widget_set_margin_start (l, 16 * (int) (n - 1 - i));
		gtk_box_append (self->chain_box, l);
		free (subject);
	}
	gtk_widget_set_visible (GTK_WIDGET (self->chain_box), TRUE);
}

static void
validity_done (GObject *source, GAsyncResult *result, gpointer data)
{
	g_autoptr (ViewerCertPage) self = data;
	g_autoptr (GError) error = NULL;
	inkan_vreport *r = viewer_validity_check_finish (result, &error);
	g_autofree char *text = NULL;

	(void) source;
	if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	g_clear_object (&self->validity);
	validity_busy (self, FALSE);
	if (r == NULL) {
		show_result (self->validity_result, error->message, "warning");
		return;
	}
	text = verdict_text (r);
	show_result (self->validity_result, text, verdict_css (inkan_vreport_verdict (r)));
	show_attempts (self, r);
	show_chain (self, r);
	inkan_vreport_free (r);
}

static void
on_validity_clicked (ViewerCertPage *self)
{
	g_clear_object (&self->validity);
	self->validity = g_cancellable_new ();
	validity_busy (self, TRUE);
	gtk_widget_set_visible (GTK_WIDGET (self->validity_result), FALSE);
	gtk_widget_set_visible (GTK_WIDGET (self->validity_expander), FALSE);
	viewer_validity_check_async (self->cert, extra_pins (), self->validity, validity_done, g_object_ref (self));
}

static void
on_validity_cancel (ViewerCertPage *self)
{
	g_cancellable_cancel (self->validity);
	g_clear_object (&self->validity);
	validity_busy (self, FALSE);
	show_result (self->validity_result, _("Cancelled: the certificate was not checked."), "warning");
}

static void
export_response (GtkNativeDialog *dialog, int response, gpointer data)
{
	ViewerCertPage *self = data;
	gboolean pem = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "pem"));
	g_autoptr (GFile) file = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *path = NULL;

	if (response == GTK_RESPONSE_ACCEPT) {
		file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
		path = file != NULL ? g_file_get_path (file) : NULL;
		if (path == NULL)
			g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("not a local file"));
		if (path != NULL && viewer_cert_save (self->cert, path, pem, &error)) {
			g_autofree char *text = g_strdup_printf (_("Saved to %s"), path);
			show_result (self->ca_result, text, "success");
		}
		if (error != NULL)
			show_result (self->ca_result, error->message, "error");
	}
	gtk_native_dialog_destroy (dialog);
	g_object_unref (dialog);
	g_object_unref (self);
}

static void
export (ViewerCertPage *self, gboolean pem)
{
	GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
		pem ? _("Export as PEM") : _("Export as DER"), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
		GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
	g_autofree char *name = g_strdup_printf ("%s.%s", viewer_cert_get_title (self->cert), pem ? "pem" : "cer");

	g_strdelimit (name, "/\\", '_');
	gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
	g_object_set_data (G_OBJECT (chooser), "pem", GINT_TO_POINTER (pem));
	gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
	g_signal_connect (chooser, "response", G_CALLBACK (export_response), g_object_ref (self));
	gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void on_export_pem (ViewerCertPage *self) { export (self, TRUE); }
static void on_export_der (ViewerCertPage *self) { export (self, FALSE); }

void
viewer_cert_page_set_gone (ViewerCertPage *self, const char *message)
{
	gtk_label_set_text (self->gone_label, message);
	gtk_widget_set_visible (GTK_WIDGET (self->gone_label), TRUE);
}

ViewerCert *
viewer_cert_page_get_cert (ViewerCertPage *self)
{
	return self->cert;
}

static void
viewer_cert_page_dispose (GObject *object)
{
	ViewerCertPage *self = VIEWER_CERT_PAGE (object);

	g_cancellable_cancel (self->validity);
	g_clear_object (&self->validity);
	g_clear_object (&self->cert);
	gtk_widget_dispose_template (GTK_WIDGET (self), VIEWER_TYPE_CERT_PAGE);
	G_OBJECT_CLASS (viewer_cert_page_parent_class)->dispose (object);
}

static void
viewer_cert_page_class_init (ViewerCertPageClass *klass)
{
	GtkWidgetClass *w = GTK_WIDGET_CLASS (klass);

	G_OBJECT_CLASS (klass)->dispose = viewer_cert_page_dispose;
	gtk_widget_class_set_template_from_resource (w, "/org/inkan/Viewer/viewer-cert-page.ui");
	gtk_widget_class_bind_template_child (w, ViewerCertPage, gone_label);
	gtk_widget_class_bind_template_child (w, ViewerCertPage, title_label);
	gtk_widget_class_bind_template_child (w, ViewerCertPage, test_label);
	gtk_widget_class_bind_template_child (w, ViewerCertPage, source_label);
	gtk_widget_class_bind_template_child (w, ViewerCertPage, basic_grid);
	gtk_widget_class_bind_template_child (w, ViewerCertPage, details_grid);
	gtk_widget_class_bind_template_child (w, ViewerCertPage, validity_button);
	gtk_widget_class_bind_template_child (w, ViewerCertPage, validity_spinner);
	gtk_widget_class_bind_template_child (w, ViewerCertPage, validity_cancel);
	gtk_widget_class_bind_template_child (w, ViewerCertPage, validity_result);
	gtk_widget_class_bind_template_child (w, ViewerCertPage, validity_expander);
	gtk_widget_class_bind_template_child (w, ViewerCertPage, validity_attempts);
	gtk_widget_class_bind_template_child (w, ViewerCertPage, chain_box);
	gtk_widget_class_bind_template_child (w, ViewerCertPage, ca_button);
	gtk_widget_class_bind_template_child (w, ViewerCertPage, ca_result);
	gtk_widget_class_bind_template_callback (w, on_validity_clicked);
	gtk_widget_class_bind_template_callback (w, on_validity_cancel);
	gtk_widget_class_bind_template_callback (w, on_ca_clicked);
	gtk_widget_class_bind_template_callback (w, on_export_pem);
	gtk_widget_class_bind_template_callback (w, on_export_der);
}

static void
viewer_cert_page_init (ViewerCertPage *self)
{
	gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
viewer_cert_page_new (ViewerCert *cert)
{
	ViewerCertPage *self = g_object_new (VIEWER_TYPE_CERT_PAGE, NULL);

	self->cert = g_object_ref (cert);
	fill (self);
	return GTK_WIDGET (self);
}
