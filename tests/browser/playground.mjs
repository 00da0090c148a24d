// The API playground: a parse error is shown as you type and blocks Send;
// Send posts the event and shows "201 Created", the response headers and
// body, and the event reaches the live log; the same idempotency key again
// answers 200 with Idempotent-Replayed; "Copy as curl" puts a command on
// the clipboard that, run by a shell, makes the same request (200 replay).

import { main, open, waitConnected, waitFor, check, until, run, screenshot, fail } from "./lib.mjs";

await main("playground", async (browser) => {
	const { page, problems } = await open(browser, { permissions: ["clipboard-read", "clipboard-write"] });
	await waitConnected(page);
	const body = page.locator("#pg-body");
	const validity = page.locator("#pg-validity");
	const send = page.locator("#pg-send");

	// the example is valid
	check(/valid json/i.test(await validity.textContent()), `the example is not valid: ${await validity.textContent()}`);

	// broken JSON: the parse error, Send disabled
	await body.fill('{"payload": {"a": 1,}}');
	await until(async () => (await validity.getAttribute("data-state")) === "error", 2000, "a parse error was not shown");
	check(/invalid json/i.test(await validity.textContent()), `the parse error says "${await validity.textContent()}"`);
	check(await send.isDisabled(), "Send is enabled for broken JSON");
	check(await body.getAttribute("aria-invalid") === "true", "the textarea is not marked invalid");

	// a valid event, with a quote to test the shell quoting of the curl command
	const event = { source: "playground", type: "note.added", topic: "tests", payload: { text: "it's \"quoted\" & $HOME `id`", n: 1 } };
	const key = `pg-${Date.now()}`;
	await body.fill(JSON.stringify(event, null, 2));
	await page.locator("#pg-idem").fill(key);
	check(!(await send.isDisabled()), "Send is disabled for a valid event");
	await send.click();
	await waitFor(page.locator("#pg-response"), 5000, "no response was shown after Send");
	await until(async () => /^201 Created$/.test((await page.locator("#pg-status").textContent()).trim()), 5000,
		async () => `the status shows "${await page.locator("#pg-status").textContent()}", want "201 Created"`);
	const headers = await page.locator("#pg-headers").textContent();
	check(/location/i.test(headers) && /x-request-id/i.test(headers), `the response headers are not shown: ${headers}`);
	const reply = JSON.parse(await page.locator("#pg-response-body").textContent());
	check(/^evt_/.test(reply.id) && reply.status === "accepted", "the response body is not the 201 reply");
	await waitFor(page.locator(`#event-list > li[data-id="${reply.id}"]`), 3000, "the sent event did not reach the live log");
	await screenshot(page, "playground");

	// the same key and body: a replay
	await send.click();
	await until(async () => /^200 OK$/.test((await page.locator("#pg-status").textContent()).trim()), 5000,
		async () => `a replay shows "${await page.locator("#pg-status").textContent()}", want "200 OK"`);
	check(/idempotent-replayed/i.test(await page.locator("#pg-headers").textContent()), "Idempotent-Replayed is not shown");

	// Copy as curl, then run the copied command
	await page.locator("#pg-curl").click();
	await until(async () => /copied/i.test(await page.locator("#pg-copy-note").textContent()), 3000, "no 'Copied' confirmation");
	const copied = await page.evaluate(() => navigator.clipboard.readText());
	const shown = await page.locator("#pg-curl-text").textContent();
	check(copied === shown, "the clipboard and the shown command differ");
	check(copied.includes("X-API-Key:") && copied.includes(`Idempotency-Key: ${key}`), `the command lacks the key or idempotency key:\n${copied}`);
	const r = await run("sh", ["-c", copied.replace(/^curl /, "curl -s -S ")]);
	if (r.code !== 0) fail(`the copied command failed: ${r.stderr}\n${copied}`);
	check(/^HTTP\/[\d.]+ 200/.test(r.stdout), `the copied command did not replay the request (want 200):\n${r.stdout}\n${copied}`);
	const replayed = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
	check(replayed.id === reply.id, "the copied command sent a different body (the replay has another id)");

	// a shape problem is a warning, and the API's 422 is shown as it is
	await page.locator("#pg-idem").fill("");
	await body.fill('{"payload": [1, 2]}');
	await until(async () => (await validity.getAttribute("data-state")) === "warn", 2000, "no warning for a non-object payload");
	await send.click();
	await until(async () => /^422 /.test((await page.locator("#pg-status").textContent()).trim()), 5000, "the 422 reply was not shown");
	check(/VALIDATION_FAILED/.test(await page.locator("#pg-response-body").textContent()), "the 422 body is not shown");
	const unexpected = problems.filter((p) => !(/\b422\b/.test(p) && /\/events/.test(p)));
	check(unexpected.length === 0, `the page had problems:\n  ${unexpected.join("\n  ")}`);
});
