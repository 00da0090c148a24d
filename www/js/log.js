// The live event log: newest first, filled from GET /inbox and kept current
// by the stream's changes. Rows expand (click or Enter) to show the
// pretty-printed payload; pending and leased rows can be acknowledged, dead
// ones redriven, any row deleted.

import { api, query, eventPath } from "./api.js";
import { h, $, svgIcon } from "./dom.js";
import { formatTime, formatNumber } from "./format.js";
import { parseSearch, searchMatches } from "./search.js";
import { statusLabel, finality, changePatch, leaseLeft, settle, statusNote, statusNoteText } from "./status.js";

const PAGE = 50;
const MAX_ROWS = 2000;
// Rows shown at first, and added by each "Show more": the list pages
// rather than growing the page (or scrolling in a box of its own); fewer
// on a phone, where a row is three lines tall.
const shownStep = () => (matchMedia("(max-width: 640px)").matches ? 10 : 20);
const NOTICE_FOR = 10000;

// A filter as the API reads it: empty is any; "fin*" is a prefix; else exact.
function fieldMatches(want, have) {
	if (!want) return true;
	if (typeof have !== "string") return false;
	return want.endsWith("*") ? have.startsWith(want.slice(0, -1)) : have === want;
}

export class EventLog extends EventTarget {
	constructor() {
		super();
		this.list = $("#event-list");
		this.empty = $("#log-empty");
		this.emptyTitle = $("#log-empty-title");
		this.emptyText = $("#log-empty-text");
		this.error = $("#log-error");
		this.notice = $("#log-notice");
		this.count = $("#log-count");
		this.more = $("#load-more");
		this.announcer = $("#announcer");
		this.rows = new Map(); // id -> {ev, li, tick, leaseTimer}
		this.early = new Map(); // id -> {patch, tick}: changes that came before their event
		// Counts the news from the stream and from actions here; a row keeps
		// the tick of its latest, so that a list asked for before it does not
		// undo it (see upsert).
		this.clock = 0;
		this.nextCursor = null;
		this.loadToken = 0;
		this.phase = "idle"; // idle | no-key | auth | loading | ready | failed
		this.filters = { q: "", topic: "", type: "", source: "", status: "all" };
		this.search = parseSearch(""); // the search box, as GET /inbox takes it
		// the chart's custom window, when one is picked: Dates or null
		this.span = { since: null, until: null };
		this.pendingAnnounce = [];
		this.window = shownStep(); // matching rows shown, newest first
		this.beyond = 0; // matching rows loaded but not shown
		this.more.addEventListener("click", () => this.showMore());
	}

	// ---- state ------------------------------------------------------------

	reset(phase = "idle") {
		this.loadToken++;
		clearTimeout(this.retryTimer);
		for (const row of this.rows.values()) clearTimeout(row.leaseTimer);
		this.rows.clear();
		this.early.clear();
		this.list.replaceChildren();
		this.nextCursor = null;
		this.window = shownStep();
		this.more.hidden = true;
		this.showError("");
		this.showNotice("");
		this.phase = phase;
		this.refresh();
	}

	setFilters(f) { this.filters = { ...f }; this.search = parseSearch(f.q || ""); }

	// The custom window; true when it changed.
	setSpan({ since, until }) {
		const key = (w) => `${w.since ? w.since.getTime() : ""}/${w.until ? w.until.getTime() : ""}`;
		const changed = key(this.span) !== key({ since, until });
		this.span = { since, until };
		return changed;
	}

	// The filters the stream applies (GET /inbox also takes q and status).
	serverFilters() {
		const { topic, type, source } = this.filters;
		return { topic, type, source };
	}

	listFilters() {
		const { since, until } = this.span;
		return { ...this.serverFilters(), q: this.search.q, ...this.search.payload,
			since: since ? since.toISOString() : "", until: until ? until.toISOString() : "" };
	}

	matches(ev) {
		const f = this.filters;
		if (!fieldMatches(f.topic, ev.topic)) return false;
		if (!fieldMatches(f.type, ev.type)) return false;
		if (!fieldMatches(f.source, ev.source)) return false;
		if (f.status !== "all" && ev.status !== f.status) return false;
		// since and until bound created_at strictly, as GET /inbox does
		const at = Date.parse(ev.created_at);
		if (this.span.since && !(at > this.span.since.getTime())) return false;
		if (this.span.until && !(at < this.span.until.getTime())) return false;
		return searchMatches(this.search, ev);
	}

	// ---- loading ----------------------------------------------------------

	async load() {
		clearTimeout(this.retryTimer);
		const token = ++this.loadToken;
		if (this.phase !== "ready") { this.phase = "loading"; this.refresh(); }
		const status = this.filters.status === "all" ? "all" : this.filters.status;
		const since = this.clock;
		try {
			const page = await api("GET", "/inbox" + query({ status, order: "desc", limit: PAGE, ...this.listFilters() }));
			if (token !== this.loadToken) return;
			for (const ev of page.events) this.upsert(ev, { since });
			if (this.nextCursor === null || this.phase !== "ready") this.nextCursor = page.next_cursor;
			this.phase = "ready";
			this.showError("");
			if (page.events.length) this.dispatchEvent(new CustomEvent("newest", { detail: page.events[0].created_at }));
		} catch (e) {
			if (token !== this.loadToken) return;
			if (e.status === 401) return; // the app shows the key problem
			if (this.phase !== "ready") this.phase = "failed";
			this.showError(`Could not load events: ${e.message}`);
			const wait = Math.max(5000, (e.retryAfter || 0) * 1000);
			this.retryTimer = setTimeout(() => { if (token === this.loadToken) this.load(); }, wait);
		}
		this.refresh();
	}

	// "Show more": the next rows, loading older ones when fewer than that
	// are loaded and not shown.
	async showMore() {
		const step = shownStep();
		this.window += step;
		if (this.beyond < step && this.nextCursor) await this.loadMore();
		else this.refresh();
	}

	async loadMore() {
		if (!this.nextCursor) return;
		const token = this.loadToken;
		this.more.disabled = true;
		const since = this.clock;
		try {
			const page = await api("GET", "/inbox" + query({ status: this.filters.status, order: "desc", limit: PAGE, cursor: this.nextCursor, ...this.listFilters() }));
			if (token !== this.loadToken) return;
			for (const ev of page.events) this.upsert(ev, { since });
			this.nextCursor = page.next_cursor;
		} catch (e) {
			if (e.status !== 401) this.showError(`Could not load older events: ${e.message}`);
		} finally {
			this.more.disabled = false;
			this.refresh();
		}
	}

	// ---- changes from the stream -------------------------------------------

	applyChange(kind, data) {
		if (!data || typeof data.id !== "string") return;
		const tick = ++this.clock;
		if (kind === "event.created") {
			// a row already there knows at least as much as the event's creation
			if (!this.rows.has(data.id)) {
				this.upsert(data, { live: true, tick });
				if (this.matches(data)) this.announce(data);
			}
		} else {
			const patch = changePatch(kind, data);
			if (!patch) return;
			const row = this.rows.get(data.id);
			if (row) {
				this.upsert({ ...row.ev, ...patch }, { tick });
			} else {
				// the list may still be on its way with this event in it
				const prev = this.early.get(data.id);
				this.early.delete(data.id);
				this.early.set(data.id, { patch: { ...(prev && prev.patch), ...patch }, tick });
				if (this.early.size > 1000) this.early.delete(this.early.keys().next().value);
			}
		}
		this.refresh();
	}

	// Adds or updates one event. News from the stream or from an action
	// here comes with its `tick`; a list page with `since`, the clock when
	// it was asked for. A status never goes back from acknowledged or
	// deleted; between pending, leased and dead, the latest news wins, and
	// a list is older than what the stream said after it was asked for.
	upsert(ev, { live = false, tick = 0, since } = {}) {
		ev = settle(ev);
		const row = this.rows.get(ev.id);
		if (row) {
			const was = finality(row.ev.status), now = finality(ev.status);
			if (now < was) return;
			if (now === was && since !== undefined && row.tick > since) return;
			row.ev = ev; // whole: a list's event, or the row's with a change on it
			row.tick = Math.max(row.tick, tick);
			this.updateRow(row);
			return;
		}
		const early = this.early.get(ev.id);
		if (early) {
			this.early.delete(ev.id);
			if ((since === undefined || early.tick > since) && finality(early.patch.status) >= finality(ev.status)) {
				ev = settle({ ...ev, ...early.patch });
				tick = Math.max(tick, early.tick);
			}
		}
		const li = this.buildRow(ev);
		const entry = { ev, li, tick, leaseTimer: 0 };
		this.rows.set(ev.id, entry);
		// ids are ULIDs: they sort by creation time. Newest first.
		let before = null;
		for (const child of this.list.children) {
			if (child.dataset.id < ev.id) { before = child; break; }
		}
		this.list.insertBefore(li, before);
		li.hidden = !this.matches(ev);
		this.watchLease(entry);
		if (live) {
			li.classList.add("fresh");
			requestAnimationFrame(() => requestAnimationFrame(() => li.classList.remove("fresh")));
		}
		if (this.rows.size > MAX_ROWS) {
			const last = this.list.lastElementChild;
			clearTimeout(this.rows.get(last.dataset.id).leaseTimer);
			this.rows.delete(last.dataset.id);
			last.remove();
			this.nextCursor = null; // older pages no longer line up
		}
	}

	// The stream says nothing when a lease runs out: the row turns pending
	// by itself then (as the server counts it), and "lease-ended" is sent.
	watchLease(row) {
		clearTimeout(row.leaseTimer);
		const left = leaseLeft(row.ev);
		if (left === null) return;
		row.leaseTimer = setTimeout(() => {
			if (this.rows.get(row.ev.id) !== row) return;
			row.ev = settle(row.ev);
			this.updateRow(row);
			this.refresh();
			if (row.ev.status !== "leased") this.dispatchEvent(new Event("lease-ended"));
		}, left + 50);
	}

	// ---- rows ---------------------------------------------------------------

	buildRow(ev) {
		const detailId = `detail-${ev.id}`;
		const li = h("li", { class: "event", dataset: { id: ev.id, status: ev.status } });
		const toggle = h("button", {
			type: "button", class: "event-toggle", "aria-expanded": "false", "aria-controls": detailId,
		});
		toggle.addEventListener("click", () => this.toggle(li));
		const actions = h("div", { class: "event-actions" });
		const detail = h("div", { class: "event-detail", id: detailId, hidden: true });
		li.append(h("div", { class: "event-head" }, toggle, actions), detail);
		this.fillRow(li, ev);
		return li;
	}

	fillRow(li, ev) {
		li.dataset.status = ev.status;
		const toggle = li.querySelector(".event-toggle");
		const title = h("span", { class: "event-title" });
		if (ev.type) title.append(ev.type);
		else title.append(h("span", { class: "none" }, "No type"));
		const meta = h("span", { class: "event-meta" },
			ev.source ? h("span", {}, h("span", { class: "k" }, "source "), ev.source) : null,
			ev.topic ? h("span", {}, h("span", { class: "k" }, "topic "), ev.topic) : null,
			!ev.source && !ev.topic ? h("span", {}, "No source or topic") : null);
		const note = statusNote(ev);
		const status = h("span", { class: "event-status" },
			h("span", { class: `badge badge-${ev.status}` }, statusLabel(ev.status)),
			note.until ? h("span", { class: "status-note" }, "until ",
				h("time", { datetime: note.until, title: note.until }, formatTime(note.until))) : null,
			note.count ? h("span", { class: "status-note" }, note.count) : null);
		toggle.replaceChildren(
			status,
			h("span", { class: "event-main" }, title, meta),
			h("time", { class: "event-time", datetime: ev.created_at, title: ev.created_at },
				formatTime(ev.created_at),
				svgIcon("chevron", "M9 5l7 7-7 7")));
		const noteText = statusNoteText(ev);
		toggle.setAttribute("aria-label",
			`${statusLabel(ev.status)}${noteText ? ` (${noteText})` : ""} event ${ev.type || "without type"}` +
			`${ev.source ? `, source ${ev.source}` : ""}${ev.topic ? `, topic ${ev.topic}` : ""}, ${formatTime(ev.created_at)}`);

		// A button that does not apply leaves an invisible placeholder of
		// its size, so the columns of all rows line up.
		const actions = li.querySelector(".event-actions");
		const spacer = (cls, text) => h("span", { class: `button button-small ${cls} spacer`, "aria-hidden": "true" }, text);
		const buttons = [];
		if (ev.status === "pending" || ev.status === "leased") {
			buttons.push(h("button", {
				type: "button", class: "button button-small", "data-action": "ack",
				"aria-label": `Acknowledge ${ev.id}`, onclick: (e) => this.ack(ev.id, e.currentTarget),
			}, "Acknowledge"));
		} else if (ev.status === "dead") {
			// in the Acknowledge column, as wide as that button
			buttons.push(h("span", { class: "action-slot" },
				h("button", {
					type: "button", class: "button button-small", "data-action": "redrive",
					"aria-label": `Redrive ${ev.id}`, onclick: (e) => this.redrive(ev.id, e.currentTarget),
				}, "Redrive"),
				spacer("", "Acknowledge")));
		} else {
			buttons.push(spacer("", "Acknowledge"));
		}
		if (ev.status !== "deleted") {
			buttons.push(h("button", {
				type: "button", class: "button button-small button-quiet button-danger", "data-action": "delete",
				"aria-label": `Delete ${ev.id}`, onclick: (e) => this.remove(ev.id, e.currentTarget),
			}, "Delete"));
		} else {
			buttons.push(spacer("button-quiet", "Delete"));
		}
		// keep focus on the row if the focused button goes away
		const hadFocus = actions.contains(document.activeElement);
		actions.replaceChildren(...buttons);
		if (hadFocus) (actions.querySelector("button:not(:disabled)") || toggle).focus();

		const detail = li.querySelector(".event-detail");
		if (!detail.hidden) this.fillDetail(detail, ev);
		else detail.replaceChildren();
	}

	updateRow(row) {
		this.fillRow(row.li, row.ev);
		row.li.hidden = !this.matches(row.ev);
		this.watchLease(row);
	}

	fillDetail(detail, ev) {
		const item = (k, v) => [h("dt", {}, k), h("dd", {}, v ?? "—")];
		detail.replaceChildren(
			h("dl", {},
				item("ID", ev.id),
				item("Received", ev.created_at),
				item("Acknowledged", ev.acked_at),
				item("Deliveries", Number.isInteger(ev.delivery_count) ? String(ev.delivery_count) : null),
				ev.status === "leased" ? item("Lease ends", ev.lease_expires_at) : null,
				ev.status === "dead" ? item("Dead since", ev.dead_at) : null,
				item("Source", ev.source),
				item("Type", ev.type),
				item("Topic", ev.topic)),
			h("pre", { class: "payload", tabindex: "0", "aria-label": "Payload" }, JSON.stringify(ev.payload, null, 2)));
	}

	toggle(li) {
		const toggle = li.querySelector(".event-toggle");
		const detail = li.querySelector(".event-detail");
		const open = toggle.getAttribute("aria-expanded") !== "true";
		toggle.setAttribute("aria-expanded", String(open));
		detail.hidden = !open;
		if (open) this.fillDetail(detail, this.rows.get(li.dataset.id).ev);
		else detail.replaceChildren();
	}

	// ---- actions ------------------------------------------------------------

	async ack(id, button) {
		button.disabled = true;
		try {
			const r = await api("POST", `${eventPath(id)}/ack`);
			const row = this.rows.get(id);
			if (row) this.upsert({ ...row.ev, status: "acknowledged", acked_at: r.acked_at }, { tick: ++this.clock });
			this.showError("");
			this.dispatchEvent(new Event("changed"));
		} catch (e) {
			button.disabled = false;
			if (e.status === 404) this.markDeleted(id);
			else if (e.status !== 401) this.showError(`Could not acknowledge ${id}: ${e.message}`);
		}
		this.refresh();
	}

	// First press asks, the second (within 4 s) deletes.
	async remove(id, button) {
		if (!button.classList.contains("confirming")) {
			button.classList.add("confirming");
			button.textContent = "Confirm delete";
			button.setAttribute("aria-label", `Confirm: delete ${id}`);
			clearTimeout(button._t);
			button._t = setTimeout(() => {
				button.classList.remove("confirming");
				button.textContent = "Delete";
				button.setAttribute("aria-label", `Delete ${id}`);
			}, 4000);
			return;
		}
		clearTimeout(button._t);
		button.disabled = true;
		try {
			await api("DELETE", eventPath(id));
			this.markDeleted(id);
			this.showError("");
			this.dispatchEvent(new Event("changed"));
		} catch (e) {
			button.disabled = false;
			if (e.status === 404) this.markDeleted(id);
			else if (e.status !== 401) this.showError(`Could not delete ${id}: ${e.message}`);
		}
		this.refresh();
	}

	// POST /inbox/{id}/redrive: a dead event becomes pending again, with
	// its delivery count back at 0.
	async redrive(id, button) {
		button.disabled = true;
		try {
			const r = await api("POST", `${eventPath(id)}/redrive`);
			const row = this.rows.get(id);
			// unless the stream has moved it on already (a worker leased it)
			if (row && row.ev.status === "dead") {
				this.upsert({ ...row.ev, status: r.status, delivery_count: r.delivery_count, dead_at: null }, { tick: ++this.clock });
			}
			this.showError("");
			this.showNotice(`Redriven: ${id} is pending again.`);
			this.dispatchEvent(new Event("changed"));
		} catch (e) {
			button.disabled = false;
			this.showNotice("");
			if (e.status === 404) this.markDeleted(id);
			else if (e.status !== 401) this.showError(`Could not redrive ${id}: ${e.message}`);
		}
		this.refresh();
	}

	markDeleted(id) {
		const row = this.rows.get(id);
		if (row) this.upsert({ ...row.ev, status: "deleted" }, { tick: ++this.clock });
	}

	// ---- feedback -----------------------------------------------------------

	showError(msg) {
		this.error.textContent = msg;
		this.error.hidden = !msg;
	}

	// What an action did, for a while. (The element stays in place, empty
	// and flat, so that screen readers hear it change.)
	showNotice(msg) {
		clearTimeout(this.noticeTimer);
		this.notice.textContent = msg;
		if (msg) this.noticeTimer = setTimeout(() => this.showNotice(""), NOTICE_FOR);
	}

	// Screen readers hear new events, at most one message every 2 s.
	announce(ev) {
		this.pendingAnnounce.push(ev);
		if (this.announceTimer) return;
		this.announceTimer = setTimeout(() => {
			const evs = this.pendingAnnounce;
			this.pendingAnnounce = [];
			this.announceTimer = null;
			this.announcer.textContent = evs.length === 1
				? `New event: ${evs[0].type || "without type"}${evs[0].source ? ` from ${evs[0].source}` : ""}`
				: `${evs.length} new events`;
		}, evs0Delay(this));
	}

	// Which rows show (the first this.window that match, and any opened
	// one), the empty state, the count and the "Show more" button.
	refresh() {
		let visible = 0, matching = 0;
		for (const li of this.list.children) {
			const row = this.rows.get(li.dataset.id);
			const match = !!row && this.matches(row.ev);
			if (match) matching++;
			const open = li.querySelector(".event-toggle[aria-expanded=true]") !== null;
			li.hidden = !(match && (matching <= this.window || open));
			if (!li.hidden) visible++;
		}
		this.beyond = matching - visible;
		const spanned = !!this.span.since;
		const filtered = spanned || this.filters.q || this.filters.topic || this.filters.type || this.filters.source || this.filters.status !== "all";
		let title = "", text = "";
		switch (this.phase) {
		case "no-key": title = "No API key"; text = "Enter an API key above to see your events."; break;
		case "auth": title = "Unknown API key"; text = "Check the key above and connect again."; break;
		case "loading": title = "Loading events…"; break;
		case "failed": title = "Events could not be loaded"; text = "Trying again every few seconds."; break;
		case "ready":
			if (!visible) {
				title = filtered ? "No events match these filters" : "No events yet";
				text = spanned ? "None in the chart's custom time range: pick another range to see more."
					: filtered ? "Change or clear the filters to see more." : "Send one from the API playground, or with curl to POST /events.";
			}
			break;
		default: title = "—";
		}
		this.empty.hidden = !title;
		this.emptyTitle.textContent = title;
		this.emptyText.textContent = text;
		this.count.textContent = this.phase === "ready" && visible ? `${formatNumber(visible)} shown${spanned ? " · in the custom range" : ""}` : "";
		this.more.hidden = !(this.phase === "ready" && (this.beyond > 0 || this.nextCursor));
	}
}

// The first announcement goes out quickly, later ones are batched.
function evs0Delay(log) {
	const now = Date.now();
	const wait = log.lastAnnounce && now - log.lastAnnounce < 2000 ? 2000 : 300;
	log.lastAnnounce = now + wait;
	return wait;
}
