// Leases and dead letters in the live log. tests/browser.bats starts the
// server with MAX_DELIVERIES=1, so an event's second lease dead-letters it.
// - An event leased with the API turns "Leased" live, saying when its
//   lease ends (as the API does) and "1 delivery", and can still be
//   acknowledged; given back (release), it is "Pending" with "1 delivery".
// - A lease of 1 s runs out: the row turns "Pending" by itself (the stream
//   says nothing), as the API does; the next lease dead-letters the event:
//   "Dead" live, "after 1 delivery", with a Redrive button.
// - The Leased and Dead cards agree with GET /stats; the header shows the
//   leases in flight and the oldest pending event's age, ticking on.
// - The status filter shows only dead, or only leased, events.
// - Redrive makes the event pending with no deliveries, in the log and the
//   API, says so, and the Dead card goes down.
// - A redrive the server refuses (409 EVENT_NOT_DEAD: someone redrove the
//   event first) shows the server's message.
// - Acknowledge on a leased event acknowledges it.
// Screenshots: lease-light.png and lease-dark.png (a leased, a released
// and an expanded dead event), lease-refused.png (the 409).

import { main, open, waitConnected, waitFor, check, until, curlEvent, apiGet, apiPost, statValue, screenshot } from "./lib.mjs";

const run = Date.now().toString(36);

// POST /inbox/lease for one event of `topic`.
const lease = (topic, seconds) => apiPost("/inbox/lease", { topic, limit: 1, visibility_timeout: seconds });

await main("lease", async (browser) => {
	// the refused redrive is an expected 409
	const allow = (p) => p.includes("409") && p.includes("/redrive");
	const { page, problems } = await open(browser, { allow });
	await waitConnected(page);

	const row = (id) => page.locator(`#event-list > li[data-id="${id}"]`);
	const badge = async (id) => (await row(id).locator(".badge").textContent()).trim();
	const note = async (id) => (await row(id).locator(".status-note").allTextContents()).join(" / ");
	const badgeSays = (id, want, timeout, what) => until(async () => (await badge(id)) === want, timeout,
		async () => `${what}: the badge of ${id} says "${await badge(id)}", want "${want}"`);
	// Every status a row shows, in order, however briefly (a 1 s lease
	// may come and go between two looks).
	const record = (id) => page.evaluate((id) => {
		const seen = (window.seenStatus ||= {});
		seen[id] = [];
		const li = document.querySelector(`#event-list > li[data-id="${id}"]`);
		const note = () => { if (seen[id].at(-1) !== li.dataset.status) seen[id].push(li.dataset.status); };
		note();
		new MutationObserver(note).observe(li, { attributes: true, attributeFilter: ["data-status"] });
	}, id);
	const seen = (id) => page.evaluate((id) => window.seenStatus[id].join(" > "), id);

	// ---- leased live, then given back -------------------------------------
	const heldTopic = `held-${run}`;
	const a = (await curlEvent({ source: "worker", type: "job.queued", topic: heldTopic, payload: { job: 1 } })).id;
	await waitFor(row(a), 3000, `event ${a} never appeared in the log`);
	check(await badge(a) === "Pending", `a new event's badge says "${await badge(a)}"`);
	check(await note(a) === "", `a new event shows "${await note(a)}" under its badge`);

	const got = await lease(heldTopic, 120);
	check(got.events.length === 1 && got.events[0].id === a, "POST /inbox/lease did not hand out the event");
	const held = got.events[0];
	await badgeSays(a, "Leased", 3000, "the lease did not show live");
	const ends = await row(a).locator(".status-note time").getAttribute("datetime");
	check(ends === held.lease_expires_at, `the row says the lease ends at ${ends}, the API says ${held.lease_expires_at}`);
	check(/\d:\d\d:\d\d/.test(await row(a).locator(".status-note time").textContent()), "the lease's end is not shown as a clock time");
	check(/^until .+ \/ 1 delivery$/.test(await note(a)), `a leased event shows "${await note(a)}" under its badge`);
	check(await row(a).getByRole("button", { name: /^Acknowledge/ }).count() === 1, "a leased event cannot be acknowledged");
	check(await row(a).locator("[data-action=redrive]").count() === 0, "a leased event offers Redrive");

	await apiPost(`/inbox/${a}/release`, { lease_id: held.lease_id });
	await badgeSays(a, "Pending", 3000, "the release did not show live");
	check(await note(a) === "1 delivery", `a released event shows "${await note(a)}" under its badge`);

	// one that stays leased, for the cards and the screenshots
	const c = (await curlEvent({ source: "worker", type: "report.build", topic: `busy-${run}`, payload: { report: "daily" } })).id;
	await waitFor(row(c), 3000, `event ${c} never appeared in the log`);
	await lease(`busy-${run}`, 600);
	await badgeSays(c, "Leased", 3000, "the second lease did not show live");

	// ---- a lease runs out, the next one dead-letters ----------------------
	const flakyTopic = `flaky-${run}`;
	const b = (await curlEvent({ source: "worker", type: "job.failed", topic: flakyTopic, payload: { job: 2 } })).id;
	await waitFor(row(b), 3000, `event ${b} never appeared in the log`);
	await record(b);
	const short = await lease(flakyTopic, 1);
	check(short.events.length === 1 && short.events[0].id === b, "POST /inbox/lease did not hand out the second event");
	await until(async () => (await seen(b)) === "pending > leased > pending", 4000,
		async () => `a 1 s lease should show leased, then pending when it runs out; the row went ${await seen(b)}`);
	check((await apiGet(`/inbox/${b}`)).status === "pending", "the API does not say pending after the lease ran out");
	check(await note(b) === "1 delivery", `an event whose lease ran out shows "${await note(b)}" under its badge`);

	const again = await lease(flakyTopic, 1);
	check(again.events.length === 0, "a second lease handed the event out again: is MAX_DELIVERIES=1 set?");
	await badgeSays(b, "Dead", 3000, "the dead letter did not show live");
	check(await note(b) === "after 1 delivery", `a dead event shows "${await note(b)}" under its badge`);
	const redrive = row(b).getByRole("button", { name: /^Redrive/ });
	check(await redrive.isVisible(), "a dead event has no Redrive button");
	check((await redrive.textContent()).trim() === "Redrive", `the button says "${await redrive.textContent()}"`);
	check(await row(b).locator("[data-action=ack]").count() === 0, "a dead event offers Acknowledge in Redrive's place");

	// ---- the cards ----------------------------------------------------------
	let stats;
	await until(async () => {
		stats = await apiGet("/stats");
		return await statValue(page, "leased") === stats.leased && await statValue(page, "dead") === stats.dead &&
			await statValue(page, "pending") === stats.pending;
	}, 12000, async () => `the cards say leased ${await statValue(page, "leased")}, dead ${await statValue(page, "dead")}, ` +
		`pending ${await statValue(page, "pending")}; GET /stats says ${stats.leased}, ${stats.dead}, ${stats.pending}`);
	check(stats.leased === 1 && stats.dead === 1, `GET /stats says leased ${stats.leased}, dead ${stats.dead}; want 1 and 1`);
	check(stats.pending === 1, `GET /stats says pending ${stats.pending}, want 1 (the released event)`);
	// the header: leases in flight, and how long the oldest pending event
	// (the released one) has waited, counting on between refreshes
	const inFlight = (await page.locator("#leases-in-flight").textContent()).trim();
	check(inFlight === "1", `the header says "${inFlight}" leases in flight, want 1`);
	const age = async () => (await page.locator("#oldest-pending").textContent()).trim();
	const waited = Math.floor((Date.now() - Date.parse(stats.oldest_pending_at)) / 1000);
	const first = await age();
	check(/^\d+ s$/.test(first) && Math.abs(parseInt(first, 10) - waited) <= 3,
		`the header says the oldest pending event waited "${first}", want about ${waited} s`);
	await until(async () => parseInt(await age(), 10) > parseInt(first, 10), 3000,
		async () => `the oldest pending age stays at "${await age()}"`);

	// ---- the status filter ---------------------------------------------------
	const shows = async (want) => {
		for (const id of [a, b, c]) if ((await row(id).isVisible()) !== want.includes(id)) return false;
		return true;
	};
	for (const [status, want] of [["dead", [b]], ["leased", [c]], ["all", [a, b, c]]]) {
		await page.locator("#f-status").selectOption(status);
		await until(() => shows(want), 4000, `the status filter "${status}" does not show just ${want.join(", ")}`);
	}
	await waitConnected(page);

	await row(b).locator(".event-toggle").click();
	await waitFor(row(b).locator(".event-detail dt", { hasText: "Dead since" }), 2000,
		"the dead event's details do not say since when it is dead");
	await screenshot(page, "lease-light");
	await page.locator("#theme-toggle").click();
	await screenshot(page, "lease-dark");
	await page.locator("#theme-toggle").click();

	// ---- redrive --------------------------------------------------------------
	await redrive.click();
	await badgeSays(b, "Pending", 3000, "Redrive did not make the event pending");
	check(await note(b) === "", `a redriven event shows "${await note(b)}" under its badge`);
	check(await row(b).locator("[data-action=redrive]").count() === 0, "a redriven event still offers Redrive");
	const said = (await page.locator("#log-notice").textContent()).trim();
	check(said === `Redriven: ${b} is pending again.`, `after Redrive the log says "${said}"`);
	const ev = await apiGet(`/inbox/${b}`);
	check(ev.status === "pending" && ev.delivery_count === 0, `the API says ${ev.status} with ${ev.delivery_count} deliveries`);
	await until(async () => await statValue(page, "dead") === stats.dead - 1, 8000,
		async () => `the Dead card shows ${await statValue(page, "dead")} after Redrive, want ${stats.dead - 1}`);

	// ---- a redrive the server refuses -----------------------------------------
	// dead again at once: lease, give back, lease
	const third = await lease(flakyTopic, 60);
	check(third.events.length === 1, "the redriven event could not be leased again");
	await apiPost(`/inbox/${b}/release`, { lease_id: third.events[0].lease_id });
	check((await lease(flakyTopic, 60)).events.length === 0, "the released event was handed out again");
	await badgeSays(b, "Dead", 3000, "the second dead letter did not show live");
	// someone redrives it between the click and the request
	await page.route("**/redrive", async (route) => {
		await apiPost(`/inbox/${b}/redrive`);
		await route.continue();
	});
	await row(b).getByRole("button", { name: /^Redrive/ }).click();
	const refused = await apiPost(`/inbox/${b}/redrive`, undefined, { expect: 409 });
	check(refused.error && refused.error.code === "EVENT_NOT_DEAD", `a second redrive answered ${JSON.stringify(refused)}`);
	const want = `Could not redrive ${b}: ${refused.error.message}`;
	await until(async () => (await page.locator("#log-error").isVisible()) &&
		(await page.locator("#log-error").textContent()).trim() === want, 3000,
		async () => `after a refused Redrive the log says "${await page.locator("#log-error").textContent()}", want "${want}"`);
	check((await page.locator("#log-notice").textContent()) === "", "the earlier success notice is still shown next to the error");
	await badgeSays(b, "Pending", 3000, "the other redrive did not show live");
	await screenshot(page, "lease-refused");

	// a leased event can be acknowledged from here (its worker's lease is lost)
	await row(c).getByRole("button", { name: /^Acknowledge/ }).click();
	await badgeSays(c, "Acknowledged", 3000, "Acknowledge on a leased event did not take");
	check(await note(c) === "", `an acknowledged event shows "${await note(c)}" under its badge`);
	check((await apiGet(`/inbox/${c}`)).status === "acknowledged", "the API does not say the leased event was acknowledged");
	check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
});
