import { test } from "node:test";
import assert from "node:assert/strict";
import { throttleOf } from "./kubectl.js";

test("throttleOf reads kubectl 1.30's plain -v=6 lines", () => {
  const log = [
    'I1123 10:00:00.000000 1 round_trippers.go:553] GET https://127.0.0.1:8787/api/v1/pods?limit=500 200 OK in 12 milliseconds',
    "I1123 10:00:00.100000 1 request.go:697] Waited for 187.5ms due to client-side throttling, not priority and fairness, request: GET:https://127.0.0.1:8787/api/v1/pods?continue=x&limit=500",
    'I1123 10:00:00.300000 1 round_trippers.go:553] GET https://127.0.0.1:8787/api/v1/pods?continue=x&limit=500 200 OK in 9 milliseconds',
    'I1123 10:00:00.300000 1 round_trippers.go:553] GET https://127.0.0.1:8787/api?timeout=32s 200 OK in 1 milliseconds',
    "I1123 10:00:00.400000 1 request.go:697] Waited for 1.5s due to client-side throttling, not priority and fairness, request: GET:https://127.0.0.1:8787/api/v1/pods?continue=y&limit=500",
  ].join("\n");
  assert.deepEqual(throttleOf(log), { requests: 2, waitedMs: 1687.5 });
});

test("throttleOf reads the structured -v=6 lines of kubectl 1.32 and later", () => {
  const log = [
    'I1123 16:41:22.007360 9798 round_trippers.go:632] "Response" verb="GET" url="https://127.0.0.1:8790/api/v1/pods?limit=500" status="200 OK" milliseconds=3',
    'I1123 16:41:23.474010 9805 request.go:683] "Waited before sending request" delay="187.377613ms" reason="client-side throttling, not priority and fairness" verb="GET" URL="https://127.0.0.1:8790/api/v1/pods?continue=e&limit=500"',
    'I1123 16:41:23.480000 9805 round_trippers.go:632] "Response" verb="GET" url="https://127.0.0.1:8790/api/v1/pods?continue=e&limit=500" status="200 OK" milliseconds=4',
    'I1123 16:41:21.995081 9798 round_trippers.go:632] "Response" verb="GET" url="https://127.0.0.1:8790/api?timeout=32s" status="200 OK" milliseconds=3',
  ].join("\n");
  const r = throttleOf(log);
  assert.equal(r.requests, 2);
  assert.ok(Math.abs(r.waitedMs - 187.377613) < 1e-6);
});
