// The API playground: compose a POST /events body (checked as you type),
// send it, see status, headers and body; copy the same request as curl.

import { getApiKey, bus, rel } from "./api.js";
import { $, h } from "./dom.js";
import { reasonPhrase, curlCommand } from "./format.js";

const EXAMPLE = {
	source: "billing",
	type: "invoice.paid",
	topic: "finance",
	payload: { invoice: "in_1042", amount: 4200, currency: "usd", customer: "cus_7" },
};
const FIELDS = ["source", "type", "topic", "payload"];

// The body's problems, as the API would see them. A parse error blocks
// sending; a wrong shape is only a warning (the API answers it with 422).
export function checkBody(text) {
	if (!text.trim()) return { state: "error", message: "Enter a JSON body." };
	let v;
	try {
		v = JSON.parse(text);
	} catch (e) {
		return { state: "error", message: `Invalid JSON: ${e.message}` };
	}
	if (v === null || typeof v !== "object" || Array.isArray(v)) {
		return { state: "warn", message: "The body must be a JSON object." };
	}
	const unknown = Object.keys(v).find((k) => !FIELDS.includes(k));
	if (unknown !== undefined) {
		return { state: "warn", message: `Unknown field "${unknown}": the API accepts source, type, topic and payload.` };
	}
	if (!("payload" in v)) return { state: "warn", message: "\"payload\" is required." };
	if (v.payload === null || typeof v.payload !== "object" || Array.isArray(v.payload)) {
		return { state: "warn", message: "\"payload\" must be a JSON object." };
	}
	for (const k of ["source", "type", "topic"]) {
		if (k in v && (typeof v[k] !== "string" || v[k].length < 1 || v[k].length > 128)) {
			return { state: "warn", message: `"${k}" must be a string of 1 to 128 characters.` };
		}
	}
	return { state: "ok", message: "Valid JSON" };
}

export class Playground extends EventTarget {
	constructor() {
		super();
		this.form = $("#playground-form");
		this.body = $("#pg-body");
		this.idem = $("#pg-idem");
		this.send = $("#pg-send");
		this.curlButton = $("#pg-curl");
		this.copyNote = $("#pg-copy-note");
		this.curlText = $("#pg-curl-text");
		this.validity = $("#pg-validity");
		this.response = $("#pg-response");
		this.body.value = JSON.stringify(EXAMPLE, null, 2);
		this.check();
		this.body.addEventListener("input", () => { this.check(); this.hideCurl(); });
		this.idem.addEventListener("input", () => this.hideCurl());
		this.body.addEventListener("keydown", (e) => this.keydown(e));
		this.form.addEventListener("submit", (e) => { e.preventDefault(); this.submit(); });
		this.curlButton.addEventListener("click", () => this.copyCurl());
	}

	check() {
		const r = checkBody(this.body.value);
		this.validity.dataset.state = r.state;
		this.validity.textContent = r.message;
		this.body.setAttribute("aria-invalid", String(r.state === "error"));
		this.send.disabled = r.state === "error";
		return r;
	}

	// Ctrl/Cmd+Enter sends. Tab is left alone, so the keyboard can leave.
	keydown(e) {
		if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
			e.preventDefault();
			this.form.requestSubmit();
		}
	}

	headers() {
		const list = [["Content-Type", "application/json"]];
		const key = getApiKey();
		if (key) list.push(["X-API-Key", key]);
		const idem = this.idem.value.trim();
		if (idem) list.push(["Idempotency-Key", idem]);
		return list;
	}

	async submit() {
		if (this.check().state === "error") { this.body.focus(); return; }
		this.send.disabled = true;
		const started = performance.now();
		let res, text;
		try {
			res = await fetch(rel("/events"), { method: "POST", headers: this.headers(), body: this.body.value, cache: "no-store" });
			text = await res.text();
		} catch {
			this.show({ status: 0, statusText: "", headers: [], body: "The server cannot be reached.", ms: performance.now() - started });
			this.send.disabled = false;
			return;
		}
		this.send.disabled = this.check().state === "error";
		let pretty = text;
		try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON */ }
		this.show({ status: res.status, statusText: res.statusText, headers: [...res.headers], body: pretty, ms: performance.now() - started });
		if (res.status === 401) bus.dispatchEvent(new CustomEvent("unauthorized"));
		if (res.ok) this.dispatchEvent(new Event("sent"));
	}

	show({ status, statusText, headers, body, ms }) {
		this.response.hidden = false;
		const code = $("#pg-status");
		code.textContent = status ? `${status} ${reasonPhrase(status, statusText)}` : "No response";
		code.dataset.class = String(Math.floor(status / 100));
		$("#pg-time").textContent = `${Math.round(ms)} ms`;
		$("#pg-headers-summary").textContent = `Response headers (${headers.length})`;
		$("#pg-headers").replaceChildren(...headers.sort(([a], [b]) => a.localeCompare(b))
			.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
		$("#pg-response-body").textContent = body;
	}

	curl() {
		return curlCommand({
			method: "POST",
			url: new URL(rel("/events"), location.href).href,
			headers: this.headers(),
			body: this.body.value,
		});
	}

	async copyCurl() {
		const cmd = this.curl();
		this.curlText.textContent = cmd;
		this.curlText.hidden = false;
		try {
			await navigator.clipboard.writeText(cmd);
			this.note("Copied to the clipboard.");
		} catch {
			// No clipboard (plain http on another host): select the text.
			const range = document.createRange();
			range.selectNodeContents(this.curlText);
			const sel = getSelection();
			sel.removeAllRanges();
			sel.addRange(range);
			this.note("The clipboard is not available here: the command is selected, copy it yourself.");
		}
	}

	// A command shown for an earlier body would mislead.
	hideCurl() {
		if (this.curlText.hidden) return;
		this.curlText.hidden = true;
		this.copyNote.textContent = "";
	}

	note(msg) {
		this.copyNote.textContent = msg;
		clearTimeout(this.noteTimer);
		this.noteTimer = setTimeout(() => { this.copyNote.textContent = ""; }, 5000);
	}
}
