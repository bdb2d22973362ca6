/* inkan-kiosk — holder's data. */
#include "holder.h"

#include <glib/gi18n.h>
#include <string.h>
#include <inkan/name.h>

#define JPKI_ARC "1.2.392.200149.8.5.5."

void
kiosk_holder_clear (kiosk_holder *h)
{
	g_free (h->name);
	g_free (h->birth);
	g_free (h->sex);
	g_free (h->address);
	memset (h, 0, sizeof *h);
}

/* ";" and "," would end the otherName's value inside OpenSSL's syntax. */
static int
text_ok (const char *s, glong max)
{
	return s != NULL && *s != '\0' && g_utf8_validate (s, -1, NULL) && g_utf8_strlen (s, -1) <= max &&
	       strpbrk (s, ";,\n\r") == NULL;
}

inkan_err
kiosk_holder_set (kiosk_holder *h, const char *name, const char *birth, const char *sex, const char *address,
                  char **why)
{
	GDate *d = g_date_new ();
	int y = 0, m = 0, day = 0;
	inkan_err err = INKAN_ERR_BAD_INPUT;

	*why = NULL;
	if (!text_ok (name, 100))
		*why = g_strdup (_("The name is missing, too long (100 characters at most) or has ; or , in it."));
	else if (birth == NULL || sscanf (birth, "%4d-%2d-%2d", &y, &m, &day) != 3 || strlen (birth) != 10 ||
	         !g_date_valid_dmy (day, m, y) || y < 1868)
		*why = g_strdup (_("The date of birth must be a real date written YYYY-MM-DD, from 1868 on."));
	else if (sex == NULL || (strcmp (sex, "1") != 0 && strcmp (sex, "2") != 0 && strcmp (sex, "9") != 0))
		*why = g_strdup (_("Choose the sex as the resident record has it."));
	else if (!text_ok (address, 200))
		*why = g_strdup (_("The address is missing, too long (200 characters at most) or has ; or , in it."));
	if (*why == NULL) {
		g_date_set_dmy (d, day, m, y);
		GDateTime *now = g_date_time_new_now_utc ();
		GDate *today = g_date_new_dmy (g_date_time_get_day_of_month (now), g_date_time_get_month (now),
		                               g_date_time_get_year (now));
		if (g_date_compare (d, today) > 0)
			*why = g_strdup (_("The date of birth is in the future."));
		g_date_free (today);
		g_date_time_unref (now);
	}
	if (*why == NULL) {
		kiosk_holder_clear (h);
		h->name = g_strdup (name);
		h->birth = g_strdup (birth);
		h->sex = g_strdup (sex);
		h->address = g_strdup (address);
		err = INKAN_OK;
	}
	g_date_free (d);
	return err;
}

/* Meiji 1, Taisho 2, Showa 3, Heisei 4, Reiwa 5, by the first day of each. */
char *
kiosk_holder_jpki_birth (const kiosk_holder *h)
{
	static const struct {
		const char *from;
		int era;
	} eras[] = { { "2019-05-01", 5 }, { "1989-01-08", 4 }, { "1926-12-25", 3 }, { "1912-07-30", 2 }, { "1868-01-01", 1 } };
	int era = 0;

	for (size_t i = 0; i < G_N_ELEMENTS (eras) && era == 0; i++)
		if (strcmp (h->birth, eras[i].from) >= 0)
			era = eras[i].era;
	return g_strdup_printf ("%d%.4s%.2s%.2s", era, h->birth, h->birth + 5, h->birth + 8);
}

/* A DN attribute value: escape what the DN syntax uses. */
static char *
dn_value (const char *s)
{
	GString *v = g_string_new (NULL);

	for (; *s; s++) {
		if (strchr ("/,=+\\\"<>;#", *s) != NULL)
			g_string_append_c (v, '\\');
		g_string_append_c (v, *s);
	}
	return g_string_free (v, FALSE);
}

inkan_err
kiosk_holder_request (const kiosk_holder *h, int jpki, const char *card_id, X509_NAME **subject, char ***sans)
{
	char *value = dn_value (jpki ? card_id : h->name), *dn, *birth;
	inkan_err err;

	*sans = NULL;
	/* JPKI: the subject carries no personal data, only the card's opaque
	 * ID; the holder's items go into the subjectAltName. */
	dn = g_strdup_printf (jpki ? "/C=JP/CN=%s" : "/CN=%s", value);
	err = inkan_name_parse (dn, subject);
	if (err == INKAN_OK && jpki) {
		birth = kiosk_holder_jpki_birth (h);
		*sans = g_new0 (char *, 5);
		(*sans)[0] = g_strdup_printf ("otherName:" JPKI_ARC "1;UTF8:%s", h->name);
		(*sans)[1] = g_strdup_printf ("otherName:" JPKI_ARC "4;UTF8:%s", birth);
		(*sans)[2] = g_strdup_printf ("otherName:" JPKI_ARC "3;UTF8:%s", h->sex);
		(*sans)[3] = g_strdup_printf ("otherName:" JPKI_ARC "5;UTF8:%s", h->address);
		g_free (birth);
	}
	g_free (dn);
	g_free (value);
	return err;
}
