// The key that `make dev` writes into www/dev-key.json, if any ("" when
// there is none): the dashboard's key box and /docs take it by the same
// rule. The file sits beside js/, wherever the pages are served.

export async function devKey() {
	try {
		const res = await fetch(new URL("../dev-key.json", import.meta.url), { cache: "no-store" });
		if (!res.ok) return "";
		const j = await res.json();
		const k = j && (j.api_key || j.key);
		return typeof k === "string" ? k.trim() : "";
	} catch {
		return "";
	}
}
