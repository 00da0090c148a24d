/*
 * zs_search: the words of full-text search (GET /inbox?q=) and the
 * payload filters (payload.<path>=<value>), parsed once here.
 *
 * A word is what both search indexes find in a payload's JSON text: a run
 * of ASCII letters and digits and of bytes from 0x80 (so UTF-8 letters
 * stay whole), split at ASCII punctuation, spaces and control bytes, in
 * lower case (ASCII). docs/api.md, "Search", says the same for users.
 */
#ifndef ZS_SEARCH_H
#define ZS_SEARCH_H

#include <stddef.h>

#include "store/zs_store.h"

/*
 * Writes the words of v[0..len) into out[outsz], joined by one space,
 * at most max of them and only whole ones (the first that does not fit
 * ends the writing); returns how many v has. out is always
 * NUL-terminated.
 */
int	 zs_search_words(char *out, size_t outsz, const char *v, size_t len,
	    int max);

/*
 * Parses the filter payload.<path>=<value> into f: path (after
 * "payload.") and v[0..len), already percent-decoded. When every match
 * must have the value's words in its payload's text, adds them to the
 * words in hint[hintsz] (ZS_SEARCH_WORDS at most in all), so a search
 * index can narrow the scan. 0, or -1 with *why a message for the
 * parameter.
 */
int	 zs_search_payload(struct zs_payload_filter *f, char *hint,
	    size_t hintsz, const char *path, const char *v, size_t len,
	    const char **why);

#endif
