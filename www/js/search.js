// The search box: words of the payload (GET /inbox?q=) and terms of the
// form payload.<path>=<value> (GET /inbox?payload.<path>=<value>), read
// once here, and matched as the server matches them (docs/api.md,
// "Search"), so that a live event from the stream, which takes neither,
// is shown only when GET /inbox would have listed it.

// The words of a text as the server's search finds them: runs of letters
// and digits, ASCII punctuation and spaces between, any case.
function words(text) {
	return text.toLowerCase().split(/[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+/).filter(Boolean);
}

const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

// The box's text as GET /inbox's parameters: q, the words left once the
// payload terms are taken out, and each term by its parameter name. A
// term's value is everything after its first "=", up to a space. The
// server checks a term's path and the count of terms (422 otherwise).
export function parseSearch(text) {
	const rest = [];
	const payload = {};
	for (const token of text.split(/\s+/).filter(Boolean)) {
		const eq = token.indexOf("=");
		if (token.startsWith("payload.") && eq > 0) payload[token.slice(0, eq)] = token.slice(eq + 1);
		else rest.push(token);
	}
	return { q: rest.join(" "), payload };
}

// payload.<path>=<value>: the member at the path (never inside an array)
// is that string, exactly; that number, by value; or true, false or null.
function payloadHas(payload, path, value) {
	let v = payload;
	for (const name of path.split(".")) {
		if (v === null || typeof v !== "object" || Array.isArray(v) || !Object.hasOwn(v, name)) return false;
		v = v[name];
	}
	if (typeof v === "string") return v === value;
	if (typeof v === "number") return JSON_NUMBER.test(value) && Number(value) === v;
	if (typeof v === "boolean" || v === null) return value === String(v);
	return false;
}

// Whether the event's payload passes the parsed search.
export function searchMatches({ q, payload }, ev) {
	const body = ev.payload ?? {};
	for (const [name, value] of Object.entries(payload)) {
		if (!payloadHas(body, name.slice("payload.".length), value)) return false;
	}
	if (!q) return true;
	const have = new Set(words(JSON.stringify(body)));
	return words(q).every((w) => have.has(w));
}
