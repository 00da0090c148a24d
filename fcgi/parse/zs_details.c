/* zs_details: error details. See zs_details.h. */
#include "parse/zs_details.h"

void
zs_details_init(struct zs_details *d)
{
	zs_buf_init(&d->buf, 64 * 1024);
	d->n = 0;
}

void
zs_details_add(struct zs_details *d, const char *field, const char *message)
{
	if (d->n > 0)
		zs_buf_puts(&d->buf, ",");
	zs_buf_puts(&d->buf, "{\"field\":");
	zs_buf_json_strz(&d->buf, field);
	zs_buf_puts(&d->buf, ",\"message\":");
	zs_buf_json_strz(&d->buf, message);
	zs_buf_puts(&d->buf, "}");
	d->n++;
}

void
zs_details_free(struct zs_details *d)
{
	zs_buf_free(&d->buf);
}
