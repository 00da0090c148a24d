// An event posted with curl appears at the top of the live log within 2 s,
// with its badge; Enter on the row shows the pretty-printed payload; the
// aria-live region announces it; "Last event" is updated.

import { main, open, waitConnected, check, until, curlEvent, screenshot, fail } from "./lib.mjs";

await main("live", async (browser) => {
	const { page, problems } = await open(browser);
	await waitConnected(page);
	await page.waitForTimeout(500); // the initial list is in

	const payload = { order: 1001, items: [{ sku: "TSHIRT-M", quantity: 2 }], note: "gift <b>wrap</b> & \"bow\"" };
	const posted = Date.now();
	const { id } = await curlEvent({ source: "shop", type: "order.created", topic: "orders", payload });
	const row = page.locator(`#event-list > li[data-id="${id}"]`);
	try {
		await row.waitFor({ state: "visible", timeout: 2000 - (Date.now() - posted) });
	} catch {
		fail(`event ${id} did not appear in the live log within 2 s`);
	}
	console.log(`  appeared ${Date.now() - posted} ms after the POST`);

	const first = await page.locator("#event-list > li").first().getAttribute("data-id");
	check(first === id, "the new event is not at the top (newest first)");
	check(/pending/i.test(await row.locator(".badge").textContent()), "the new event has no Pending badge");
	check(await row.locator(".event-title").textContent() === "order.created", "the row does not show the event type");
	check(/shop/.test(await row.locator(".event-meta").textContent()), "the row does not show the source");

	// expand with the keyboard; the payload is pretty-printed, as text
	const toggle = row.locator(".event-toggle");
	await toggle.focus();
	await page.keyboard.press("Enter");
	check(await toggle.getAttribute("aria-expanded") === "true", "Enter did not expand the row");
	const shown = await row.locator("pre.payload").textContent();
	check(shown === JSON.stringify(payload, null, 2), `the payload is not pretty-printed:\n${shown}`);
	check(await row.locator("pre.payload b").count() === 0, "payload text was rendered as HTML");
	await screenshot(page, "live");
	await page.keyboard.press("Enter");
	check(await toggle.getAttribute("aria-expanded") === "false", "Enter did not collapse the row");

	await until(async () => /order\.created/.test(await page.locator("#announcer").textContent()), 3000,
		"the aria-live region did not announce the new event");
	check(await page.locator("#announcer").getAttribute("aria-live") === "polite", "the announcer is not aria-live");
	check(/just now|s ago/.test(await page.locator("#last-event").textContent()), "'Last event' was not updated");
	check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
});
