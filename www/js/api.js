// The API client: every call sends the key in X-API-Key and turns error
// replies into ApiError. A 401 is also announced on `bus` ("unauthorized"),
// so one place can tell the user the key is wrong.

export const bus = new EventTarget();

// Paths relative to the page, so the dashboard also works when ZapStream
// is served under a prefix ("/inbox" -> "inbox").
export const rel = (path) => path.replace(/^\//, "");

let apiKey = "";
export const setApiKey = (k) => { apiKey = k; };
export const getApiKey = () => apiKey;

export class ApiError extends Error {
	constructor(status, code, message, retryAfter = 0) {
		super(message);
		this.status = status;
		this.code = code;
		this.retryAfter = retryAfter;
	}
}

export async function api(method, path, { body, headers = {} } = {}) {
	const h = { Accept: "application/json", ...headers };
	if (apiKey) h["X-API-Key"] = apiKey;
	const init = { method, headers: h, cache: "no-store" };
	if (body !== undefined) {
		init.body = typeof body === "string" ? body : JSON.stringify(body);
		h["Content-Type"] = "application/json";
	}
	let res;
	try {
		res = await fetch(rel(path), init);
	} catch {
		throw new ApiError(0, "NETWORK", "The server cannot be reached.");
	}
	const text = await res.text();
	let data = null;
	try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
	if (!res.ok) {
		const e = data && data.error;
		const err = new ApiError(res.status, (e && e.code) || `HTTP_${res.status}`,
			(e && e.message) || `The server answered ${res.status}.`,
			parseInt(res.headers.get("Retry-After") || "0", 10) || 0);
		if (res.status === 401) bus.dispatchEvent(new CustomEvent("unauthorized", { detail: err }));
		throw err;
	}
	return data;
}

// A query string from the non-empty values of an object.
export function query(params) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, v);
	const s = q.toString();
	return s ? `?${s}` : "";
}

export const eventPath = (id) => `/inbox/${encodeURIComponent(id)}`;
