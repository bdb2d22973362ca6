/* Japanese era dates, as the JPKI viewer prints a date of birth. */
#include <stdio.h>

#include <inkan/cert.h>
#include "src/util/internal.h"

/* Each era from its first day.  Meiji is counted from 1868-01-25, the
 * Gregorian day of the lunar new year that the era was made to start on;
 * Japan used the lunar calendar until 1872, which inkan does not model. */
static const struct {
	const char *name;
	int y, m, d;
} eras[] = {
	{ "明治", 1868, 1, 25 },
	{ "大正", 1912, 7, 30 },
	{ "昭和", 1926, 12, 25 },
	{ "平成", 1989, 1, 8 },
	{ "令和", 2019, 5, 1 },
};
#define N_ERAS ((int) (sizeof eras / sizeof eras[0]))

static int
date_key (int y, int m, int d)
{
	return y * 10000 + m * 100 + d;
}

static int
valid_date (int y, int m, int d)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days[m - 1] && (m != 2 || d <= 28 + leap);
}

inkan_err
inkan_era_date (int era, int year, int month, int day, char *buf, size_t size)
{
	int i, key = date_key (year, month, day), n;
	char y[16];

	if (!valid_date (year, month, day))
		return inkan_fail (INKAN_ERR_BAD_INPUT, _("%04d-%02d-%02d is not a date"), year, month, day);
	if (era < 0 || era > N_ERAS)
		return inkan_fail (INKAN_ERR_BAD_INPUT, _("era code %d is not one of 1 to %d"), era, N_ERAS);
	if (era == 0) {
		for (i = N_ERAS - 1; i >= 0 && key < date_key (eras[i].y, eras[i].m, eras[i].d); i--)
			;
		if (i < 0)
			return inkan_fail (INKAN_ERR_BAD_INPUT, _("%04d-%02d-%02d is before the Meiji era"),
			                   year, month, day);
	} else {
		i = era - 1;
		/* the card's era is taken as given; one that began in a later
		 * year cannot be right and is refused */
		if (year < eras[i].y)
			return inkan_fail (INKAN_ERR_BAD_INPUT, _("%04d-%02d-%02d is before the %s era"),
			                   year, month, day, eras[i].name);
	}
	if (year - eras[i].y + 1 == 1)
		snprintf (y, sizeof y, "元");
	else
		snprintf (y, sizeof y, "%d", year - eras[i].y + 1);
	n = snprintf (buf, size, "%s%s年%d月%d日", eras[i].name, y, month, day);
	if (n < 0 || (size_t) n >= size)
		return inkan_fail (INKAN_ERR_BAD_INPUT, "%s", _("buffer too small for the date"));
	return INKAN_OK;
}
