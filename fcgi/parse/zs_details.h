/* zs_details: the {field, message} list of a 400 or 422 error reply. */
#ifndef ZS_DETAILS_H
#define ZS_DETAILS_H

#include "util/zs_buf.h"

struct zs_details {
	struct zs_buf	 buf;	/* the JSON array's members, comma-joined */
	int		 n;	/* entries */
};

void	 zs_details_init(struct zs_details *);
void	 zs_details_add(struct zs_details *, const char *field,
	    const char *message);
void	 zs_details_free(struct zs_details *);

#endif
