// The live stream: one EventSource on /inbox/stream (the key goes in
// ?api_key=, since EventSource cannot set headers). The browser reconnects
// by itself and sends Last-Event-ID, so the server replays what was missed.
// When the browser gives up (an HTTP error, e.g. a 503 while the server
// restarts) we open a new EventSource with ?last_event_id= ourselves.
//
// Events: "state" {state, detail}, "open" {resync}, "change" {kind, data}.
// States: connecting, connected, reconnecting, offline.

import { api, query, getApiKey, rel } from "./api.js";
import { CHANGE_KINDS } from "./status.js";

export class LiveStream extends EventTarget {
	constructor() {
		super();
		this.es = null;
		this.lastId = null;
		this.filters = {};
		this.state = "offline";
		this.detail = "";
		this.everOpen = false;
		this.running = false;
		this.retryTimer = 0;
		this.retryDelay = 3000;
		addEventListener("online", () => this.onOnline());
		addEventListener("offline", () => this.setState("offline", "No network connection"));
	}

	start(filters) {
		this.stop();
		this.filters = filters;
		this.lastId = null;
		this.everOpen = false;
		this.running = true;
		this.retryDelay = 3000;
		this.connect();
	}

	stop(state = "offline", detail = "") {
		this.running = false;
		clearTimeout(this.retryTimer);
		if (this.es) { this.es.close(); this.es = null; }
		this.setState(state, detail);
	}

	connect() {
		clearTimeout(this.retryTimer);
		if (!this.running) return;
		if (!navigator.onLine) { this.setState("offline", "No network connection"); return; }
		const params = { api_key: getApiKey(), ...this.filters };
		if (this.lastId !== null) params.last_event_id = this.lastId;
		const es = new EventSource(rel("/inbox/stream") + query(params));
		this.es = es;
		this.setState(this.everOpen ? "reconnecting" : "connecting");
		es.onopen = () => {
			if (es !== this.es) return;
			this.everOpen = true;
			this.retryDelay = 3000;
			this.setState("connected");
			// Without a last id the stream started at the present: the
			// list must be (re)loaded to cover what came before.
			this.emit("open", { resync: this.lastId === null });
		};
		es.onerror = () => {
			if (es !== this.es) return;
			if (es.readyState === EventSource.CONNECTING) {
				this.setState(navigator.onLine ? "reconnecting" : "offline",
					navigator.onLine ? "" : "No network connection");
				return;
			}
			es.close();
			this.es = null;
			this.diagnose();
		};
		for (const kind of CHANGE_KINDS) {
			es.addEventListener(kind, (e) => {
				if (es !== this.es) return;
				if (e.lastEventId) this.lastId = e.lastEventId;
				let data;
				try { data = JSON.parse(e.data); } catch { return; }
				this.emit("change", { kind, data });
			});
		}
	}

	// The browser closed the stream for good: find out why (a wrong key
	// stays wrong; anything else is retried with a growing delay).
	async diagnose() {
		let wait = this.retryDelay;
		try {
			await api("GET", "/inbox?limit=1");
		} catch (e) {
			if (e.status === 401) { this.stop("offline", "Unknown API key"); return; }
			if (e.retryAfter) wait = Math.max(wait, e.retryAfter * 1000);
		}
		if (!this.running) return;
		this.setState(navigator.onLine ? (this.everOpen ? "reconnecting" : "connecting") : "offline");
		this.retryDelay = Math.min(this.retryDelay * 2, 30000);
		this.retryTimer = setTimeout(() => this.connect(), wait);
	}

	onOnline() {
		if (!this.running) return;
		if (!this.es) this.connect();
		else this.setState(this.es.readyState === EventSource.OPEN ? "connected" : "reconnecting");
	}

	setState(state, detail = "") {
		if (state === this.state && detail === this.detail) return;
		this.state = state;
		this.detail = detail;
		this.emit("state", { state, detail });
	}

	emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }
}
