// /docs, reached from the dashboard's "API docs" link, renders
// www/openapi.yaml with Swagger UI: every endpoint is listed, with no
// console errors or failed requests.

import { main, open, check, until, screenshot } from "./lib.mjs";

const ENDPOINTS = [
	"POST /events",
	"GET /inbox",
	"GET /inbox/{id}",
	"DELETE /inbox/{id}",
	"POST /inbox/{id}/ack",
	"POST /inbox/ack",
	"GET /inbox/stream",
	"GET /stats",
	"GET /health",
];

await main("docs", async (browser) => {
	const { page, problems } = await open(browser);
	await page.getByRole("link", { name: "API docs" }).first().click();
	await page.waitForURL(/\/docs\/?$/, { timeout: 5000 });
	const found = await until(async () => {
		const ops = await page.locator(".opblock").evaluateAll((els) => els.map((el) => {
			const m = el.querySelector(".opblock-summary-method");
			const p = el.querySelector("[data-path]");
			return m && p ? `${m.textContent.trim().toUpperCase()} ${p.getAttribute("data-path")}` : null;
		}).filter(Boolean));
		return ops.length >= ENDPOINTS.length ? ops : null;
	}, 15000, async () => `Swagger UI did not render the endpoints (page text: "${(await page.locator("body").innerText()).slice(0, 200)}")`);
	const missing = ENDPOINTS.filter((e) => !found.includes(e));
	check(missing.length === 0, `/docs does not show: ${missing.join(", ")} (it shows ${found.join(", ")})`);
	await screenshot(page, "docs");
	check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
});
