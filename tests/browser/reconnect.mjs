// The live stream across a lighttpd restart. tests/browser.bats drives the
// server; this script drives the page, and they meet through files in
// ZS_CTL:
//   we write "ready"          the page is connected and has seen an event
//   bats writes "stopped"     lighttpd is down
//   we write "reconnecting"   the page shows "reconnecting"
//   bats writes "posted"      event ids posted while lighttpd was down (CGI)
//   bats writes "restarted"   lighttpd is up again, same port, same database
// Then the page must show "connected" again, and the events posted while
// it was down must arrive: the browser resumes with the last event id
// (Last-Event-ID header, or ?last_event_id= when the page reopens the
// stream itself), and the server replays what it missed.

import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main, open, waitConnected, waitFor, check, until, curlEvent, screenshot, readText, fail } from "./lib.mjs";

const CTL = process.env.ZS_CTL || fail("ZS_CTL is not set");
const mark = (name, text = "") => writeFileSync(join(CTL, name), text);
const waitMark = (name, timeout) => until(() => existsSync(join(CTL, name)), timeout, `bats never wrote "${name}"`);

await main("reconnect", async (browser) => {
	// errors are expected while the server is down; only bugs count
	const { page, problems } = await open(browser, { allow: (p) => !p.startsWith("uncaught") });
	await waitConnected(page);
	const { id: before } = await curlEvent({ source: "outage", type: "before.stop", payload: { n: 0 } });
	await waitFor(page.locator(`#event-list > li[data-id="${before}"]`), 3000, "the first event did not arrive");

	// every stream request from now on, with the resume point it carried
	const resumes = [];
	page.on("request", async (req) => {
		if (!req.url().includes("/inbox/stream")) return;
		const h = await req.allHeaders();
		const q = new URL(req.url()).searchParams.get("last_event_id");
		resumes.push(h["last-event-id"] || q || null);
	});

	mark("ready");
	await waitMark("stopped", 30000);
	await until(async () => /reconnecting/i.test(await page.locator("#conn-label").textContent()), 10000,
		async () => `with lighttpd down the status shows "${await page.locator("#conn-label").textContent()}", not "reconnecting"`);
	await waitFor(page.locator("#health[data-state=down]"), 12000, "server health does not show the server down");
	await screenshot(page, "reconnect-down");
	mark("reconnecting");

	await waitMark("restarted", 30000);
	const posted = readText(join(CTL, "posted")).split(/\s+/).filter(Boolean);
	check(posted.length > 0, "bats posted no events while the server was down");
	await waitConnected(page, 20000);
	for (const id of posted) {
		await waitFor(page.locator(`#event-list > li[data-id="${id}"]`), 10000,
			`event ${id}, posted while lighttpd was down, never arrived after the reconnect`);
	}
	const order = await page.locator("#event-list > li").evaluateAll((els) => els.map((e) => e.dataset.id));
	check(order.indexOf(posted[posted.length - 1]) < order.indexOf(before), "the replayed events are not above the older one");
	check(resumes.some((r) => r && /^\d+$/.test(r)), `no stream request after the restart carried a last event id (saw ${JSON.stringify(resumes)})`);

	// and the stream is live again
	const { id: after } = await curlEvent({ source: "outage", type: "after.restart", payload: { n: 9 } });
	await waitFor(page.locator(`#event-list > li[data-id="${after}"]`), 3000, "a new event did not arrive after the reconnect");
	await waitFor(page.locator("#health[data-state=ok]"), 12000, "server health did not come back to OK");
	const total = (await (await fetch(`${process.env.ZS_URL}/stats`, { headers: { "X-API-Key": process.env.ZS_KEY } })).json()).total;
	await until(async () => Number((await page.locator("#stat-total").textContent()).replace(/\D/g, "")) === total, 8000,
		"the Total card did not catch up after the reconnect");
	await screenshot(page, "reconnect-back");
	check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
});
