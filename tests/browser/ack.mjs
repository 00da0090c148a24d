// Acknowledging an event in the UI: the badge turns "Acknowledged", the
// button goes away, the Pending card drops by one and Acknowledged rises
// by one (both from GET /stats), and the API agrees.

import { main, open, waitConnected, waitFor, check, until, curlEvent, apiGet, statValue, screenshot } from "./lib.mjs";

await main("ack", async (browser) => {
	const { page, problems } = await open(browser);
	await waitConnected(page);
	const { id } = await curlEvent({ source: "billing", type: "invoice.paid", payload: { invoice: "in_1" } });
	const row = page.locator(`#event-list > li[data-id="${id}"]`);
	await waitFor(row, 3000, `event ${id} never appeared in the log`);

	// the cards catch up with the new event, then we read them
	const before = await apiGet("/stats");
	await until(async () => (await statValue(page, "pending")) === before.pending, 5000,
		async () => `the Pending card shows ${await statValue(page, "pending")}, the API says ${before.pending}`);
	const acked = await statValue(page, "acknowledged");

	await row.getByRole("button", { name: /^Acknowledge/ }).click();
	await until(async () => /^acknowledged$/i.test((await row.locator(".badge").textContent()).trim()), 3000,
		async () => `the badge still says "${await row.locator(".badge").textContent()}" after Acknowledge`);
	check(await row.locator("[data-action=ack]").count() === 0, "the Acknowledge button is still there");
	await until(async () => (await statValue(page, "pending")) === before.pending - 1, 5000,
		async () => `the Pending card shows ${await statValue(page, "pending")}, want ${before.pending - 1}`);
	check(await statValue(page, "acknowledged") === acked + 1, "the Acknowledged card did not go up by one");

	const ev = await apiGet(`/inbox/${id}`);
	check(ev.status === "acknowledged" && ev.acked_at, `the API says the event is ${ev.status}`);
	await screenshot(page, "ack");
	check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
});
