/*
 * zs_log: one line per problem on stderr, which lighttpd writes to its
 * error log. Never pass a secret (API key) to these.
 */
#ifndef ZS_LOG_H
#define ZS_LOG_H

/* Tags following lines with the current request id ("" between requests). */
void	 zs_log_set_request(const char *request_id);
void	 zs_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
