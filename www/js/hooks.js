// The tenant's webhook sources, from GET /hooks: name, scheme, topic and
// the URL to give the provider. Secrets never reach the browser.

import { api, rel } from "./api.js";
import { $, h } from "./dom.js";

const SCHEME_LABEL = {
	stripe: "Stripe",
	github: "GitHub",
	shopify: "Shopify",
	standard: "Standard Webhooks",
	none: "unsigned",
};

export class Hooks {
	constructor() {
		this.list = $("#hook-list");
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
			return h("li", { class: "hook", dataset: { name: s.name } },
				h("div", { class: "hook-title" },
					h("span", { class: "hook-name" }, s.name),
					h("span", { class: "hook-meta" }, SCHEME_LABEL[s.scheme] || s.scheme),
					h("span", { class: "hook-meta" }, s.topic ? `topic ${s.topic}` : "no topic"),
					h("span", { class: "hook-meta", title: "The signing secret is set on the server and never shown" }, "secret ••••••••")),
				copy,
				code);
		}));
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
