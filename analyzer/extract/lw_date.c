/* lw_date: calendar dates and the numerals that name months, quarters and chapters (see
 * lw_date.h). */
#include "lw_date.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int lw_days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

int lw_date_valid(lw_date d)
{
    return d.y >= LW_DATE_YEAR_MIN && d.y <= LW_DATE_YEAR_MAX && d.m >= 1 && d.m <= 12 && d.d >= 1 && d.d <= lw_days_in_month(d.y, d.m);
}

lw_date lw_date_add_days(lw_date d, int n)
{
    while (n > 0) {
        if (d.d < lw_days_in_month(d.y, d.m)) {
            d.d++;
        } else {
            d.d = 1;
            if (++d.m > 12) {
                d.m = 1;
                d.y++;
            }
        }
        n--;
    }
    while (n < 0) {
        if (d.d > 1) {
            d.d--;
        } else {
            if (--d.m < 1) {
                d.m = 12;
                d.y--;
            }
            d.d = lw_days_in_month(d.y, d.m);
        }
        n++;
    }
    return d;
}

int lw_date_cmp(lw_date a, lw_date b)
{
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    if (a.m != b.m)
        return a.m < b.m ? -1 : 1;
    if (a.d != b.d)
        return a.d < b.d ? -1 : 1;
    return 0;
}

const char *lw_date_iso(lw_date d, char *buf)
{
    /* unsigned: the compiler then knows each field fits its width (no -Wformat-truncation) */
    snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)d.y % 10000u, (unsigned)d.m % 100u, (unsigned)d.d % 100u);
    return buf;
}

int lw_date_parse_iso(const char *s, lw_date *out)
{
    int y, m, d;
    char tail;
    if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return -1;
    lw_date r = {y, m, d};
    if (!lw_date_valid(r))
        return -1;
    *out = r;
    return 0;
}

int lw_parse_numeral(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0 || n > LW_NUMERAL_LEN_MAX)
        return -1;
    if (isdigit((unsigned char)s[0])) {
        int v = 0;
        for (size_t i = 0; i < n; i++) {
            if (!isdigit((unsigned char)s[i]))
                return -1;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    }
    static const char *const roman[LW_ROMAN_MAX] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"};
    for (int i = 0; i < LW_ROMAN_MAX; i++)
        if (strlen(roman[i]) == n && !strncasecmp(roman[i], s, n))
            return i + 1;
    return -1;
}
