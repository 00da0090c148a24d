/*
 * zs_access: the access log, one JSON line per request, written when the
 * request ends (a stream's line comes when it closes):
 *   {"time":"2026-12-03T15:04:05.123Z","request_id":"req_...",
 *    "method":"GET","route":"/inbox/{id}","status":200,
 *    "duration_ms":1.234,"bytes":512,"tenant":"tenant_a"}
 * route is the route's pattern (never the path or the query, which may
 * carry a key), null when no route matched; tenant is null before a key
 * was accepted; bytes counts the reply as written, headers included. No
 * key, secret or body is ever logged. ACCESS_LOG chooses where: unset,
 * standard error (lighttpd's error log); a path, that file (appended);
 * "off", nowhere.
 */
#ifndef ZS_ACCESS_H
#define ZS_ACCESS_H

#include "boundary/zs_req.h"

/* Writes req's line, in one write(2) so processes never interleave. */
void	 zs_access_log(const struct zs_req *);

#endif
