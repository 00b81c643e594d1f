/* lw_date: calendar dates (proleptic Gregorian, the years a legal document can name) and the
 * numerals of months, quarters and chapters ("III", "12"). Plain values, nothing allocated. */
#ifndef LW_DATE_H
#define LW_DATE_H

#include <stddef.h>

/* The years a date may have: older or later ones in a document are misreadings (a number
 * taken for a year), not dates. */
#define LW_DATE_YEAR_MIN 1900
#define LW_DATE_YEAR_MAX 2199
/* Roman numerals read: I..XII, enough for months, quarters and the chapters of a plan. */
#define LW_ROMAN_MAX 12
/* The longest numeral read (after trimming): "VIII" and six-digit numbers. */
#define LW_NUMERAL_LEN_MAX 6

typedef struct {
    int y, m, d;
} lw_date;

int lw_date_valid(lw_date d);
int lw_days_in_month(int y, int m);
lw_date lw_date_add_days(lw_date d, int n);
int lw_date_cmp(lw_date a, lw_date b);
/* "YYYY-MM-DD" into buf (11 bytes); returns buf. */
const char *lw_date_iso(lw_date d, char *buf);
/* Parses "YYYY-MM-DD"; 0 ok, -1 bad. */
int lw_date_parse_iso(const char *s, lw_date *out);
/* Roman (I..XII) or Arabic numeral text to an int; -1 when neither. */
int lw_parse_numeral(const char *s, size_t n);

#endif
