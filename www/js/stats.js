// Stats cards and the events-per-minute chart, from GET /stats: every 10 s,
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

export class Stats {
	constructor() {
		this.el = {
			pending: $("#stat-pending"),
			leased: $("#stat-leased"),
			dead: $("#stat-dead"),
			acknowledged: $("#stat-acknowledged"),
			total: $("#stat-total"),
			sources: $("#stat-sources"),
			chart: $("#chart"),
			chartEmpty: $("#chart-empty"),
			note: $("#chart-note"),
			oldest: $("#oldest-pending"),
			inFlight: $("#leases-in-flight"),
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
		this.el.chartEmpty.hidden = false;
		this.el.note.textContent = "Last 60 minutes";
		this.el.chart.setAttribute("aria-label", "Events per minute: no data yet");
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
		if (this.inFlight) { this.dueAt = Date.now() + GAP_LOCAL; this.timer = setTimeout(() => this.refresh(), GAP_LOCAL); return; }
		this.inFlight = true;
		this.lastAt = Date.now();
		let next = EVERY;
		try {
			const s = await api("GET", "/stats");
			if (this.running) { this.render(s); this.setStale(""); }
		} catch (e) {
			if (e.status === 401) { this.inFlight = false; return; }
			if (e.retryAfter) next = Math.max(next, e.retryAfter * 1000);
			if (this.running && this.data) this.setStale(`Not current: ${e.message}`);
		}
		this.inFlight = false;
		if (this.running && !this.dueAt) this.timer = setTimeout(() => this.refresh(), next);
	}

	// Numbers that could not be refreshed are dimmed, and the note says why.
	setStale(msg) {
		this.stale = msg;
		document.body.classList.toggle("stats-stale", !!msg);
		if (this.hoverIdx === null) this.el.note.textContent = msg || this.summary || "Last 60 minutes";
	}

	render(s) {
		this.data = s;
		for (const k of COUNTS) this.el[k].textContent = formatNumber(s[k]);
		this.el.inFlight.textContent = formatNumber(s.leased);
		this.oldestAt = typeof s.oldest_pending_at === "string" ? new Date(s.oldest_pending_at) : null;
		this.renderOldest();
		// dead events wait for someone to redrive them: the card says so
		this.el.dead.closest(".stat").classList.toggle("stat-alert", s.dead > 0);
		this.renderSources(Array.isArray(s.by_source) ? s.by_source : []);
		this.renderChart(Array.isArray(s.per_minute) ? s.per_minute : []);
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

	renderChart(perMinute) {
		const xs = perMinute.map((p) => Math.floor(Date.parse(p.minute) / 1000));
		const ys = perMinute.map((p) => p.count);
		this.series = [xs, ys];
		const total = ys.reduce((a, b) => a + b, 0);
		const peak = ys.length ? Math.max(...ys) : 0;
		this.summary = `${formatNumber(total)} ${total === 1 ? "event" : "events"} in the last hour`;
		this.el.chart.setAttribute("aria-label",
			`Events per minute over the last 60 minutes: ${formatNumber(total)} in total, at most ${formatNumber(peak)} in one minute.`);
		if (this.hoverIdx === null && !this.stale) this.el.note.textContent = this.summary;
		this.el.chartEmpty.hidden = true;
		if (!this.plot) this.build();
		else this.plot.setData(this.series);
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
		const opts = {
			width, height,
			padding: [10, 18, 0, 0],
			legend: { show: false },
			cursor: { y: false, points: { show: false }, drag: { x: false, y: false, setScale: false } },
			select: { show: false },
			scales: {
				// half a minute either side, so the first and last bars show whole
				x: { time: true, range: (u, min, max) => [min - 30, max + 30] },
				y: { range: (u, min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] },
			},
			axes: [
				{
					stroke: axis, font, size: 28, gap: 6,
					grid: { show: false }, ticks: { show: false },
					space: 70,
					incrs: [60, 300, 600, 900, 1800, 3600],
					values: (u, splits) => splits.map((s) => formatMinute(new Date(s * 1000))),
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
					paths: uPlot.paths.bars({ size: [0.72, 18], radius: 0.25 }),
				},
			],
			hooks: {
				setCursor: [(u) => this.hover(u.cursor.idx)],
			},
		};
		this.plot = new uPlot(opts, this.series, this.el.chart);
	}

	hover(idx) {
		if (idx === null || idx === undefined || !this.series) {
			this.hoverIdx = null;
			this.el.note.textContent = this.stale || this.summary || "Last 60 minutes";
			return;
		}
		this.hoverIdx = idx;
		const n = this.series[1][idx];
		this.el.note.textContent = `${formatMinute(new Date(this.series[0][idx] * 1000))} · ${formatNumber(n)} ${n === 1 ? "event" : "events"}`;
	}

	size() {
		const r = this.el.chart.getBoundingClientRect();
		return { width: Math.max(200, Math.floor(r.width)), height: Math.max(120, Math.floor(r.height)) };
	}

	resize() {
		if (this.plot) this.plot.setSize(this.size());
	}
}
