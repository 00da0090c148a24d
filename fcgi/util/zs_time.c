/* zs_time: wall-clock milliseconds and RFC 3339 text. See zs_time.h. */
#include <string.h>
#include <time.h>

#include "util/zs_time.h"

int64_t
zs_time_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
zs_time_mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
zs_time_mono_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Writes v as exactly n decimal digits at p. */
static void
put_digits(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
zs_time_format(int64_t ms, char *buf)
{
	/* A page of events mostly shares its seconds: keep the last one's
	 * text per thread and skip gmtime_r for the same second. */
	static _Thread_local time_t	 last_secs = -1;
	static _Thread_local char	 last[ZS_TIME_BUFSZ];
	time_t				 secs = (time_t)(ms / 1000);
	struct tm			 tm;

	if (secs != last_secs) {
		gmtime_r(&secs, &tm);
		memcpy(last, "0000-00-00T00:00:00.000Z", ZS_TIME_BUFSZ);
		put_digits(last, (unsigned)(tm.tm_year + 1900), 4);
		put_digits(last + 5, (unsigned)(tm.tm_mon + 1), 2);
		put_digits(last + 8, (unsigned)tm.tm_mday, 2);
		put_digits(last + 11, (unsigned)tm.tm_hour, 2);
		put_digits(last + 14, (unsigned)tm.tm_min, 2);
		put_digits(last + 17, (unsigned)tm.tm_sec, 2);
		last_secs = secs;
	}
	memcpy(buf, last, ZS_TIME_BUFSZ);
	put_digits(buf + 20, (unsigned)(ms % 1000), 3);
}

/* Reads exactly n digits at *p into *v and advances; returns 0 or -1. */
static int
digits(const char **p, int n, int *v)
{
	*v = 0;
	while (n-- > 0) {
		if (**p < '0' || **p > '9')
			return -1;
		*v = *v * 10 + (**p - '0');
		(*p)++;
	}
	return 0;
}

static int
days_in_month(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
zs_time_parse(const char *s, int64_t *ms)
{
	const char	*p = s;
	int		 y, mo, d, h, mi, sec, frac = 0, scale = 100;
	int		 oh = 0, om = 0, sign = 0;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d))
		return -1;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) ||
	    *p++ != ':' || digits(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9') {
			frac += (*p - '0') * scale;
			scale /= 10;
			p++;
		}
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) ||
		    oh > 23 || om > 59)
			return -1;
	} else
		return -1;
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (sec == 60)
		sec = 59;	/* a leap second sorts with the second before */
	*ms = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    sign * (oh * 3600 + om * 60)) * 1000) + frac;
	return 0;
}
