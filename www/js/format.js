// Formatting: numbers, times, HTTP reason phrases, shell quoting.

const num = new Intl.NumberFormat();
export const formatNumber = (n) => (typeof n === "number" && Number.isFinite(n) ? num.format(n) : "—");

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
const minuteFmt = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });

// Clock time for today, date and time otherwise.
export function formatTime(iso) {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return "—";
	const now = new Date();
	return d.toDateString() === now.toDateString() ? timeFmt.format(d) : dateTimeFmt.format(d);
}

export const formatMinute = (d) => minuteFmt.format(d);

// "just now", "12 s ago", "4 min ago", "2 h ago", then a date.
export function relativeTime(date, now = Date.now()) {
	const s = Math.max(0, Math.round((now - date.getTime()) / 1000));
	if (s < 5) return "just now";
	if (s < 60) return `${s} s ago`;
	if (s < 3600) return `${Math.floor(s / 60)} min ago`;
	if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
	return dateTimeFmt.format(date);
}

// How long since date, shortly: "8 s", "4 min", "2 h 5 min", "3 d 4 h".
export function formatAge(date, now = Date.now()) {
	const s = Math.max(0, Math.floor((now - date.getTime()) / 1000));
	if (s < 60) return `${s} s`;
	if (s < 3600) return `${Math.floor(s / 60)} min`;
	if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
	return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

const REASONS = {
	200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
	403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 411: "Length Required",
	413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content",
	429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
	503: "Service Unavailable", 504: "Gateway Timeout",
};
export const reasonPhrase = (status, text) => text || REASONS[status] || "";

// One shell word, safe in POSIX shells: single quotes, with ' as '\''.
export function shellQuote(s) {
	if (/^[A-Za-z0-9_\/:.,=@%+-]+$/.test(s)) return s;
	return "'" + String(s).replace(/'/g, "'\\''") + "'";
}

// The curl command for one request: method, URL, headers, body (sent as
// is with --data-raw, which never reads "@file").
export function curlCommand({ method, url, headers, body }) {
	const first = ["curl", "-i"];
	if (method !== "GET") first.push("-X", method);
	first.push(shellQuote(url));
	const lines = [first.join(" ")];
	for (const [k, v] of headers) lines.push("-H " + shellQuote(`${k}: ${v}`));
	if (body !== undefined) lines.push("--data-raw " + shellQuote(body));
	return lines.join(" \\\n  ");
}
