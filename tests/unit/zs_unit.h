/*
 * zs_unit: the harness the unit suites share (zs_unit.c) and the suites
 * (unit_*.c, one file per area). A suite runs its cases with begin() or
 * begins(), and checks each expectation with CHECK(ok, "wanted ... got
 * ...", ...); only a case's first failure is printed, as one line.
 */
#ifndef ZS_UNIT_H
#define ZS_UNIT_H

#include <stddef.h>

#include "util/zs_seal.h"

extern const char	*suite;		/* the running suite's name */
extern size_t		 ncases, nfailed; /* of the running suite */
extern int		 cur_failed;	/* the running case has failed */

/* Escapes s[0..len) (or a NUL-terminated s) for a message; a few at once
 * may be in use, as printf arguments. */
const char	*q(const char *s, size_t len);
const char	*qs(const char *s);
/* Starts a case whose input is in[0..len) (or NUL-terminated). */
void		 begin(const char *in, size_t len);
void		 begins(const char *in);
/* Records one expectation of the running case (use CHECK). */
void		 check(int ok, int line, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
#define CHECK(ok, ...)	check((ok), __LINE__, __VA_ARGS__)
/* Heap blocks of exactly n bytes (one when n is 0); exit on failure. */
char		*xalloc(size_t n);
char		*xdup(const char *s, size_t len);
/* pre, then unit n times, then post: a NUL-terminated heap string. */
char		*repeat(const char *pre, const char *unit, size_t n,
		    const char *post, size_t *lenp);
/* Nonzero when a and b are both NULL or equal strings. */
int		 streq(const char *a, const char *b);
/* The tenant key the parsers' cases are sealed with: bytes 0, 1 ... 31. */
extern const struct zs_seal_key unit_key;

/* The suites, one per area. */
void	 suite_json(void);		/* unit_json.c */
void	 suite_text(void);		/* unit_text.c */
void	 suite_auth(void);
void	 suite_http(void);		/* unit_http.c */
void	 suite_query(void);		/* unit_query.c */
void	 suite_cursor(void);
void	 suite_ulid(void);		/* unit_ulid.c */
void	 suite_time(void);
void	 suite_random(void);
void	 suite_ratelimit(void);	/* unit_event.c */
void	 suite_event(void);
void	 suite_event_json(void);
void	 suite_lease(void);
void	 suite_source(void);		/* unit_webhooks.c */
void	 suite_sig(void);
void	 suite_token(void);
void	 suite_sql(void);		/* unit_sql.c */
void	 suite_slots(void);		/* unit_slots.c */
void	 suite_seal(void);		/* unit_seal.c */

#endif
