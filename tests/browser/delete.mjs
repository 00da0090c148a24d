// Deleting an event in the UI takes two presses (Delete, then Confirm
// delete); the row gets the "Deleted" badge, the Total card drops by one,
// the API answers 404 for it, and "Pending" as a status filter hides it.

import { main, open, waitConnected, waitFor, check, until, curlEvent, statValue, screenshot, ZS_URL, KEY } from "./lib.mjs";

await main("delete", async (browser) => {
	const { page, problems } = await open(browser);
	await waitConnected(page);
	const { id } = await curlEvent({ source: "crm", type: "contact.updated", payload: { contact: "c_1" } });
	const row = page.locator(`#event-list > li[data-id="${id}"]`);
	await waitFor(row, 3000, `event ${id} never appeared in the log`);
	const res = await fetch(`${ZS_URL}/stats`, { headers: { "X-API-Key": KEY } });
	const total = (await res.json()).total;
	await until(async () => (await statValue(page, "total")) === total, 5000, "the Total card never caught up");

	const del = row.locator("[data-action=delete]");
	await del.click();
	check(/confirm/i.test(await del.textContent()), "Delete did not ask for confirmation");
	check((await fetch(`${ZS_URL}/inbox/${id}`, { headers: { "X-API-Key": KEY } })).status === 200, "one press deleted the event");
	await del.click();
	await until(async () => /^deleted$/i.test((await row.locator(".badge").textContent()).trim()), 3000,
		"the badge did not change to Deleted");
	check(await row.locator("button[data-action]").count() === 0, "a deleted event still has action buttons");
	await until(async () => (await statValue(page, "total")) === total - 1, 5000, "the Total card did not drop by one");
	check((await fetch(`${ZS_URL}/inbox/${id}`, { headers: { "X-API-Key": KEY } })).status === 404, "the API still has the event");
	await screenshot(page, "delete");

	// the status filter applies to the list
	await page.locator("#f-status").selectOption("pending");
	await until(async () => !(await row.isVisible()), 3000, "the Pending filter still shows a deleted event");
	check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
});
