// Filters: topic, type and source go to GET /inbox and to the stream's
// query, status, search words and payload.<path>=<value> terms to GET
// /inbox; the list shows only matching events, live
// ones included; "Clear filters" brings everything back.

import { main, open, waitConnected, waitFor, check, until, curlEvent, sleep, screenshot } from "./lib.mjs";

await main("filters", async (browser) => {
	const run = Date.now().toString(36);
	const alpha = `alpha-${run}`, beta = `beta-${run}`;
	const a1 = (await curlEvent({ source: "crm", type: "contact.created", topic: alpha, payload: { n: 1 } })).id;
	const b1 = (await curlEvent({ source: "crm", type: "contact.created", topic: beta, payload: { n: 2 } })).id;

	// the bad payload term's 422 below is the one HTTP error expected
	const badTerm = (p) => /\b422\b/.test(p) && p.includes("payload.a..b=1");
	const { page, problems } = await open(browser, { allow: badTerm });
	const streams = [];
	page.on("request", (r) => { if (r.url().includes("/inbox/stream")) streams.push(new URL(r.url())); });
	const lists = [];
	page.on("request", (r) => { if (new URL(r.url()).pathname === "/inbox") lists.push(new URL(r.url())); });
	await waitConnected(page);
	const row = (id) => page.locator(`#event-list > li[data-id="${id}"]`);
	await waitFor(row(b1), 3000, "the unfiltered list does not show the events");

	await page.locator("#f-topic").fill(alpha);
	await until(async () => streams.some((u) => u.searchParams.get("topic") === alpha), 3000,
		"the topic filter was not passed to the stream");
	await until(async () => lists.some((u) => u.searchParams.get("topic") === alpha), 4000,
		"the topic filter was not passed to GET /inbox");
	await waitConnected(page);
	await waitFor(row(a1), 4000, "the matching event is not listed");
	check(!(await row(b1).isVisible()), "an event of another topic is listed");

	// live: only the matching one arrives
	const b2 = (await curlEvent({ source: "crm", type: "contact.created", topic: beta, payload: { n: 3 } })).id;
	const a2 = (await curlEvent({ source: "crm", type: "contact.created", topic: alpha, payload: { n: 4 } })).id;
	await waitFor(row(a2), 3000, "a new matching event did not arrive");
	await sleep(500);
	check(await row(b2).count() === 0, "a new event of another topic arrived despite the filter");
	check(/1|2/.test(await page.locator("#log-count").textContent()), "the count does not reflect the filter");

	// a prefix: "alpha-…*" lists alpha's events and its sub-topics, live too
	const a3 = (await curlEvent({ source: "crm", type: "contact.created", topic: `${alpha}.sub`, payload: { n: 5 } })).id;
	await page.locator("#f-topic").fill(`${alpha}*`);
	await until(async () => lists.some((u) => u.searchParams.get("topic") === `${alpha}*`), 4000,
		"the prefix filter was not passed to GET /inbox");
	await waitConnected(page);
	await waitFor(row(a3), 4000, "the prefix filter does not list an event whose topic starts with it");
	check(await row(a1).isVisible(), "the prefix filter hides the event with exactly that topic");
	check(!(await row(b1).isVisible()), "the prefix filter lists an event of another topic");
	const a4 = (await curlEvent({ source: "crm", type: "contact.created", topic: `${alpha}.live`, payload: { n: 6 } })).id;
	const b3 = (await curlEvent({ source: "crm", type: "contact.created", topic: `${beta}.live`, payload: { n: 7 } })).id;
	await waitFor(row(a4), 3000, "a live event matching the prefix did not arrive");
	await sleep(500);
	check(await row(b3).count() === 0, "a live event outside the prefix arrived");

	// search: q goes to GET /inbox, not to the stream; live events are
	// matched by their payload's words
	await page.locator("#f-topic").fill("");
	const s1 = (await curlEvent({ source: "crm", type: "contact.created", topic: beta, payload: { note: `Needle ${run} found` } })).id;
	await page.locator("#f-q").fill(`needle ${run}`);
	await until(async () => lists.some((u) => u.searchParams.get("q") === `needle ${run}`), 4000,
		"the search was not passed to GET /inbox");
	check(!streams.some((u) => u.searchParams.has("q")), "the search was passed to the stream, which takes none");
	await waitFor(row(s1), 4000, "the search does not list the event with those words");
	check(!(await row(b1).isVisible()), "the search lists an event without those words");
	const s2 = (await curlEvent({ source: "crm", type: "contact.created", topic: alpha, payload: { deep: { w: [`NEEDLE-${run}`] } } })).id;
	const s3 = (await curlEvent({ source: "crm", type: "contact.created", topic: alpha, payload: { w: `needles ${run}` } })).id;
	await waitFor(row(s2), 3000, "a live event with the words did not arrive");
	// the stream brings s3 too (it takes no q): the list keeps it hidden
	await until(async () => await row(s3).count() === 1, 3000, "the stream did not bring the other event");
	check(!(await row(s3).isVisible()), "a live event with only part of a word is shown");

	// payload terms in the box: payload.<path>=<value> goes to GET /inbox
	// as its own parameter, the words left as q; live events are matched
	// by value (a number as a number, never inside an array)
	const p1 = (await curlEvent({ source: "crm", type: "contact.created", topic: beta, payload: { order: { total: 4200, ref: `R-${run}` } } })).id;
	const p2 = (await curlEvent({ source: "crm", type: "contact.created", topic: beta, payload: { order: { total: 99, ref: `R-${run}` } } })).id;
	await page.locator("#f-q").fill(`payload.order.total=4200 r ${run}`);
	await until(async () => lists.some((u) => u.searchParams.get("payload.order.total") === "4200" &&
		u.searchParams.get("q") === `r ${run}`), 4000, "the payload term was not passed to GET /inbox as payload.order.total, with the words as q");
	await waitFor(row(p1), 4000, "the payload term does not list the event with that value");
	check(!(await row(p2).isVisible()), "the payload term lists an event with another value");
	const p3 = (await curlEvent({ source: "crm", type: "contact.created", topic: alpha, payload: { order: { total: 4200.0, ref: `R-${run}` } } })).id;
	const p4 = (await curlEvent({ source: "crm", type: "contact.created", topic: alpha, payload: { order: { total: "4200 ", ref: `R-${run}` } } })).id;
	const p5 = (await curlEvent({ source: "crm", type: "contact.created", topic: alpha, payload: { order: [{ total: 4200 }], r: run } })).id;
	await waitFor(row(p3), 3000, "a live event with that value did not arrive");
	await until(async () => await row(p5).count() === 1, 3000, "the stream did not bring the other events");
	check(await row(p4).count() === 1 && !(await row(p4).isVisible()), "a live event whose value is another string is shown");
	check(!(await row(p5).isVisible()), "a live event with the value inside an array is shown");
	// a term the server cannot run is its 422, shown with its reason
	await page.locator("#f-q").fill("payload.a..b=1");
	await waitFor(page.locator("#log-error").filter({ hasText: "payload.a..b" }), 4000,
		"a bad payload term does not show the server's reason naming it");
	await page.locator("#f-q").fill("");

	// status: acknowledged only -> none of these
	await page.locator("#f-status").selectOption("acknowledged");
	await until(async () => lists.some((u) => u.searchParams.get("status") === "acknowledged"), 3000,
		"the status filter was not passed to GET /inbox");
	await waitFor(page.getByText("No events match these filters"), 3000, "no empty state for filters that match nothing");
	await screenshot(page, "filters");

	// clear
	await page.getByRole("button", { name: "Clear filters" }).click();
	await waitFor(row(b2), 4000, "Clear filters did not bring the other events back");
	check(await page.locator("#f-topic").inputValue() === "", "Clear filters left the topic");
	check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
});
