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
	for (let i = 0; i < 3; i++) await curlEvent({ source: "chart", payload: { n: i } });

	const { page, problems } = await open(browser);
	const asked = [];
	page.on("request", (r) => { const u = new URL(r.url()); if (u.pathname === "/stats") asked.push(u.search); });
	await waitConnected(page);
	await waitFor(page.locator("#chart canvas"), 5000, "the chart was not drawn");

	const picker = page.locator("#chart-range button");
	check(JSON.stringify(await picker.allTextContents()) === JSON.stringify(["15 min", "1 h", "24 h", "7 d"]),
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
