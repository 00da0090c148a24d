// The webhook sources panel: every source of the key's tenant with the URL
// GET /hooks gives (under this server's origin), no secret anywhere in the
// page; a GitHub delivery signed with openssl and sent to the URL shown
// appears in the live log with the source's name and the GitHub type.

import { main, open, waitConnected, waitFor, check, run, apiGet, screenshot, fail, ZS_URL } from "./lib.mjs";

const SECRET = process.env.ZS_HOOK_SECRET || "browser-secret";

await main("hooks", async (browser) => {
	const { page, problems } = await open(browser);
	await waitConnected(page);
	const api = await apiGet("/hooks");
	check(api.sources.length === 2, `GET /hooks lists ${api.sources.length} sources, the test set up 2`);
	await waitFor(page.locator("#hook-list .hook").nth(1), 5000, "the panel does not list the sources");
	const urls = await page.locator("#hook-list .hook-url").allTextContents();
	check(JSON.stringify(urls) === JSON.stringify(api.sources.map((s) => ZS_URL + s.path)),
		`the panel shows ${JSON.stringify(urls)}, GET /hooks says ${JSON.stringify(api.sources.map((s) => s.path))}`);
	const names = await page.locator("#hook-list .hook-name").allTextContents();
	check(names.join(",") === "gh,pay", `the panel names ${names}`);
	const text = await page.locator("#hook-list").textContent();
	check(/GitHub/.test(text) && /Stripe/.test(text) && /topic engineering/.test(text), `the panel lacks scheme or topic: ${text}`);
	check(!(await page.content()).includes(SECRET), "a signing secret is in the page");

	// a delivery to the URL shown lands in the live log
	const body = JSON.stringify({ action: "opened", number: 7 });
	const sig = await run("sh", ["-c", `printf '%s' '${body}' | openssl dgst -sha256 -hmac '${SECRET}' | sed 's/^.*= //'`]);
	const r = await run("curl", ["-s", "-S", "-f", "-X", "POST", urls[0], "-H", "Content-Type: application/json",
		"-H", "X-GitHub-Event: issues", "-H", "X-GitHub-Delivery: br-1",
		"-H", `X-Hub-Signature-256: sha256=${sig.stdout.trim()}`, "--data-binary", body]);
	if (r.code !== 0) fail(`the signed delivery failed: ${r.stderr.trim()}`);
	const { id } = JSON.parse(r.stdout);
	const row = page.locator(`#event-list > li[data-id="${id}"]`);
	await waitFor(row, 3000, "the delivery did not appear in the live log");
	check(await row.locator(".event-title").textContent() === "issues.opened", "the row does not show the GitHub type");
	check(/gh/.test(await row.locator(".event-meta").textContent()), "the row does not show the source");
	await page.locator("#hooks-heading").scrollIntoViewIfNeeded();
	await screenshot(page, "hooks");
	check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
});
