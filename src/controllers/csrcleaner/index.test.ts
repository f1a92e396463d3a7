import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import { certificateRequest } from "../../cli/pki.js";
import { base64 } from "../../registry/kinds/core/secret.js";
import { csrCleanerController as c, CSRS } from "./index.js";

const HOUR = 3_600_000;

test("finished requests go an hour after their outcome, pending ones after a day", async () => {
  const f = new FakeCluster();
  const { csr } = await certificateRequest("CN=x");
  const spec = { request: base64(csr), signerName: "example.com/s", usages: ["client auth"] };
  const created = Date.parse("2026-01-01T00:00:00Z");
  f.seed(CSRS, { metadata: { name: "pending", creationTimestamp: "2026-01-01T00:00:00Z" }, spec });
  // Approved ten minutes after it was made (through /approval, which the fake does not serve: seeded).
  f.seed(CSRS, { metadata: { name: "approved", creationTimestamp: "2026-01-01T00:00:00Z" }, spec, status: { conditions: [{ type: "Approved", status: "True", lastUpdateTime: "2026-01-01T00:10:00Z" }] } });

  const at = (ms: number) => ({ ...f.context(), now: () => created + ms });
  // 30 minutes after approval: both stay, each told when to look again.
  assert.deepEqual(await c.reconcile({ namespace: "", name: "approved" }, at(40 * 60_000)), { requeueAfterMs: 30 * 60_000 });
  assert.deepEqual(await c.reconcile({ namespace: "", name: "pending" }, at(40 * 60_000)), { requeueAfterMs: 24 * HOUR - 40 * 60_000 });
  // An hour after approval the approved one goes; the pending one waits its day.
  await c.reconcile({ namespace: "", name: "approved" }, at(71 * 60_000));
  await c.reconcile({ namespace: "", name: "pending" }, at(71 * 60_000));
  assert.deepEqual(f.list(CSRS).map((o) => o.metadata.name), ["pending"]);
  await c.reconcile({ namespace: "", name: "pending" }, at(24 * HOUR + 1));
  assert.deepEqual(f.list(CSRS), []);
});
