// The API-key box: empty with a prompt when there is no /dev-key.json;
// pre-filled from /dev-key.json (as `make dev` writes it); a wrong key is
// reported as "unknown API key" with no numbers shown; a good key typed in
// connects and is kept in localStorage.

import { main, open, waitConnected, waitFor, check, until, statValue, screenshot, ZS_URL, KEY } from "./lib.mjs";

// The only failures allowed: the 404 of /dev-key.json, and the 401s of a wrong key.
// (A 404 fulfilled by a test route can also show as an aborted request.)
const devKeyMissing = (p) => p.includes("/dev-key.json") && /\b404\b|ERR_ABORTED/.test(p);
const wrongKey = (p) => /\b401\b/.test(p) && /\/(stats|inbox|hooks)/.test(p);

await main("key", async (browser) => {
	// 1. No saved key and no /dev-key.json (answered 404 here, since a
	// checkout that ran `make dev` has the file).
	{
		const noDevKey = ["**/dev-key.json", (r) => r.fulfill({ status: 404, contentType: "text/plain", body: "" })];
		const { page, context, problems } = await open(browser, { key: null, allow: devKeyMissing, routes: [noDevKey] });
		await waitFor(page.getByText("Enter an API key to see your events.").first(), 5000, "no prompt for a key when there is none");
		check(await page.locator("#api-key").inputValue() === "", "the key box is not empty");
		check(/offline/i.test(await page.locator("#conn-label").textContent()), "the stream is not shown offline without a key");
		check(await page.locator("#stat-pending").textContent() === "—", "a number is shown without a key");
		check(problems.length === 0, `problems: ${problems.join("; ")}`);
		await screenshot(page, "key-none");
		await context.close();
	}

	// 2. /dev-key.json present: the box is pre-filled and the page connects.
	{
		const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		await context.route("**/dev-key.json", (r) => r.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ api_key: KEY }) }));
		const page = await context.newPage();
		await page.goto(ZS_URL + "/");
		await waitConnected(page);
		check(await page.locator("#api-key").inputValue() === KEY, "the key box was not pre-filled from /dev-key.json");
		await context.close();
	}

	// 3. A wrong key: "unknown API key", no numbers, stream offline.
	const { page, problems } = await open(browser, { key: "no_such_key", allow: wrongKey });
	await waitFor(page.locator("#key-message[data-state=error]"), 5000, "a wrong key got no error message");
	const msg = await page.locator("#key-message").textContent();
	check(/unknown API key/i.test(msg), `the error does not say "unknown API key": "${msg}"`);
	await until(async () => /offline/i.test(await page.locator("#conn-label").textContent()), 5000, "the stream is not offline with a wrong key");
	check(/unknown API key/i.test(await page.locator("#log-empty").textContent()), "the event log does not explain the wrong key");
	check(await statValue(page, "total") === null, "a number is shown for a wrong key");
	await screenshot(page, "key-unknown");

	// 4. Type the right key and connect (keyboard only): it works and is kept.
	await page.locator("#api-key").fill(KEY);
	await page.locator("#api-key").press("Enter");
	await waitConnected(page);
	await until(async () => (await statValue(page, "total")) !== null, 5000, "no stats after connecting with a good key");
	check(await page.evaluate(() => localStorage.getItem("zapstream.apiKey")) === KEY, "the key was not saved in localStorage");
	await page.reload();
	await waitConnected(page);
	check(await page.locator("#api-key").inputValue() === KEY, "the saved key was not used after a reload");
	check(problems.length === 0, `problems: ${problems.join("; ")}`);
});
