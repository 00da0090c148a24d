// Themes, phone width and keyboard use, and the four reference screenshots
// (1280x800 and 390x844, light and dark) with real data, every status among
// it (pending, leased, dead, acknowledged, deleted):
// - the theme follows prefers-color-scheme until the toggle picks one,
//   which is kept in localStorage across reloads;
// - at 390 px there is no horizontal scrolling and the panels are one column;
// - Tab reaches the controls, and the focused one has a visible outline.

import { main, open, waitConnected, check, until, curlEvent, apiGet, apiPost, statValue, screenshot, sleep, ZS_URL, KEY } from "./lib.mjs";

const lease = (filter) => apiPost("/inbox/lease", { limit: 1, ...filter });

const bgLuminance = (page) => page.evaluate(() => {
	const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
	return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
});

async function seed() {
	const events = [
		{ source: "stripe", type: "invoice.paid", topic: "payments", payload: { invoice: "in_1042", amount: 4200, currency: "usd" } },
		{ source: "github", type: "pull_request.opened", topic: "engineering", payload: { repository: "acme/api", number: 318 } },
		{ source: "shopify", type: "orders.create", topic: "commerce", payload: { order_id: 1001, total_price: "59.90" } },
		{ source: "stripe", type: "charge.refunded", topic: "payments", payload: { charge: "ch_77", amount: 1500 } },
		{ source: "github", type: "push", topic: "engineering", payload: { ref: "refs/heads/main", commits: 3 } },
		{ type: "user.signed_up", payload: { user: 7 } },
		{ source: "stripe", type: "customer.created", topic: "payments", payload: { customer: "cus_9" } },
	];
	const ids = [];
	for (const e of events) ids.push((await curlEvent(e)).id);
	const post = (path, method = "POST") => fetch(ZS_URL + path, { method, headers: { "X-API-Key": KEY } });
	await post(`/inbox/${ids[0]}/ack`);
	await post(`/inbox/${ids[1]}/ack`);
	// one leased, and one dead (MAX_DELIVERIES=1: a lease, a release, a lease)
	await lease({ type: "push", visibility_timeout: 3600 });
	const held = await lease({ type: "user.signed_up" });
	await apiPost(`/inbox/${ids[5]}/release`, { lease_id: held.events[0].lease_id });
	await lease({ type: "user.signed_up" });
	check((await apiGet(`/inbox/${ids[5]}`)).status === "dead", "the seeded dead event is not dead: is MAX_DELIVERIES=1 set?");
	return ids;
}

await main("themes", async (browser) => {
	const ids = await seed();

	// system preference: dark
	{
		const { page, context, problems } = await open(browser, { colorScheme: "dark" });
		await waitConnected(page);
		check(await bgLuminance(page) < 0.2, "a dark system preference does not give the dark theme");
		const toggle = page.locator("#theme-toggle");
		check(await toggle.getAttribute("aria-pressed") === "true", "the theme toggle does not say dark is on");
		// an event deleted while watching keeps its row, with the Deleted badge
		await page.locator(`#event-list > li[data-id="${ids[3]}"]`).waitFor({ timeout: 3000 });
		await fetch(`${ZS_URL}/inbox/${ids[3]}`, { method: "DELETE", headers: { "X-API-Key": KEY } });
		await page.locator(`#event-list > li[data-id="${ids[3]}"][data-status=deleted]`).waitFor({ timeout: 3000 });
		await page.locator(`#event-list > li[data-id="${ids[2]}"] .event-toggle`).click();
		// the cards catch up with the deletion (within the 5 s between refreshes)
		const stats = await apiGet("/stats");
		await until(async () => await statValue(page, "total") === stats.total, 8000,
			async () => `the Total card shows ${await statValue(page, "total")} after the deletion, GET /stats says ${stats.total}`);
		await screenshot(page, "desktop-dark");

		await page.setViewportSize({ width: 390, height: 844 });
		await sleep(500);
		await screenshot(page, "phone-dark");

		// the toggle switches to light and keeps it
		await toggle.click();
		check(await bgLuminance(page) > 0.8, "the toggle did not switch to the light theme");
		check(await page.evaluate(() => localStorage.getItem("zapstream.theme")) === "light", "the theme was not saved");
		await page.reload();
		await waitConnected(page);
		check(await bgLuminance(page) > 0.8, "the saved light theme was not applied after a reload");
		check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
		await context.close();
	}

	// system preference: light, at phone width
	{
		const { page, context, problems } = await open(browser, { colorScheme: "light", viewport: { width: 390, height: 844 } });
		await waitConnected(page);
		check(await bgLuminance(page) > 0.8, "a light system preference does not give the light theme");
		await page.locator(`#event-list > li[data-id="${ids[2]}"] .event-toggle`).click();
		await sleep(1500);
		const width = await page.evaluate(() => document.documentElement.scrollWidth);
		check(width <= 390, `the page is ${width} px wide at a 390 px screen (horizontal scrolling)`);
		const lefts = await page.evaluate(() => [".stats", ".chart-card", ".sources-card", ".log-card", ".playground"]
			.map((s) => Math.round(document.querySelector(s).getBoundingClientRect().left)));
		check(new Set(lefts).size === 1, `the panels are not in one column at 390 px (left edges ${lefts})`);
		await screenshot(page, "phone-light");

		// keyboard: Tab goes to the skip link first, and focus is visible
		await page.reload();
		await waitConnected(page);
		await page.keyboard.press("Tab");
		check(await page.evaluate(() => document.activeElement.className) === "skip-link", "the first Tab stop is not the skip link");
		let found = false;
		for (let i = 0; i < 10 && !found; i++) {
			await page.keyboard.press("Tab");
			found = await page.evaluate(() => document.activeElement.id === "theme-toggle");
		}
		check(found, "Tab never reached the theme toggle");
		const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
		check(outline !== "none", "the focused button has no visible outline");
		check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
		await context.close();
	}

	// desktop, light
	{
		const { page, context, problems } = await open(browser, { colorScheme: "light" });
		await waitConnected(page);
		await page.locator(`#event-list > li[data-id="${ids[2]}"] .event-toggle`).click();
		await sleep(1500);
		await screenshot(page, "desktop-light");
		check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
		await context.close();
	}
});
