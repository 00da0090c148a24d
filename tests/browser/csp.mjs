// The dashboard and /docs are served with the Content-Security-Policy and
// the other security headers (tests/api/static.bats checks the values),
// and pass it: while each is used (the live log, the chart, an event's
// payload, the theme toggle; Swagger UI with an operation and a model
// opened) no securitypolicyviolation event fires and nothing about the
// policy reaches the console. Without the header there would be nothing
// to violate, so its presence is checked first.

import { main, open, waitConnected, waitFor, until, check, curlEvent, screenshot } from "./lib.mjs";

// headersOf(response): the security headers a page came with.
function headersOf(res) {
	const h = res.headers();
	return {
		csp: h["content-security-policy"] || "",
		frame: h["x-frame-options"] || "",
		nosniff: h["x-content-type-options"] || "",
		referrer: h["referrer-policy"] || "",
	};
}

function checkHeaders(what, h) {
	check(/script-src 'self'(;|$)/.test(h.csp) && /style-src 'self'(;|$)/.test(h.csp) &&
		/frame-ancestors 'none'/.test(h.csp), `${what} came without the policy (Content-Security-Policy: "${h.csp}")`);
	check(!/unsafe-inline|unsafe-eval/.test(h.csp), `${what}'s policy allows inline code: "${h.csp}"`);
	check(h.frame === "DENY" && h.nosniff === "nosniff" && h.referrer === "no-referrer",
		`${what} lacks a security header: ${JSON.stringify(h)}`);
}

await main("csp", async (browser) => {
	const { id } = await curlEvent({ source: "csp", type: "policy.checked", topic: "security", payload: { ok: true, html: "<i>x</i>" } });

	// the dashboard, used
	const main_ = await browser.newPage(); // only to read the header of /
	const res = await main_.goto(process.env.ZS_URL + "/");
	checkHeaders("the dashboard", headersOf(res));
	await main_.close();

	// /docs asks for /dev-key.json (make dev's key), which a test server
	// does not have: its 404 is the one failure allowed
	const devKeyMissing = (p) => p.includes("/dev-key.json") && /\b404\b/.test(p);
	const { page, problems } = await open(browser, { allow: devKeyMissing });
	await waitConnected(page);
	await waitFor(page.locator("#chart canvas"), 5000, "the events-per-minute chart was not drawn");
	const row = page.locator(`#event-list > li[data-id="${id}"]`);
	await waitFor(row, 5000, "the event is not in the log");
	await row.locator(".event-toggle").click();
	await waitFor(row.locator("pre.payload"), 3000, "the payload did not open");
	// the top-sources bars are sized through the CSSOM (a style attribute
	// would be refused)
	const bars = await page.locator("#stat-sources .source-bar > span").evaluateAll((els) => els.map((e) => e.style.width));
	check(bars.length > 0 && bars.every((w) => /%$/.test(w)), `the top-sources bars have no width: ${JSON.stringify(bars)}`);
	await page.locator("#theme-toggle").click();
	await page.locator("#theme-toggle").click();
	await page.locator("#pg-curl").click();
	await page.waitForTimeout(500);
	check(problems.length === 0, `the dashboard had problems:\n  ${problems.join("\n  ")}`);

	// /docs, through its link: Swagger UI renders, an operation and a model open
	const [docsRes] = await Promise.all([
		page.waitForResponse((r) => /\/docs\/$/.test(new URL(r.url()).pathname)),
		page.getByRole("link", { name: "API docs" }).first().click(),
	]);
	checkHeaders("/docs/", headersOf(docsRes));
	await until(async () => (await page.locator(".opblock").count()) >= 9, 15000,
		async () => `Swagger UI did not render (page text: "${(await page.locator("body").innerText()).slice(0, 200)}")`);
	await page.locator(".opblock-summary").first().click();
	await waitFor(page.locator(".opblock-body").first(), 5000, "an operation did not open");
	const model = page.locator(".models .model-container").first();
	if (await model.count()) {
		await model.click();
	}
	await page.waitForTimeout(1000);
	await screenshot(page, "csp-docs");
	// the page's own styles applied from docs.css (no inline <style>)
	const bar = await page.locator(".zs-bar").evaluate((el) => getComputedStyle(el).display);
	check(bar === "flex", `docs.css did not apply (the bar's display is "${bar}")`);
	check(problems.length === 0, `/docs had problems:\n  ${problems.join("\n  ")}`);
});
