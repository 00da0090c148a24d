// Connection status follows the network: with the browser offline
// (navigator.onLine false) it says "offline"; back online it reconnects
// and says "connected", and events sent meanwhile arrive.

import { main, open, waitConnected, waitFor, until, check, curlEvent, screenshot } from "./lib.mjs";

await main("offline", async (browser) => {
	// requests fail while offline; only exceptions count
	const { page, context, problems } = await open(browser, { allow: (p) => !p.startsWith("uncaught") });
	await waitConnected(page);
	const { id: first } = await curlEvent({ source: "net", type: "before.offline", payload: {} });
	await waitFor(page.locator(`#event-list > li[data-id="${first}"]`), 3000, "the first event did not arrive");

	await context.setOffline(true);
	await until(async () => (await page.locator("#conn-state").getAttribute("data-state")) === "offline", 5000,
		async () => `offline, the status shows "${await page.locator("#conn-label").textContent()}"`);
	check(/offline/i.test(await page.locator("#conn-label").textContent()), "the status text does not say offline");
	await screenshot(page, "offline");
	const { id } = await curlEvent({ source: "net", type: "while.offline", payload: {} });

	await context.setOffline(false);
	await waitConnected(page, 15000);
	await waitFor(page.locator(`#event-list > li[data-id="${id}"]`), 10000, "the event sent while offline did not arrive");
	check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
});
