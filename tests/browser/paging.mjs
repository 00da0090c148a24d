// Paging at phone width: the list shows 10 events and "Show more" adds 10
// at a time (20 on a wider screen), loading older ones from GET /inbox when those loaded are all
// shown; the page stays short (no inner scroll box, no page of every
// row). The playground's response wraps its long lines there.

import { main, open, waitConnected, waitFor, check, until, curlEvent, screenshot } from "./lib.mjs";

const shown = (page) => page.locator("#event-list > li:not([hidden])").count();

await main("paging", async (browser) => {
	const ids = [];
	for (let n = 1; n <= 60; n++) ids.push((await curlEvent({ source: "pager", type: "page.test", payload: { n } })).id);
	const { page, problems } = await open(browser, { viewport: { width: 390, height: 844 } });
	await waitConnected(page);
	const more = page.getByRole("button", { name: "Show more" });
	await waitFor(more, 5000, "there is no Show more button for 60 events");
	await until(async () => (await shown(page)) === 10, 4000, async () => `the list shows ${await shown(page)} events at first, not 10`);
	const first = await page.locator("#event-list > li:not([hidden])").first().getAttribute("data-id");
	check(first === ids[59], "the first row shown is not the newest event");
	const height = await page.evaluate(() => document.documentElement.scrollHeight);
	check(height < 4500, `the page is ${height} px tall with 10 events shown at 390 px`);
	const box = await page.locator("#event-list").evaluate((el) => getComputedStyle(el).overflowY);
	check(box !== "auto" && box !== "scroll", `the list scrolls in a box of its own (overflow-y: ${box})`);
	await screenshot(page, "paging-phone");

	// 10 more a click; 50 were loaded, so the fifth click loads the older 10
	for (let want = 20; want <= 60; want += 10) {
		await more.click();
		await until(async () => (await shown(page)) === want, 5000, async () => `Show more shows ${await shown(page)}, not ${want}`);
	}
	const last = await page.locator("#event-list > li:not([hidden])").last().getAttribute("data-id");
	check(last === ids[0], "the last row shown is not the oldest event");
	await until(async () => await more.isHidden(), 3000, "Show more is still offered with every event shown");

	// the playground's response wraps rather than running out of its card
	await page.locator("#pg-body").fill(JSON.stringify({ source: "pager", type: "a.long.type.name.for.wrapping", payload: { n: 61 } }));
	await page.locator("#pg-send").click();
	const resp = page.locator("#pg-response-body");
	await waitFor(resp, 5000, "the playground shows no response");
	await until(async () => /accepted/.test(await resp.textContent()), 5000, "the playground response is not the 201");
	const over = await resp.evaluate((el) => el.scrollWidth - el.clientWidth);
	check(over <= 1, `the playground's response is ${over} px wider than its box at 390 px`);
	check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
});
