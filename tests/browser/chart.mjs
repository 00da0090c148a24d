// The chart's time-range picker and tooltip (issue 18): each range asks
// GET /stats?range= for its buckets (15 min: the newest 15 of 1 h's
// minutes), the bars follow (per minute, hour, day), the newest bar is
// drawn whole rather than as a sliver at the right edge, and hovering or
// focusing a bar shows its time and count. The cards stay the API's.

import { main, open, waitConnected, waitFor, until, check, curlEvent, apiGet, statValue, screenshot } from "./lib.mjs";

// The columns of the chart's canvas painted in the bar color, as runs
// [start, end) in CSS pixels.
async function barRuns(page) {
	return page.evaluate(() => {
		const c = document.querySelector("#chart canvas");
		const css = getComputedStyle(document.documentElement).getPropertyValue("--chart-bar").trim();
		const probe = document.createElement("canvas").getContext("2d");
		probe.fillStyle = css;
		probe.fillRect(0, 0, 1, 1);
		const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
		const { width, height } = c;
		const px = c.getContext("2d").getImageData(0, 0, width, height).data;
		const hit = new Array(width).fill(false);
		for (let y = 0; y < height; y++)
			for (let x = 0; x < width; x++) {
				const i = (y * width + x) * 4;
				if (Math.abs(px[i] - r) < 12 && Math.abs(px[i + 1] - g) < 12 && Math.abs(px[i + 2] - b) < 12 && px[i + 3] > 200) hit[x] = true;
			}
		const scale = width / c.getBoundingClientRect().width;
		const runs = [];
		for (let x = 0; x < width; x++) {
			if (!hit[x]) continue;
			const s = x;
			while (x < width && hit[x]) x++;
			runs.push([s / scale, x / scale]);
		}
		return { runs, width: width / scale };
	});
}

await main("chart", async (browser) => {
	// the checks below hover the newest minute's bar: start early in a
	// minute, so that the events are still in the newest one at the end
	const into = Date.now() % 60000;
	if (into > 15000) await new Promise((r) => setTimeout(r, 60000 - into + 500));
	for (let i = 0; i < 3; i++) await curlEvent({ source: "chart", payload: { n: i } });

	const { page, problems } = await open(browser);
	const asked = [];
	page.on("request", (r) => { const u = new URL(r.url()); if (u.pathname === "/stats") asked.push(u.search); });
	await waitConnected(page);
	await waitFor(page.locator("#chart canvas"), 5000, "the chart was not drawn");

	const picker = page.locator("#chart-range button");
	check(JSON.stringify(await picker.allTextContents()) === JSON.stringify(["15 min", "1 h", "24 h", "7 d", "Custom"]),
		`the range picker offers ${JSON.stringify(await picker.allTextContents())}`);
	check(await page.locator("#chart-range button[data-range='1h']").getAttribute("aria-pressed") === "true", "1 h is not the default range");
	await until(async () => (await page.locator("#chart").getAttribute("data-bars")) === "60", 5000,
		async () => `the default chart has ${await page.locator("#chart").getAttribute("data-bars")} bars, not 60 minutes`);

	const cases = [
		["15m", "?range=1h", "15", "minute", "Events per minute"],
		["24h", "?range=24h", "24", "hour", "Events per hour"],
		["7d", "?range=7d", "7", "day", "Events per day"],
		["1h", "?range=1h", "60", "minute", "Events per minute"],
	];
	for (const [range, query, bars, bucket, heading] of cases) {
		asked.length = 0;
		await page.locator(`#chart-range button[data-range='${range}']`).click();
		check(await page.locator(`#chart-range button[data-range='${range}']`).getAttribute("aria-pressed") === "true",
			`${range} is not shown as picked`);
		await until(async () => asked.includes(query), 5000, () => `picking ${range} asked ${JSON.stringify(asked)}, not ${query}`);
		await until(async () => (await page.locator("#chart").getAttribute("data-bars")) === bars &&
			(await page.locator("#chart").getAttribute("data-bucket")) === bucket, 5000,
			async () => `${range}: the chart has ${await page.locator("#chart").getAttribute("data-bars")} bars per ${await page.locator("#chart").getAttribute("data-bucket")}, want ${bars} per ${bucket}`);
		check((await page.locator("#chart-heading").textContent()) === heading, `${range}: the heading says "${await page.locator("#chart-heading").textContent()}"`);
		await until(async () => /3 events/.test(await page.locator("#chart-note").textContent()), 5000,
			async () => `${range}: the note says "${await page.locator("#chart-note").textContent()}", not 3 events`);

		// the three events are in the newest bucket: a whole bar, inside the plot
		await page.waitForTimeout(300);
		const { runs, width } = await barRuns(page);
		check(runs.length >= 1, `${range}: no bar is drawn`);
		const [s, e] = runs[runs.length - 1];
		const slot = width / Number(bars);
		check(e - s >= Math.min(0.5 * slot, 30), `${range}: the newest bar is a sliver, ${(e - s).toFixed(1)} px wide in a ${slot.toFixed(1)} px slot`);
		check(e <= width - 2, `${range}: the newest bar runs into the chart's right edge (${e.toFixed(1)} of ${width.toFixed(1)} px)`);

		// hovering the newest bar shows its time and count
		const box = await page.locator("#chart .u-over").boundingBox();
		await page.mouse.move(box.x + box.width - 3, box.y + box.height - 5);
		await waitFor(page.locator("#chart-tip"), 2000, `${range}: no tooltip on hover`);
		const tip = await page.locator("#chart-tip").textContent();
		check(/3 events/.test(tip) && /\d/.test(tip.split("·")[0]), `${range}: the hover tooltip says "${tip}"`);
		await page.mouse.move(0, 0);
		await waitFor(page.locator("#chart-tip"), 2000, `${range}: the tooltip stays after the mouse left`, "hidden");
	}

	// by keyboard: focus shows the newest bar, Left the one before (empty)
	await page.locator("#chart").focus();
	await waitFor(page.locator("#chart-tip"), 2000, "no tooltip when the chart has focus");
	check(/3 events/.test(await page.locator("#chart-tip").textContent()), `the focused tooltip says "${await page.locator("#chart-tip").textContent()}"`);
	await page.keyboard.press("ArrowLeft");
	await until(async () => /· 0 events/.test(await page.locator("#chart-tip").textContent()), 2000,
		async () => `after ArrowLeft the tooltip says "${await page.locator("#chart-tip").textContent()}"`);
	await screenshot(page, "chart-tooltip");
	await page.keyboard.press("Escape");

	// Custom: a window of the last 7 days for the chart and the list
	const local = (ms) => { const d = new Date(ms); return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16); };
	const rows = () => page.locator("#event-list > li:not([hidden])").count();
	await until(async () => (await rows()) === 3, 5000, async () => `the list has ${await rows()} rows before Custom, not 3`);
	await page.locator("#chart-range button[data-range='custom']").click();
	await waitFor(page.locator("#chart-custom"), 2000, "Custom shows no form");
	// refused as the API would refuse it, said in words
	await page.locator("#range-from").fill(local(Date.now() - 8 * 86400000));
	await page.locator("#range-apply").click();
	await until(async () => /within the last 7 days/.test(await page.locator("#range-error").textContent()), 2000,
		async () => `a start 8 days ago says "${await page.locator("#range-error").textContent()}"`);
	asked.length = 0;
	await page.locator("#range-from").fill(local(Date.now() - 30 * 60000));
	await page.locator("#range-to").fill("");
	await page.locator("#range-apply").click();
	await until(async () => asked.some((q) => q.startsWith("?since=")), 5000, () => `Custom asked ${JSON.stringify(asked)}`);
	await until(async () => (await page.locator("#chart").getAttribute("data-bucket")) === "minute" &&
		Number(await page.locator("#chart").getAttribute("data-bars")) >= 30, 5000,
		async () => `Custom (30 min): ${await page.locator("#chart").getAttribute("data-bars")} bars per ${await page.locator("#chart").getAttribute("data-bucket")}`);
	check(await page.locator("#chart-range button[data-range='custom']").getAttribute("aria-pressed") === "true", "Custom is not shown as picked");
	await until(async () => /3 events/.test(await page.locator("#chart-note").textContent()), 5000,
		async () => `Custom: the note says "${await page.locator("#chart-note").textContent()}"`);
	await until(async () => (await rows()) === 3, 5000, async () => `the list has ${await rows()} rows in the last 30 minutes, not 3`);
	// a window that ended before the events: an empty list that says why
	await page.locator("#chart-range button[data-range='custom']").click();
	await page.locator("#range-from").fill(local(Date.now() - 3 * 3600000));
	await page.locator("#range-to").fill(local(Date.now() - 2 * 3600000));
	await page.locator("#range-apply").click();
	await until(async () => (await rows()) === 0, 5000, async () => `a window of 3 to 2 hours ago lists ${await rows()} rows`);
	check(/custom time range/.test(await page.locator("#log-empty-text").textContent()),
		`the empty list says "${await page.locator("#log-empty-text").textContent()}"`);
	// an event posted now is outside it: not added live
	await curlEvent({ source: "chart", payload: { n: 9 } });
	await page.waitForTimeout(1500);
	check((await rows()) === 0, `a live event outside the custom range was listed (${await rows()} rows)`);
	// back to 1 h: the whole list again
	await page.locator("#chart-range button[data-range='1h']").click();
	await until(async () => (await rows()) === 4, 5000, async () => `after 1 h the list has ${await rows()} rows, not 4`);
	await screenshot(page, "chart-custom");

	// the range is kept, and the cards are the API's whatever the range
	await page.locator("#chart-range button[data-range='24h']").click();
	const api = await apiGet("/stats?range=24h");
	for (const k of ["pending", "leased", "dead", "acknowledged", "total"])
		await until(async () => (await statValue(page, k)) === api[k], 5000,
			async () => `the ${k} card shows ${await statValue(page, k)}, GET /stats says ${api[k]}`);
	await page.reload({ waitUntil: "load" });
	await until(async () => (await page.locator("#chart-range button[data-range='24h']").getAttribute("aria-pressed")) === "true", 5000,
		"the picked range is not kept across a reload");
	check(problems.length === 0, `the page had problems:\n  ${problems.join("\n  ")}`);
});
