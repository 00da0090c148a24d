// The tenant's webhook sources, from GET /hooks: name, scheme, topic and
// the URL to give the provider, and how many deliveries each refused.
// "Deliveries" opens a source's own view: its refused deliveries (GET
// /hooks/{name}/rejections) and its latest accepted events. Secrets never
// reach the browser.

import { api, rel } from "./api.js";
import { $, h } from "./dom.js";
import { formatNumber, formatTime } from "./format.js";

// What each reason of the delivery log means, in a few words.
const REASON_LABEL = {
	bad_signature: "bad signature",
	stale_timestamp: "stale timestamp",
	invalid_body: "not a JSON object",
	too_large: "too large",
	unsupported_type: "not sent as JSON",
	rate_limited: "over the rate limit",
	conflict: "delivery id reused with another body",
	internal: "server error",
};
const ACCEPTED_SHOWN = 10;

const SCHEME_LABEL = {
	stripe: "Stripe",
	github: "GitHub",
	shopify: "Shopify",
	standard: "Standard Webhooks",
	none: "unsigned",
};

export class Hooks {
	// onShowEvents(name): put the source's events in the event list.
	constructor({ onShowEvents } = {}) {
		this.list = $("#hook-list");
		this.onShowEvents = onShowEvents;
		this.open = null; // the name of the source whose view is open
	}

	// Back to "—" (no key, or the key was refused).
	clear() {
		this.list.replaceChildren(h("li", { class: "muted" }, "—"));
	}

	async load() {
		try {
			const r = await api("GET", "/hooks");
			this.render(Array.isArray(r && r.sources) ? r.sources : []);
		} catch (e) {
			if (e.status === 401) return; // the key box says why
			this.list.replaceChildren(h("li", { class: "muted" }, `Could not load the sources: ${e.message}`));
		}
	}

	render(sources) {
		if (!sources.length) {
			this.list.replaceChildren(h("li", { class: "muted" },
				"No webhook sources for this key's tenant. Add one with WEBHOOK_SOURCES or zs-admin hook-add (see docs/webhooks.md)."));
			return;
		}
		this.list.replaceChildren(...sources.map((s) => {
			const url = new URL(rel(s.path), document.baseURI).href;
			const code = h("code", { class: "hook-url", tabindex: "0", "aria-label": `Ingest URL of ${s.name}` }, url);
			const copy = h("button", { type: "button", class: "button button-quiet", onclick: () => this.copy(code, copy) }, "Copy URL");
			const detail = h("div", { class: "hook-detail", id: `hook-detail-${s.name}`, hidden: true });
			const toggle = h("button", { type: "button", class: "button button-quiet hook-toggle",
				"aria-expanded": "false", "aria-controls": detail.id,
				onclick: () => this.toggle(s.name, toggle, detail) }, "Deliveries");
			const refused = s.rejected > 0
				? h("span", { class: "hook-meta hook-rejected", title: `last refused ${formatTime(s.last_rejected_at)}` },
					`${formatNumber(s.rejected)} refused`)
				: h("span", { class: "hook-meta hook-rejected" }, "none refused");
			const li = h("li", { class: "hook", dataset: { name: s.name } },
				h("div", { class: "hook-title" },
					h("span", { class: "hook-name" }, s.name),
					h("span", { class: "hook-meta" }, SCHEME_LABEL[s.scheme] || s.scheme),
					h("span", { class: "hook-meta" }, s.topic ? `topic ${s.topic}` : "no topic"),
					h("span", { class: "hook-meta", title: "The signing secret is set on the server and never shown" }, "secret ••••••••"),
					refused),
				h("div", { class: "hook-actions" }, toggle, copy),
				code,
				detail);
			if (this.open === s.name) this.toggle(s.name, toggle, detail);
			return li;
		}));
	}

	// Opens or closes a source's view; opening loads it afresh.
	async toggle(name, button, detail) {
		const opening = detail.hidden;
		detail.hidden = !opening;
		button.setAttribute("aria-expanded", String(opening));
		button.textContent = opening ? "Hide deliveries" : "Deliveries";
		this.open = opening ? name : (this.open === name ? null : this.open);
		if (!opening) return;
		detail.replaceChildren(h("p", { class: "muted" }, "Loading…"));
		const path = encodeURIComponent(name);
		try {
			const [log, accepted] = await Promise.all([
				api("GET", `/hooks/${path}/rejections`),
				api("GET", `/inbox?source=${path}&status=all&order=desc&limit=${ACCEPTED_SHOWN}`),
			]);
			detail.replaceChildren(this.refusedView(log), this.acceptedView(name, accepted.events || []));
		} catch (e) {
			detail.replaceChildren(h("p", { class: "muted" }, `Could not load this source's deliveries: ${e.message}`));
		}
	}

	refusedView(log) {
		const head = h("h3", { class: "hook-detail-head" }, "Refused deliveries");
		if (!log.rejections.length) return h("section", {}, head, h("p", { class: "muted" }, "None: every delivery so far was accepted."));
		const reasons = Object.entries(log.by_reason)
			.map(([r, n]) => `${formatNumber(n)} ${REASON_LABEL[r] || r}`).join(" · ");
		return h("section", {}, head,
			h("p", { class: "hook-meta" }, `${formatNumber(log.rejected)} refused in all: ${reasons}.` +
				(log.rejections.length < log.rejected ? ` Only the newest ${log.rejections.length} are kept.` : "")),
			h("table", { class: "hook-log" },
				h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Time"), h("th", { scope: "col" }, "Reason"),
					h("th", { scope: "col" }, "Status"), h("th", { scope: "col" }, "Request id"))),
				h("tbody", {}, log.rejections.map((r) => h("tr", {},
					h("td", {}, formatTime(r.at)),
					h("td", { class: "hook-reason" }, REASON_LABEL[r.reason] || r.reason),
					h("td", {}, String(r.status)),
					h("td", {}, h("code", {}, r.request_id)))))));
	}

	acceptedView(name, events) {
		const head = h("h3", { class: "hook-detail-head" }, "Latest accepted");
		const show = h("button", { type: "button", class: "button button-quiet",
			onclick: () => this.onShowEvents && this.onShowEvents(name) }, "Show all in the event list");
		if (!events.length) return h("section", {}, head, h("p", { class: "muted" }, "No events from this source yet."));
		return h("section", {}, head,
			h("ul", { class: "hook-accepted" }, events.map((ev) => h("li", { dataset: { id: ev.id } },
				h("span", {}, formatTime(ev.created_at)), " ",
				h("span", { class: "hook-name" }, ev.type || "(no type)"), " ",
				h("code", {}, ev.id)))),
			show);
	}

	async copy(code, button) {
		try {
			await navigator.clipboard.writeText(code.textContent);
			button.textContent = "Copied";
		} catch {
			// No clipboard (plain http on another host): select the URL.
			const range = document.createRange();
			range.selectNodeContents(code);
			const sel = getSelection();
			sel.removeAllRanges();
			sel.addRange(range);
			button.textContent = "Selected";
		}
		setTimeout(() => { button.textContent = "Copy URL"; }, 2000);
	}
}
