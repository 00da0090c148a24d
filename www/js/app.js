// The dashboard: the API key, the connection status and server health,
// and the wiring between the live stream, the event log, the stats and
// the playground.

import { setApiKey, bus, rel } from "./api.js";
import { devKey } from "./devkey.js";
import { $ } from "./dom.js";
import { relativeTime } from "./format.js";
import { initTheme } from "./theme.js";
import { LiveStream } from "./stream.js";
import { EventLog } from "./log.js";
import { Stats } from "./stats.js";
import { Playground } from "./playground.js";
import { Hooks } from "./hooks.js";

const KEY_STORE = "zapstream.apiKey";
const HEALTH_EVERY = 10000;
const STATE_LABEL = {
	connecting: "Connecting…",
	connected: "Connected",
	reconnecting: "Reconnecting…",
	offline: "Offline",
};

const stream = new LiveStream();
const log = new EventLog();
// The chart's Custom range bounds the list too (its other ranges are
// views of recent traffic, and leave the list whole).
const stats = new Stats({
	onWindow: (w) => {
		if (!log.setSpan(w)) return;
		if (log.phase === "auth" || log.phase === "no-key" || log.phase === "idle") { log.refresh(); return; }
		clearTimeout(listTimer);
		log.reset("loading");
		log.load();
	},
});
const playground = new Playground();
const hooks = new Hooks({
	// a source's "Show all in the event list": filter the list by it
	onShowEvents: (name) => {
		for (const f of ["q", "topic", "type"]) filtersForm.elements[f].value = "";
		filtersForm.elements.source.value = name;
		filtersForm.elements.status.value = "all";
		applyFilters();
		$("#event-list").scrollIntoView({ block: "start" });
	},
});

const keyForm = $("#key-form");
const keyInput = $("#api-key");
const keyShow = $("#key-show");
const keyMessage = $("#key-message");
const filtersForm = $("#filters");

let listTimer = 0;
let lastEventAt = null;

// ---- storage (may be disabled) ----------------------------------------------

const store = {
	get(k) { try { return localStorage.getItem(k); } catch { return null; } },
	set(k, v) { try { if (v) localStorage.setItem(k, v); else localStorage.removeItem(k); } catch { /* not kept */ } },
};

// ---- key ----------------------------------------------------------------------

function setKeyMessage(text, state = "info") {
	keyMessage.textContent = text;
	keyMessage.dataset.state = state;
}

function connect(key) {
	clearTimeout(listTimer);
	playground.hideCurl();
	keyInput.removeAttribute("aria-invalid");
	setApiKey(key);
	stream.stop();
	stats.stop();
	if (!key) {
		log.reset("no-key");
		stats.clear();
		hooks.clear();
		stream.stop("offline", "No API key");
		setKeyMessage("Enter an API key to see your events.");
		return;
	}
	log.reset("loading");
	stream.start(log.serverFilters());
	stats.start();
	hooks.load();
	// The list is loaded when the stream is open (so nothing falls between
	// the two); if the stream is slow to open, load it anyway.
	listTimer = setTimeout(() => log.load(), 2500);
}

bus.addEventListener("unauthorized", () => {
	clearTimeout(listTimer);
	const missing = !keyInput.value.trim();
	stream.stop("offline", missing ? "No API key" : "Unknown API key");
	stats.clear();
	hooks.clear();
	log.reset(missing ? "no-key" : "auth");
	setKeyMessage(missing ? "Enter an API key to see your events." : "Unknown API key. Check it and connect again.", "error");
	keyInput.setAttribute("aria-invalid", "true");
});

keyForm.addEventListener("submit", (e) => {
	e.preventDefault();
	const key = keyInput.value.trim();
	keyInput.value = key;
	store.set(KEY_STORE, key);
	if (key) setKeyMessage("Key saved in this browser.");
	connect(key);
});

keyShow.addEventListener("click", () => {
	const show = keyInput.type === "password";
	keyInput.type = show ? "text" : "password";
	keyShow.textContent = show ? "Hide" : "Show";
});

// ---- connection status ---------------------------------------------------------

const connState = $("#conn-state");
const connLabel = $("#conn-label");
const lastEventEl = $("#last-event");
const healthEl = $("#health");

stream.addEventListener("state", (e) => {
	const { state, detail } = e.detail;
	connState.dataset.state = state;
	connLabel.textContent = STATE_LABEL[state] + (detail ? ` · ${detail}` : "");
	// a lost stream: is it the server? (no need to wait for the next poll)
	if (state === "reconnecting") pollHealthSoon();
	// and are the numbers still current? A failed refresh dims them.
	if (state === "reconnecting" || state === "offline") stats.soon({ local: true });
});

let opens = 0;
stream.addEventListener("open", (e) => {
	// back after an outage: the numbers may have moved meanwhile
	if (opens++ > 0) stats.soon({ local: true });
	if (!e.detail.resync) return;
	clearTimeout(listTimer);
	log.load();
});

stream.addEventListener("change", (e) => {
	const { kind, data } = e.detail;
	log.applyChange(kind, data);
	markLastEvent(new Date());
	stats.soon();
});

function markLastEvent(date) {
	if (Number.isNaN(date.getTime())) return;
	if (lastEventAt && date <= lastEventAt) return;
	lastEventAt = date;
	lastEventEl.dateTime = date.toISOString();
	lastEventEl.title = date.toLocaleString();
	renderLastEvent();
}

function renderLastEvent() {
	lastEventEl.textContent = lastEventAt ? relativeTime(lastEventAt) : "—";
}
setInterval(renderLastEvent, 1000);

log.addEventListener("newest", (e) => markLastEvent(new Date(e.detail)));
log.addEventListener("changed", () => stats.soon({ local: true }));
log.addEventListener("lease-ended", () => stats.soon());
playground.addEventListener("sent", () => stats.soon({ local: true }));

async function pollHealth() {
	let text, state;
	try {
		const res = await fetch(rel("/health"), { cache: "no-store" });
		const j = await res.json().catch(() => null);
		if (res.ok && j && j.status === "ok") {
			text = j.version ? `OK · v${j.version}` : "OK";
			state = "ok";
		} else {
			text = j && j.database === "unavailable" ? "Database unavailable" : `Error ${res.status}`;
			state = "down";
		}
	} catch {
		text = "Unreachable";
		state = "down";
	}
	healthEl.textContent = text;
	healthEl.dataset.state = state;
	// A server that answers again: retry a stream that was given up on.
	if (state === "ok" && stream.running && !stream.es) stream.connect();
}
let healthTimer = 0;
let lastHealthAt = 0;
function scheduleHealth(ms) {
	clearTimeout(healthTimer);
	healthTimer = setTimeout(async () => {
		lastHealthAt = Date.now();
		await pollHealth();
		scheduleHealth(HEALTH_EVERY);
	}, ms);
}
function pollHealthSoon() {
	scheduleHealth(Math.max(0, lastHealthAt + 2000 - Date.now()));
}
scheduleHealth(0);

// ---- filters ------------------------------------------------------------------

function readFilters() {
	const v = (name) => filtersForm.elements[name].value.trim();
	return { q: v("q"), topic: v("topic"), type: v("type"), source: v("source"), status: filtersForm.elements.status.value };
}

let filterTimer = 0;
function applyFilters() {
	clearTimeout(filterTimer);
	const next = readFilters();
	const prev = log.filters;
	$("#filters-clear").hidden = !(next.q || next.topic || next.type || next.source || next.status !== "all");
	if (JSON.stringify(next) === JSON.stringify(prev)) return;
	log.setFilters(next);
	const key = keyInput.value.trim();
	if (!key || log.phase === "auth" || log.phase === "no-key") { log.refresh(); return; }
	const serverChanged = next.topic !== prev.topic || next.type !== prev.type || next.source !== prev.source;
	clearTimeout(listTimer);
	log.reset("loading");
	if (serverChanged) {
		stream.start(log.serverFilters());
		listTimer = setTimeout(() => log.load(), 2500);
	} else {
		log.load();
	}
}

filtersForm.addEventListener("input", (e) => {
	clearTimeout(filterTimer);
	filterTimer = setTimeout(applyFilters, e.target.tagName === "SELECT" ? 0 : 400);
});
filtersForm.addEventListener("submit", (e) => { e.preventDefault(); applyFilters(); });
filtersForm.addEventListener("reset", () => {
	setTimeout(() => { applyFilters(); filtersForm.elements.topic.focus(); }, 0);
});

// ---- start ----------------------------------------------------------------------

initTheme($("#theme-toggle"));

(async () => {
	let key = store.get(KEY_STORE) || "";
	if (!key) {
		key = await devKey();
		if (key) setKeyMessage("Using the development key of make dev.");
	}
	keyInput.value = key;
	connect(key);
})();
