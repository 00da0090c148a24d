// Stats cards and the events chart, from GET /stats?range=: every 10 s,
// and soon after a change: within a second of one made here (acknowledge,
// delete, send), at most every 5 s for those arriving on the stream, so a
// busy inbox does not spend the key's rate limit (60 a minute by default).

import uPlot from "../vendor/uplot/uPlot.esm.js";
import { api } from "./api.js";
import { $, h } from "./dom.js";
import { formatAge, formatNumber, formatMinute } from "./format.js";

const EVERY = 10000;
const GAP_LOCAL = 1000;
const GAP_STREAM = 5000;
const TOP_SOURCES = 5;
// the cards, by their field in GET /stats
const COUNTS = ["pending", "leased", "dead", "acknowledged", "total"];
const RANGE_KEY = "zapstream.chartRange";
const hourFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric" });
// How a chart of each bucket unit is drawn: the bucket's width, the
// heading, the axis steps, and the labels of a tick and of a tooltip.
const BY_UNIT = {
	minute: { unit: "minute", secs: 60, heading: "Events per minute", incrs: [60, 120, 300, 600, 900, 1800, 3600],
		tick: (d) => formatMinute(d), tip: (d) => formatMinute(d) },
	hour: { unit: "hour", secs: 3600, heading: "Events per hour", incrs: [3600, 7200, 10800, 21600, 43200, 86400],
		tick: (d) => formatMinute(d), tip: (d) => `${hourFmt.format(d)}–${formatMinute(new Date(d.getTime() + 3600000))}` },
	day: { unit: "day", secs: 86400, heading: "Events per day", incrs: [86400, 172800],
		tick: (d) => dayFmt.format(d), tip: (d) => `${dayFmt.format(d)} (UTC)` },
};
// The picker's fixed ranges: which GET /stats range each asks for, and how
// many of its buckets (the newest) it shows; 15 min is the end of 1 h's
// minutes. A custom window (GET /stats?since=&until=) has no entry: the
// server picks its unit, the narrowest that 60 buckets cover it in.
const RANGES = {
	"15m": { ...BY_UNIT.minute, api: "1h", take: 15, note: "Last 15 minutes", incrs: [60, 120, 300, 600, 900] },
	"1h": { ...BY_UNIT.minute, api: "1h", take: 60, note: "Last 60 minutes", incrs: [60, 300, 600, 900, 1800, 3600] },
	"24h": { ...BY_UNIT.hour, api: "24h", take: 24, note: "Last 24 hours" },
	"7d": { ...BY_UNIT.day, api: "7d", take: 7, note: "Last 7 days (UTC days)" },
};
const REACH_MS = 7 * 86400000; // GET /stats?since= reaches back 7 days
const spanFmt = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
const PHRASE = { "15m": "in the last 15 minutes", "1h": "in the last hour", "24h": "in the last 24 hours", "7d": "in the last 7 days" };

export class Stats {
	// onWindow({since, until}): the custom window picked (Date or null
	// each), for the list to follow; both null when a range is picked.
	constructor({ onWindow = () => {} } = {}) {
		this.onWindow = onWindow;
		this.custom = null; // {since, until}: Dates (until null: now)
		this.unit = "minute"; // a custom window's buckets, as answered
		this.el = {
			pending: $("#stat-pending"),
			leased: $("#stat-leased"),
			dead: $("#stat-dead"),
			acknowledged: $("#stat-acknowledged"),
			total: $("#stat-total"),
			sources: $("#stat-sources"),
			chart: $("#chart"),
			tip: $("#chart-tip"),
			heading: $("#chart-heading"),
			picker: $("#chart-range"),
			chartEmpty: $("#chart-empty"),
			note: $("#chart-note"),
			oldest: $("#oldest-pending"),
			inFlight: $("#leases-in-flight"),
			customForm: $("#chart-custom"),
			from: $("#range-from"),
			to: $("#range-to"),
			rangeError: $("#range-error"),
		};
		// the oldest pending event ages between refreshes: count it on
		this.oldestAt = null;
		setInterval(() => this.renderOldest(), 1000);
		this.plot = null;
		this.data = null;
		this.timer = 0;
		this.running = false;
		this.inFlight = false;
		this.lastAt = 0;
		this.hoverIdx = null;
		this.focusIdx = null;
		this.range = "1h";
		try { const r = localStorage.getItem(RANGE_KEY); if (r && RANGES[r]) this.range = r; } catch { /* storage off */ }
		this.setRange(this.range, { fetch: false });
		this.el.picker.addEventListener("click", (e) => {
			const b = e.target.closest("button[data-range]");
			if (!b) return;
			if (b.dataset.range === "custom") this.openCustom();
			else this.setRange(b.dataset.range);
		});
		this.el.customForm.addEventListener("submit", (e) => { e.preventDefault(); this.applyCustom(); });
		// the bars by keyboard: focus shows the newest, arrows move
		this.el.chart.addEventListener("focus", () => {
			if (!this.series || !this.series[0].length) return;
			this.focusIdx = this.hoverIdx ?? this.series[0].length - 1;
			this.hover(this.focusIdx);
		});
		this.el.chart.addEventListener("blur", () => { this.focusIdx = null; this.hover(null); });
		this.el.chart.addEventListener("keydown", (e) => this.key(e));
		new ResizeObserver(() => this.resize()).observe(this.el.chart);
		document.addEventListener("themechange", () => this.rebuild());
	}

	start() {
		this.stop();
		this.running = true;
		this.refresh();
	}

	stop() {
		this.running = false;
		this.dueAt = 0;
		clearTimeout(this.timer);
	}

	// Back to "—" (no key, or the key was refused).
	clear() {
		this.stop();
		this.data = null;
		this.setStale("");
		for (const k of COUNTS) this.el[k].textContent = "—";
		this.oldestAt = null;
		this.el.oldest.textContent = "—";
		this.el.inFlight.textContent = "—";
		this.el.dead.closest(".stat").classList.remove("stat-alert");
		this.el.sources.replaceChildren(h("li", { class: "muted" }, "—"));
		if (this.plot) { this.plot.destroy(); this.plot = null; }
		this.series = null;
		this.summary = "";
		this.el.chartEmpty.hidden = false;
		this.el.tip.hidden = true;
		this.el.note.textContent = this.r().note;
		this.el.chart.setAttribute("aria-label", `${this.r().heading}: no data yet`);
	}

	// The range picked, as RANGES has it; a custom window's from its
	// buckets' unit and its bounds.
	r() {
		if (this.range !== "custom") return RANGES[this.range];
		const { since, until } = this.custom;
		return { ...BY_UNIT[this.unit], api: "custom", take: Infinity,
			note: `${spanFmt.format(since)} to ${until ? spanFmt.format(until) : "now"}` };
	}

	// "Custom": the form, filled with the window in use or the last hour.
	openCustom() {
		const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
		const now = new Date();
		const w = this.custom || { since: new Date(now.getTime() - 3600000), until: null };
		this.el.from.value = local(w.since);
		this.el.to.value = w.until ? local(w.until) : "";
		this.el.from.min = this.el.to.min = local(new Date(now.getTime() - REACH_MS + 60000));
		this.el.from.max = this.el.to.max = local(now);
		this.showRangeError("");
		this.el.customForm.hidden = false;
		this.el.picker.querySelector("button[data-range='custom']").setAttribute("aria-expanded", "true");
		this.el.from.focus();
	}

	showRangeError(text) {
		this.el.rangeError.textContent = text;
		this.el.rangeError.hidden = !text;
	}

	// The form's window, checked as GET /stats checks it, then picked.
	applyCustom() {
		const since = this.el.from.value ? new Date(this.el.from.value) : null;
		const until = this.el.to.value ? new Date(this.el.to.value) : null;
		const now = Date.now();
		let why = "";
		if (!since || Number.isNaN(since.getTime())) why = "Give the start of the range.";
		else if (since.getTime() >= now) why = "The start must be in the past.";
		else if (since.getTime() < now - REACH_MS) why = "The start must be within the last 7 days: the counts per minute are kept that long.";
		else if (until && until <= since) why = "The end must be later than the start.";
		this.showRangeError(why);
		if (why) return;
		this.custom = { since, until };
		this.el.customForm.hidden = true;
		this.el.picker.querySelector("button[data-range='custom']").setAttribute("aria-expanded", "false");
		this.setRange("custom", { force: true });
	}

	// The picker: its button pressed, the heading, and the figures anew.
	setRange(range, { fetch = true, force = false } = {}) {
		if (!RANGES[range] && !(range === "custom" && this.custom)) return;
		const changed = range !== this.range || force;
		this.range = range;
		// a custom window is for this visit: a reload shows 1 h
		try { localStorage.setItem(RANGE_KEY, range === "custom" ? "1h" : range); } catch { /* storage off */ }
		for (const b of this.el.picker.querySelectorAll("button[data-range]"))
			b.setAttribute("aria-pressed", String(b.dataset.range === range));
		if (range !== "custom") this.el.customForm.hidden = true;
		this.onWindow(range === "custom" ? this.custom : { since: null, until: null });
		this.el.heading.textContent = this.r().heading;
		this.el.chart.dataset.range = range;
		if (!changed || !fetch) return;
		this.focusIdx = null;
		this.hoverIdx = null;
		this.el.tip.hidden = true;
		// a new bucket width: new axes (rebuilt when the data comes)
		if (this.plot) { this.plot.destroy(); this.plot = null; }
		if (this.data && this.data.range === this.r().api && range !== "custom") this.renderChart(this.data);
		if (this.running) this.refresh();
	}

	// Called after a change: refresh soon, but not more often than the gap.
	soon({ local = false } = {}) {
		if (!this.running) return;
		const due = Math.max(Date.now() + 250, this.lastAt + (local ? GAP_LOCAL : GAP_STREAM));
		if (this.dueAt && this.dueAt <= due) return; // already coming
		clearTimeout(this.timer);
		this.dueAt = due;
		this.timer = setTimeout(() => this.refresh(), due - Date.now());
	}

	async refresh() {
		if (!this.running) return;
		clearTimeout(this.timer);
		this.dueAt = 0;
		if (this.inFlight) { this.dueAt = Date.now() + 100; this.timer = setTimeout(() => this.refresh(), 100); return; }
		this.inFlight = true;
		this.lastAt = Date.now();
		let next = EVERY;
		try {
			const asked = this.statsQuery();
			const s = await api("GET", `/stats?${asked}`);
			// the range may have changed while the request was out
			if (this.running) { this.render(s, asked === this.statsQuery()); this.setStale(""); }
		} catch (e) {
			if (e.status === 401) { this.inFlight = false; return; }
			if (e.retryAfter) next = Math.max(next, e.retryAfter * 1000);
			if (this.running && this.data) this.setStale(`Not current: ${e.message}`);
		}
		this.inFlight = false;
		if (this.running && !this.dueAt) this.timer = setTimeout(() => this.refresh(), next);
	}

	// GET /stats's query for the range picked.
	statsQuery() {
		if (this.range !== "custom") return `range=${RANGES[this.range].api}`;
		const { since, until } = this.custom;
		return `since=${since.toISOString()}` + (until ? `&until=${until.toISOString()}` : "");
	}

	// Numbers that could not be refreshed are dimmed, and the note says why.
	setStale(msg) {
		this.stale = msg;
		document.body.classList.toggle("stats-stale", !!msg);
		if (this.hoverIdx === null) this.el.note.textContent = msg || this.summary || this.r().note;
	}

	// current: the figures are of the range picked (not one picked before
	// the answer came: the cards are right either way, the chart waits).
	render(s, current = true) {
		this.data = s;
		for (const k of COUNTS) this.el[k].textContent = formatNumber(s[k]);
		this.el.inFlight.textContent = formatNumber(s.leased);
		this.oldestAt = typeof s.oldest_pending_at === "string" ? new Date(s.oldest_pending_at) : null;
		this.renderOldest();
		// dead events wait for someone to redrive them: the card says so
		this.el.dead.closest(".stat").classList.toggle("stat-alert", s.dead > 0);
		this.renderSources(Array.isArray(s.by_source) ? s.by_source : []);
		if (current) this.renderChart(s);
	}

	// "None" when nothing waits; the age of the oldest pending event else.
	renderOldest() {
		if (!this.data) return;
		this.el.oldest.textContent = this.oldestAt ? formatAge(this.oldestAt) : "None";
	}

	renderSources(list) {
		const top = [...list].sort((a, b) => b.count - a.count).slice(0, TOP_SOURCES);
		if (!top.length) {
			this.el.sources.replaceChildren(h("li", { class: "muted" }, "No events stored"));
			return;
		}
		const max = Math.max(...top.map((s) => s.count), 1);
		this.el.sources.replaceChildren(...top.map((s) => {
			const name = s.source === null ? h("span", { class: "source-name muted" }, "No source")
				: h("span", { class: "source-name", title: s.source }, s.source);
			return h("li", {},
				name,
				h("span", { class: "source-count" }, formatNumber(s.count)),
				h("span", { class: "source-bar", "aria-hidden": "true" },
					h("span", { style: { width: `${Math.max(2, (s.count / max) * 100).toFixed(1)}%` } })));
		}));
	}

	// ---- chart --------------------------------------------------------------

	renderChart(s) {
		if (this.range === "custom" && BY_UNIT[s.bucket]) {
			if (s.bucket !== this.unit && this.plot) { this.plot.destroy(); this.plot = null; }
			this.unit = s.bucket;
			this.el.heading.textContent = this.r().heading;
		}
		const r = this.r();
		// buckets: [{start, count}]; per_minute for a server before ?range=
		const all = Array.isArray(s.buckets) ? s.buckets
			: Array.isArray(s.per_minute) ? s.per_minute.map((p) => ({ start: p.minute, count: p.count })) : [];
		const list = all.slice(-r.take);
		// each bar in the middle of its minute, hour or day
		const xs = list.map((p) => Math.floor(Date.parse(p.start) / 1000) + r.secs / 2);
		const ys = list.map((p) => p.count);
		const total = ys.reduce((a, b) => a + b, 0);
		const peak = ys.length ? Math.max(...ys) : 0;
		// a count of 1 beside a peak of 10,000 still shows: a bar is at
		// least 2 % of the scale high (the tooltip says the true count)
		const shown = ys.map((n) => (n > 0 ? Math.max(n, peak * 0.02) : 0));
		this.series = [xs, shown];
		this.counts = ys;
		this.el.chart.dataset.bars = String(xs.length);
		this.el.chart.dataset.bucket = r.unit;
		this.summary = `${formatNumber(total)} ${total === 1 ? "event" : "events"} ${PHRASE[this.range] || `from ${r.note}`}`;
		this.el.chart.setAttribute("aria-label",
			`${r.heading}, ${r.note.toLowerCase()}: ${formatNumber(total)} in total, at most ${formatNumber(peak)} in one ${r.unit}.`);
		if (this.hoverIdx === null && !this.stale) this.el.note.textContent = this.summary;
		this.el.chartEmpty.hidden = true;
		if (!this.plot || this.plotRange !== this.range) { if (this.plot) this.plot.destroy(); this.plot = null; this.build(); }
		else this.plot.setData(this.series);
		if (this.focusIdx !== null) this.hover(Math.min(this.focusIdx, xs.length - 1));
	}

	rebuild() {
		if (!this.plot) return;
		this.plot.destroy();
		this.plot = null;
		this.build();
	}

	build() {
		if (!this.series) return;
		const css = getComputedStyle(document.documentElement);
		const v = (name) => css.getPropertyValue(name).trim();
		const bar = v("--chart-bar");
		const axis = v("--chart-axis");
		const grid = v("--chart-grid");
		const font = `12px ${v("--font") || "system-ui"}`;
		const { width, height } = this.size();
		const r = this.r();
		const half = r.secs / 2;
		this.plotRange = this.range;
		const opts = {
			width, height,
			padding: [10, 18, 0, 0],
			legend: { show: false },
			cursor: { y: false, points: { show: false }, drag: { x: false, y: false, setScale: false } },
			select: { show: false },
			scales: {
				// from the first bucket's start to the last one's end: every
				// bar, the newest too, whole in its own slot
				x: { time: true, range: (u, min, max) => [min - half, max + half] },
				y: { range: (u, min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] },
			},
			axes: [
				{
					stroke: axis, font, size: 28, gap: 6,
					grid: { show: false }, ticks: { show: false },
					space: 70,
					incrs: r.incrs,
					values: (u, splits) => splits.map((s) => r.tick(new Date(s * 1000))),
				},
				{
					stroke: axis, font, size: 36, gap: 6,
					grid: { stroke: grid, width: 1 }, ticks: { show: false },
					space: 36,
					incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000],
					values: (u, splits) => splits.map((s) => formatNumber(s)),
				},
			],
			series: [
				{},
				{
					label: "Events",
					stroke: bar,
					fill: bar,
					width: 0,
					points: { show: false },
					paths: uPlot.paths.bars({ size: [0.72, 64], radius: 0.25 }),
				},
			],
			hooks: {
				setCursor: [(u) => this.hover(u.cursor.idx)],
			},
		};
		this.plot = new uPlot(opts, this.series, this.el.chart);
	}

	hover(idx) {
		if ((idx === null || idx === undefined) && this.focusIdx !== null) idx = this.focusIdx;
		if (idx === null || idx === undefined || !this.series || idx < 0 || idx >= this.series[0].length) {
			this.hoverIdx = null;
			this.el.tip.hidden = true;
			this.el.note.textContent = this.stale || this.summary || this.r().note;
			return;
		}
		this.hoverIdx = idx;
		const r = this.r();
		const n = this.counts[idx];
		const text = `${r.tip(new Date((this.series[0][idx] - r.secs / 2) * 1000))} · ${formatNumber(n)} ${n === 1 ? "event" : "events"}`;
		this.el.note.textContent = text;
		this.el.tip.textContent = text;
		this.el.tip.hidden = false;
		this.placeTip(idx);
	}

	// Above the bar (or its slot, when empty), inside the chart's width.
	placeTip(idx) {
		const u = this.plot;
		if (!u) return;
		const wrap = this.el.chart.parentElement.getBoundingClientRect();
		const over = u.over.getBoundingClientRect();
		const x = over.left - wrap.left + u.valToPos(this.series[0][idx], "x");
		const y = over.top - wrap.top + u.valToPos(this.series[1][idx] || 0, "y");
		const w = this.el.tip.offsetWidth;
		const left = Math.min(Math.max(x, w / 2), wrap.width - w / 2);
		this.el.tip.style.left = `${left}px`;
		this.el.tip.style.top = `${Math.max(y, this.el.tip.offsetHeight + 6)}px`;
	}

	key(e) {
		if (!this.series || !this.series[0].length) return;
		const last = this.series[0].length - 1;
		let i = this.focusIdx ?? last;
		if (e.key === "ArrowLeft") i = Math.max(0, i - 1);
		else if (e.key === "ArrowRight") i = Math.min(last, i + 1);
		else if (e.key === "Home") i = 0;
		else if (e.key === "End") i = last;
		else if (e.key === "Escape") { this.focusIdx = null; this.hover(null); return; }
		else return;
		e.preventDefault();
		this.focusIdx = i;
		this.hover(i);
	}

	size() {
		const r = this.el.chart.getBoundingClientRect();
		return { width: Math.max(200, Math.floor(r.width)), height: Math.max(120, Math.floor(r.height)) };
	}

	resize() {
		if (this.plot) this.plot.setSize(this.size());
	}
}
