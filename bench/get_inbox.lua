-- wrk script: GET /inbox?limit=50 as tenant_dev (the first page of pending
-- events, oldest first). The URL on the command line gives the path.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer dev_key_123"
