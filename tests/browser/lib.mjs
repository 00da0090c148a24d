// Shared by the browser tests (tests/browser.bats runs one script per test).
// Each script gets ZS_URL (a running ZapStream) and ZS_KEY (an API key) in
// the environment, exits 0 on success, and prints one clear line and exits
// 1 on failure. Screenshots go to ZS_OUTPUT (default tests/output/).

import { chromium } from "playwright-core";
import { execFile } from "node:child_process";
import { mkdirSync, existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ZS_URL = process.env.ZS_URL;
export const KEY = process.env.ZS_KEY || "key_a";
export const OUT = process.env.ZS_OUTPUT || fileURLToPath(new URL("../output/", import.meta.url));
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

if (!ZS_URL) {
	console.error("ZS_URL is not set: start a server first (tests/helpers/server.bash)");
	process.exit(2);
}
mkdirSync(OUT, { recursive: true });

export class Failure extends Error {}

// fail(msg): stop the test with this message.
export function fail(msg) { throw new Failure(msg); }

export function check(cond, msg) { if (!cond) fail(msg); }

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function launch() {
	return chromium.launch({
		executablePath: CHROMIUM,
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync"],
	});
}

// Reports every Content-Security-Policy violation of a page as a console
// error "CSP violation: ..." (watch() then counts it): Chromium logs most
// of them itself, the event names the directive and the blocked source.
// Installed in each context by open(); cspWatch(context) for others.
export async function cspWatch(context) {
	await context.addInitScript(() => {
		document.addEventListener("securitypolicyviolation", (e) => {
			console.error(`CSP violation: ${e.violatedDirective} refused ${e.blockedURI || "(inline)"}` +
				` at ${e.sourceFile || e.documentURI}:${e.lineNumber}${e.sample ? ` "${e.sample}"` : ""}`);
		}, true);
	});
}

// Watches a page for console errors (a CSP violation among them: a
// warning or any message naming the policy counts too), uncaught
// exceptions, failed requests and HTTP errors. `allow(text)` may excuse
// an expected one.
export function watch(page, allow = () => false) {
	const problems = [];
	const add = (p) => { if (!allow(p)) problems.push(p); };
	page.on("console", (m) => {
		if (m.type() !== "error" && !/Content Security Policy|CSP violation/i.test(m.text())) return;
		const where = m.location() && m.location().url;
		add(`console error: ${m.text()}${where ? ` (${where})` : ""}`);
	});
	page.on("pageerror", (e) => add(`uncaught exception: ${e.message}`));
	page.on("requestfailed", (r) => {
		const why = r.failure() ? r.failure().errorText : "?";
		// closing the page or the EventSource aborts the open stream
		if (why === "net::ERR_ABORTED" && r.url().includes("/inbox/stream")) return;
		add(`request failed: ${r.method()} ${r.url()} (${why})`);
	});
	page.on("response", (r) => {
		if (r.status() >= 400) add(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
	});
	return problems;
}

// A browser context and page on the dashboard, with `key` already saved in
// localStorage (as if typed once), or none.
export async function open(browser, { key = KEY, viewport = { width: 1280, height: 800 }, colorScheme = "light", allow, path = "/", permissions = [], routes = [] } = {}) {
	const context = await browser.newContext({ viewport, colorScheme, permissions });
	await cspWatch(context);
	// routes: [[url pattern, handler]], in place before the page loads
	for (const [pattern, handler] of routes) await context.route(pattern, handler);
	if (key) {
		await context.addInitScript((k) => {
			if (!localStorage.getItem("zapstream.apiKey")) localStorage.setItem("zapstream.apiKey", k);
		}, key);
	}
	const page = await context.newPage();
	const problems = watch(page, allow);
	await page.goto(ZS_URL + path, { waitUntil: "load" });
	return { context, page, problems };
}

// Waits for the live stream to say "Connected".
export async function waitConnected(page, timeout = 10000) {
	await waitFor(page.locator("#conn-state[data-state=connected]"), timeout,
		async () => `the status never showed "connected" (it shows "${await page.locator("#conn-label").textContent()}")`);
}

// locator.waitFor with a readable failure.
export async function waitFor(locator, timeout, message, state = "visible") {
	try {
		await locator.waitFor({ state, timeout });
	} catch {
		fail(typeof message === "function" ? await message() : message);
	}
}

// Polls fn() until it returns a truthy value.
export async function until(fn, timeout, message) {
	const end = Date.now() + timeout;
	let last;
	while (Date.now() < end) {
		last = await fn();
		if (last) return last;
		await sleep(100);
	}
	fail(typeof message === "function" ? await message(last) : message);
}

// Runs a command, resolving to {code, stdout, stderr}.
export function run(cmd, args, opts = {}) {
	return new Promise((resolve) => {
		execFile(cmd, args, { maxBuffer: 1 << 20, ...opts }, (err, stdout, stderr) => {
			resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
		});
	});
}

// POST /events with curl; returns the reply's JSON (the new event's id).
export async function curlEvent(event, key = KEY) {
	const r = await run("curl", ["-s", "-S", "-f", "-X", "POST", `${ZS_URL}/events`,
		"-H", `X-API-Key: ${key}`, "-H", "Content-Type: application/json",
		"--data-binary", JSON.stringify(event)]);
	if (r.code !== 0) fail(`curl POST /events failed: ${r.stderr.trim()}`);
	return JSON.parse(r.stdout);
}

// GET path with the key, as JSON.
export async function apiGet(path, key = KEY) {
	const res = await fetch(ZS_URL + path, { headers: { "X-API-Key": key } });
	if (!res.ok) fail(`GET ${path} answered ${res.status}`);
	return res.json();
}

// POST path with the key and, if given, a JSON body. Fails unless the
// reply has status `expect`; returns its JSON.
export async function apiPost(path, body, { key = KEY, expect = 200 } = {}) {
	const headers = { "X-API-Key": key };
	if (body !== undefined) headers["Content-Type"] = "application/json";
	const res = await fetch(ZS_URL + path, {
		method: "POST", headers, body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	if (res.status !== expect) fail(`POST ${path} answered ${res.status}, want ${expect}: ${text.trim()}`);
	return text ? JSON.parse(text) : null;
}

// The number a stats card shows ("1,234" -> 1234), or null for "—".
export async function statValue(page, name) {
	const t = (await page.locator(`#stat-${name}`).textContent()).trim();
	if (t === "—") return null;
	return Number(t.replace(/[^\d]/g, ""));
}

export async function screenshot(page, name) {
	const file = join(OUT, `${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

// main(name, fn): runs fn(browser), reports and exits. On failure it
// saves a screenshot of every open page as NAME-failure.png.
export async function main(name, fn) {
	let browser;
	// a failure screenshot from an earlier run would mislead
	for (const f of readdirSync(OUT)) if (f.startsWith(`${name}-failure`)) rmSync(join(OUT, f));
	try {
		check(existsSync(CHROMIUM), `no browser at ${CHROMIUM} (apt-get install chromium)`);
		browser = await launch();
		await fn(browser);
		await browser.close();
		process.exit(0);
	} catch (e) {
		const msg = e instanceof Failure ? e.message : (e && e.stack) || String(e);
		console.error(`${name}: FAILED: ${msg}`);
		try {
			const pages = browser ? browser.contexts().flatMap((c) => c.pages()) : [];
			for (const [i, p] of pages.entries()) {
				const f = join(OUT, `${name}-failure${i ? `-${i}` : ""}.png`);
				await p.screenshot({ path: f, fullPage: true });
				console.error(`  screenshot: ${f}`);
			}
		} catch { /* best effort */ }
		if (browser) await browser.close().catch(() => {});
		process.exit(1);
	}
}

// Reads a file written by the bats test (reconnect handshake).
export const readText = (f) => readFileSync(f, "utf8");
