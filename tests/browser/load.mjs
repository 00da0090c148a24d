// The dashboard loads with a saved key: no console errors, no failed
// requests, and every panel shows live data from the API (stats cards,
// chart, top sources, event list, stream status, server health).

import { main, open, waitConnected, waitFor, until, check, curlEvent, apiGet, statValue, screenshot, sleep, KEY } from "./lib.mjs";

await main("load", async (browser) => {
	// something to show: two events from two sources
	await curlEvent({ source: "billing", type: "invoice.paid", topic: "finance", payload: { amount: 4200 } });
	await curlEvent({ source: "github", type: "push", topic: "engineering", payload: { ref: "refs/heads/main" } });

	const { page, problems } = await open(browser);
	check(await page.title() === "ZapStream", `the page title is "${await page.title()}"`);
	await waitConnected(page);

	// the numbers are the API's
	const api = await apiGet("/stats");
	await until(async () => (await statValue(page, "total")) === api.total, 5000,
		async () => `the Total card shows ${await statValue(page, "total")}, GET /stats says ${api.total}`);
	check(await statValue(page, "pending") === api.pending, "the Pending card disagrees with GET /stats");
	check(await statValue(page, "acknowledged") === api.acknowledged, "the Acknowledged card disagrees with GET /stats");
	check(await statValue(page, "leased") === api.leased, "the Leased card disagrees with GET /stats");
	check(await statValue(page, "dead") === api.dead, "the Dead card disagrees with GET /stats");
	const sources = await page.locator("#stat-sources .source-name").allTextContents();
	check(sources.includes("billing") && sources.includes("github"), `top sources show ${JSON.stringify(sources)}`);

	// the chart is drawn by uPlot from per_minute
	await waitFor(page.locator("#chart canvas"), 5000, "the events-per-minute chart was not drawn");
	const label = await page.locator("#chart").getAttribute("aria-label");
	check(/in total/.test(label), `the chart has no summary: "${label}"`);

	// the list is GET /inbox?status=all&order=desc: newest first
	const list = await apiGet("/inbox?status=all&order=desc&limit=50");
	await until(async () => (await page.locator("#event-list > li:not([hidden])").count()) === list.events.length, 5000,
		async () => `the log shows ${await page.locator("#event-list > li").count()} events, the API has ${list.events.length}`);
	const ids = await page.locator("#event-list > li").evaluateAll((els) => els.map((e) => e.dataset.id));
	check(JSON.stringify(ids) === JSON.stringify(list.events.map((e) => e.id)), "the log is not in the API's newest-first order");

	// server health and the docs link
	await waitFor(page.locator("#health[data-state=ok]"), 11000, "server health never showed OK");
	const links = await page.locator("a").evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
	check(links.some((p) => /^\/docs\/?$/.test(p)), "there is no link to /docs");

	// the key is kept in localStorage, masked in the box
	check(await page.locator("#api-key").inputValue() === KEY, "the key box does not hold the saved key");
	check(await page.locator("#api-key").getAttribute("type") === "password", "the key box is not masked");

	// let the periodic refreshes run once (stats every 10 s)
	await sleep(10500);
	await screenshot(page, "load");
	check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
});
