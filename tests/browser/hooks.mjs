// The webhook sources panel: every source of the key's tenant with the URL
// GET /hooks gives (under this server's origin), no secret anywhere in the
// page; a GitHub delivery signed with openssl and sent to the URL shown
// appears in the live log with the source's name and the GitHub type. A
// refused delivery is counted on its source's row, and the source's view
// lists it (reason and request id) beside its latest accepted events.

import { main, open, waitConnected, waitFor, check, run, apiGet, screenshot, fail, ZS_URL } from "./lib.mjs";

const SECRET = process.env.ZS_HOOK_SECRET || "browser-secret";

await main("hooks", async (browser) => {
	// a refused delivery first: the panel counts it when it loads
	const gh = (await apiGet("/hooks")).sources.find((s) => s.name === "gh");
	const bad = await run("curl", ["-s", "-S", "-D", "-", "-o", "/dev/null", "-X", "POST", ZS_URL + gh.path,
		"-H", "Content-Type: application/json", "-H", "X-GitHub-Event: ping", "-H", "X-Hub-Signature-256: sha256=00",
		"--data-binary", "{}"]);
	const badId = (/^x-request-id: *(\S+)/im.exec(bad.stdout) || [])[1];
	check(/^HTTP\/\S+ 401/.test(bad.stdout) && badId, `the badly signed delivery was not refused: ${bad.stdout}`);

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

	// the source's view: its refusals and its accepted events
	const ghRow = page.locator('#hook-list .hook[data-name="gh"]');
	check(/\b[1-9]\d* refused/.test(await ghRow.locator(".hook-rejected").textContent()), "the row does not count the refused delivery");
	const toggle = ghRow.getByRole("button", { name: "Deliveries" });
	await toggle.click();
	const logRow = ghRow.locator(".hook-log tbody tr").first();
	await waitFor(logRow, 3000, "the source's view lists no refused delivery");
	const cells = await logRow.locator("td").allTextContents();
	check(cells[1] === "bad signature" && cells[2] === "401" && cells[3] === badId,
		`the newest refusal reads ${JSON.stringify(cells)}, expected bad signature, 401, ${badId}`);
	await waitFor(ghRow.locator(`.hook-accepted li[data-id="${id}"]`), 3000, "the source's view does not list the accepted delivery");
	await page.locator("#hooks-heading").scrollIntoViewIfNeeded();
	await screenshot(page, "hooks");
	await ghRow.getByRole("button", { name: "Show all in the event list" }).click();
	check(await page.locator("#f-source").inputValue() === "gh", "Show all did not filter the event list by the source");
	await waitFor(row, 4000, "the filtered event list does not show the source's event");
	await toggle.click();
	check(await ghRow.locator(".hook-detail").isHidden(), "Hide deliveries did not close the view");
	check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
});
