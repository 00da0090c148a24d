-- wrk script: POST one ~200-byte JSON event to /events as tenant_dev.
-- No Idempotency-Key, so every request stores a new event.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer dev_key_123"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"source":"bench","type":"order.created","topic":"orders",'
	.. '"payload":{"order_id":"ord_0001234567","customer":"cus_bench_000042",'
	.. '"amount_cents":12999,"currency":"EUR","items":3,'
	.. '"note":"wrk benchmark event"}}'
