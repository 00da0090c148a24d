/* zs_sse: Server-Sent Events frames for changes, and stream filters. */
#ifndef ZS_SSE_H
#define ZS_SSE_H

#include "store/zs_store.h"
#include "util/zs_buf.h"

/* What one stream wants to see. */
struct zs_sse_filter {
	const char	*tenant;	/* always set */
	const char	*topic;		/* NULL: any */
	const char	*type;		/* NULL: any */
	const char	*source;	/* NULL: any */
	int		 topic_prefix;	/* 1: topic is a prefix (zs_filter) */
	int		 type_prefix;
	int		 source_prefix;
};

/*
 * Appends the frame for c ("id: N\nevent: event.created\ndata: {...}\n\n")
 * where N is id, c's seq sealed with its tenant's key (zs_seal): never
 * the seq itself, which counts every tenant's changes. Returns 0, or -1
 * (nothing appended) for a creation whose event is already gone, which
 * the following deletion reports.
 */
int	 zs_sse_frame(struct zs_buf *, const struct zs_change *c, int64_t id);
/* Nonzero when a change with these attributes passes the filter. */
int	 zs_sse_match(const struct zs_sse_filter *, const char *tenant,
	    const char *source, const char *type, const char *topic);

#endif
