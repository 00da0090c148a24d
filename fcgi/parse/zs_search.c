/* zs_search: the words of q= and the payload filters. See zs_search.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "parse/zs_search.h"
#include "parse/zs_text.h"

#define MEMBER_MAX	64	/* bytes in one member name of a path */

/* 1 when c belongs to a word (zs_search.h). */
static int
word_byte(unsigned char c)
{
	return c >= 0x80 || isalnum(c);
}

int
zs_search_words(char *out, size_t outsz, const char *v, size_t len, int max)
{
	size_t		 i, n = 0, start = 0;
	int		 words = 0, in_word = 0, writing = outsz > 0;
	unsigned char	 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)v[i];
		if (!word_byte(c)) {
			in_word = 0;
			continue;
		}
		if (!in_word) {
			in_word = 1;
			start = n;	/* a word that does not fit goes whole */
			if (++words > max)
				writing = 0;
			else if (writing && n > 0)
				out[n++] = ' ';
		}
		if (!writing)
			continue;
		if (n + 1 >= outsz) {
			n = start;
			writing = 0;
			continue;
		}
		out[n++] = (char)tolower(c);
	}
	if (outsz > 0)
		out[n] = '\0';
	return words;
}

/* 1 when v[0..len) is a JSON number (RFC 8259, section 6). */
static int
json_number(const char *v, size_t len)
{
	size_t	 i = 0, d;

	if (i < len && v[i] == '-')
		i++;
	if (i < len && v[i] == '0')
		i++;
	else {
		for (d = i; i < len && isdigit((unsigned char)v[i]); i++)
			;
		if (i == d || v[d] == '0')
			return 0;
	}
	if (i < len && v[i] == '.') {
		for (d = ++i; i < len && isdigit((unsigned char)v[i]); i++)
			;
		if (i == d)
			return 0;
	}
	if (i < len && (v[i] == 'e' || v[i] == 'E')) {
		i++;
		if (i < len && (v[i] == '+' || v[i] == '-'))
			i++;
		for (d = i; i < len && isdigit((unsigned char)v[i]); i++)
			;
		if (i == d)
			return 0;
	}
	return i == len && len > 0;
}

/* Checks a path of member names joined by '.'; NULL or why not. */
static const char *
path_problem(const char *path)
{
	size_t	 i, member = 0;
	int	 depth = 1;

	if (*path == '\0' || strlen(path) > ZS_PAYLOAD_PATH_BYTES)
		return "must name a path of 1 to 128 bytes after payload.";
	for (i = 0; path[i] != '\0'; i++) {
		if (path[i] == '.') {
			if (member == 0)
				break;
			member = 0;
			depth++;
			continue;
		}
		if (!isalnum((unsigned char)path[i]) && path[i] != '_' &&
		    path[i] != '-')
			return "a path is member names of letters, digits, _ "
			    "and -, joined by dots";
		if (++member > MEMBER_MAX)
			return "a member name of the path is longer than 64 "
			    "bytes";
	}
	if (member == 0)
		return "a member name of the path is empty";
	if (depth > ZS_PAYLOAD_DEPTH)
		return "a path may be at most 8 members deep";
	return NULL;
}

/*
 * 1 when a match's payload text must hold the words of the string value
 * v: printable ASCII without '"' or '\\', which a JSON string holds as
 * they are (an encoder that escapes a letter as \u0061 aside); an escaped
 * separator (\/) is still a separator. A value with other bytes may be
 * written with escapes (\u00fc, \n) that break its words apart.
 */
static int
words_hold(const char *v, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (v[i] < 0x20 || v[i] > 0x7e || v[i] == '"' || v[i] == '\\')
			return 0;
	return 1;
}

int
zs_search_payload(struct zs_payload_filter *f, char *hint, size_t hintsz,
    const char *path, const char *v, size_t len, const char **why)
{
	static const char *const keywords[] = { "true", "false", "null" };
	char		 both[ZS_SEARCH_BYTES + 1 + ZS_PAYLOAD_VALUE_BYTES + 1];
	enum zs_text_rc	 rc;
	size_t		 i;

	memset(f, 0, sizeof(*f));
	if ((*why = path_problem(path)) != NULL)
		return -1;
	if (len > ZS_PAYLOAD_VALUE_BYTES) {
		*why = "must be at most 1024 bytes";
		return -1;
	}
	if (len > 0 && (rc = zs_text_check(v, len, ZS_PAYLOAD_VALUE_BYTES)) !=
	    ZS_TEXT_OK) {
		*why = zs_text_strerror(rc);
		return -1;
	}
	memcpy(f->path, path, strlen(path) + 1);
	memcpy(f->value, v, len);
	f->value[len] = '\0';
	f->value_len = len;
	f->number = json_number(v, len);
	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcmp(f->value, keywords[i]) == 0)
			f->keyword = keywords[i];
	/* a number may be written otherwise (4.2e3); a keyword is in most */
	if (f->number || f->keyword != NULL || !words_hold(v, len))
		return 0;
	snprintf(both, sizeof(both), "%s %s", hint, f->value);
	zs_search_words(hint, hintsz, both, strlen(both), ZS_SEARCH_WORDS);
	return 0;
}
