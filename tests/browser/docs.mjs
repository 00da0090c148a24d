// /docs, reached from the dashboard's "API docs" link, renders
// www/openapi.yaml with Swagger UI: every endpoint is listed, with no
// console errors or failed requests. And it works at once for someone who
// followed the README (this test's tenant is fresh, as a new database is):
// - with /dev-key.json (what `make dev` publishes) the page is authorized
//   with that key, and without it it is not;
// - the first operation is on the first screen at 1280x800;
// - Try it out of POST /events succeeds, and again: 201, then 200 (the
//   same page's key and body: a replay), and 201 after a reload (a new
//   key), even though the README's order-1001 was used with another body;
// - Try it out of GET /inbox sends no filter and no cursor, and lists the
//   events just sent;
// - the page follows the dashboard's theme (the system's, or the saved
//   choice); screenshots docs-light, docs-dark and docs-dark-operation.

import { join } from "node:path";
import { main, open, check, until, waitFor, waitConnected, screenshot, ZS_URL, KEY, OUT } from "./lib.mjs";

const ENDPOINTS = [
	"POST /events",
	"GET /inbox",
	"GET /inbox/{id}",
	"DELETE /inbox/{id}",
	"POST /inbox/{id}/ack",
	"POST /inbox/ack",
	"GET /inbox/stream",
	"GET /stats",
	"GET /health",
];

// the filters and the cursor of GET /inbox (limit, status and order are
// not filters: their defaults list every pending event)
const FILTERS = ["topic", "type", "source", "since", "until", "q", "cursor"];

const devKeyRoute = (body) => ["**/dev-key.json", (r) => body
	? r.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(body) })
	: r.fulfill({ status: 404, contentType: "text/plain", body: "" })];
// the 404 of a missing /dev-key.json; and a request the test's route
// answered can show as aborted (as in key.mjs): whether the key arrived
// is checked on the page (the Authorize button, the note)
const devKeyRouted = (p) => p.includes("/dev-key.json") && /\b404\b|ERR_ABORTED/.test(p);

async function rendered(page) {
	return until(async () => {
		const ops = await page.locator(".opblock").evaluateAll((els) => els.map((el) => {
			const m = el.querySelector(".opblock-summary-method");
			const p = el.querySelector("[data-path]");
			return m && p ? `${m.textContent.trim().toUpperCase()} ${p.getAttribute("data-path")}` : null;
		}).filter(Boolean));
		return ops.length >= ENDPOINTS.length ? ops : null;
	}, 15000, async () => `Swagger UI did not render the endpoints (page text: "${(await page.locator("body").innerText()).slice(0, 200)}")`);
}

// The operation's block, opened, in Try it out mode.
async function tryOut(page, id) {
	const op = page.locator(`#operations-${id}`);
	await waitFor(op, 5000, `/docs has no operation ${id}`);
	if (!(await op.locator(".opblock-body").count())) await op.locator(".opblock-summary").first().click();
	await waitFor(op.locator(".try-out__btn"), 5000, `${id} did not open`);
	await op.locator(".try-out__btn").click();
	await waitFor(op.locator(".btn.execute"), 5000, `${id} has no Execute button after Try it out`);
	return op;
}

// Clicks Execute; resolves to the request and the reply's status.
async function execute(page, op, method, path) {
	const [res] = await Promise.all([
		page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname === path, { timeout: 10000 }),
		op.locator(".btn.execute").click(),
	]);
	return { status: res.status(), url: new URL(res.url()), request: res.request(), body: await res.text() };
}

async function idempotencyKey(op) {
	const box = op.locator('tr[data-param-name="Idempotency-Key"] input');
	await waitFor(box, 5000, "POST /events has no Idempotency-Key box");
	return box.inputValue();
}

// the page's background: the body's, else the root's, else the canvas's white
const bgLuminance = (page) => page.evaluate(() => {
	const rgba = (el) => getComputedStyle(el).backgroundColor.match(/[\d.]+/g).map(Number);
	let c = rgba(document.body);
	if (c.length === 4 && c[3] === 0) c = rgba(document.documentElement);
	if (c.length === 4 && c[3] === 0) c = [255, 255, 255];
	return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;
});

// the colour of an operation's summary text: readable on the background?
const textLuminance = (page) => page.evaluate(() => {
	const [r, g, b] = getComputedStyle(document.querySelector(".opblock-tag")).color.match(/\d+/g).map(Number);
	return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
});

await main("docs", async (browser) => {
	// what the README follower did first: order-1001 with a body of their own
	const seeded = await fetch(`${ZS_URL}/events`, {
		method: "POST",
		headers: { "X-API-Key": KEY, "Content-Type": "application/json", "Idempotency-Key": "order-1001" },
		body: JSON.stringify({ source: "shop", type: "order.created", payload: { order: 1001 } }),
	});
	check(seeded.status === 201, `POST /events with order-1001 answered ${seeded.status}`);

	// make dev published the key; light system theme
	{
		const { page, context, problems } = await open(browser, { routes: [devKeyRoute({ key: KEY })], allow: devKeyRouted });
		// the dashboard loaded first: leaving it mid-load aborts its GET /inbox
		await waitConnected(page);
		await waitFor(page.locator("#event-list > li").first(), 5000, "the dashboard does not list the order-1001 event");
		await page.getByRole("link", { name: "API docs" }).first().click();
		await page.waitForURL(/\/docs\/?$/, { timeout: 5000 });
		const found = await rendered(page);
		const missing = ENDPOINTS.filter((e) => !found.includes(e));
		check(missing.length === 0, `/docs does not show: ${missing.join(", ")} (it shows ${found.join(", ")})`);

		const top = await page.locator(".opblock").first().evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
		check(top + 40 <= 800, `the first operation starts ${Math.round(top)} px down, below the first 800 px screen`);

		await waitFor(page.locator(".btn.authorize.locked"), 5000, "/docs is not authorized although /dev-key.json offers the key");
		await waitFor(page.locator("#zs-auth-note"), 2000, "/docs does not say it uses the development key");
		check(await bgLuminance(page) > 0.8, "a light system preference does not give /docs a light background");
		await screenshot(page, "docs-light");

		// POST /events, twice on one page load: created, then replayed
		let op = await tryOut(page, "Events-createEvent");
		const key1 = await idempotencyKey(op);
		check(key1 && key1 !== "order-1001", `the Idempotency-Key example is "${key1}", the README's key`);
		let r = await execute(page, op, "POST", "/events");
		check(r.request.headers()["idempotency-key"] === key1, `Execute sent Idempotency-Key "${r.request.headers()["idempotency-key"]}", the box says "${key1}"`);
		check(r.status === 201, `Try it out of POST /events answered ${r.status}, want 201: ${r.body}`);
		const first = JSON.parse(r.body).id;
		r = await execute(page, op, "POST", "/events");
		check(r.status === 200 && JSON.parse(r.body).id === first,
			`the second Try it out of POST /events answered ${r.status}, want 200 replaying ${first}: ${r.body}`);

		// GET /inbox: no filter, no cursor; it lists what was sent
		op = await tryOut(page, "Inbox-listInbox");
		r = await execute(page, op, "GET", "/inbox");
		const sent = FILTERS.filter((f) => r.url.searchParams.has(f));
		check(sent.length === 0, `Try it out of GET /inbox sent ${sent.join(", ")} (${r.url.search})`);
		check(r.status === 200, `Try it out of GET /inbox answered ${r.status}: ${r.body}`);
		const ids = JSON.parse(r.body).events.map((e) => e.id);
		check(ids.includes(first), `Try it out of GET /inbox did not list ${first}: ${r.url.search} gave ${ids.join(", ")}`);

		// a reload brings a new key: created again
		await page.reload();
		await rendered(page);
		await waitFor(page.locator(".btn.authorize.locked"), 5000, "/docs is not authorized after a reload");
		op = await tryOut(page, "Events-createEvent");
		const key2 = await idempotencyKey(op);
		check(key2 !== key1, `the Idempotency-Key example is "${key2}" again after a reload`);
		r = await execute(page, op, "POST", "/events");
		check(r.status === 201 && JSON.parse(r.body).id !== first,
			`Try it out of POST /events after a reload answered ${r.status}, want 201 and a new event: ${r.body}`);
		check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
		await context.close();
	}

	// no /dev-key.json (make dev with other keys, or a real server):
	// not authorized; dark system theme
	{
		const { page, context, problems } = await open(browser, { colorScheme: "dark", key: null, path: "/docs/",
			routes: [devKeyRoute(null)], allow: devKeyRouted });
		await rendered(page);
		await page.waitForTimeout(1000);
		check(await page.locator(".btn.authorize.unlocked").count() === 1 &&
			await page.evaluate(() => window.ui.authSelectors.authorized().size) === 0,
			"/docs is authorized although there is no /dev-key.json");
		check(await page.locator("#zs-auth-note").isHidden(), "/docs says it uses the development key, and there is none");
		check(await bgLuminance(page) < 0.2, "a dark system preference does not give /docs a dark background");
		check(await textLuminance(page) > 0.7, "the operation groups' names are not light on the dark background");
		await screenshot(page, "docs-dark");
		// and an operation opened, its first screen
		await page.locator("#operations-Events-createEvent .opblock-summary").first().click();
		await waitFor(page.locator("#operations-Events-createEvent .opblock-body"), 5000, "POST /events did not open");
		await page.waitForTimeout(300);
		await page.screenshot({ path: join(OUT, "docs-dark-operation.png") });

		// the toggle is the dashboard's: it saves the choice for both pages
		await page.locator("#theme-toggle").click();
		check(await bgLuminance(page) > 0.8, "the theme toggle of /docs did not switch to light");
		check(await page.evaluate(() => localStorage.getItem("zapstream.theme")) === "light", "the choice was not saved");
		await page.goto(ZS_URL + "/docs/");
		await rendered(page);
		check(await bgLuminance(page) > 0.8, "the saved light theme was not applied to /docs over a dark system preference");
		check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
		await context.close();
	}
});
