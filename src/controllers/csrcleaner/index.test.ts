import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import { certificateRequest, servingCert } from "../../cli/pki.js";
import { base64 } from "../../registry/kinds/core/secret.js";
import { csrCleanerController as c, CSRS } from "./index.js";

const HOUR = 3_600_000;
const T0 = "2026-01-01T00:00:00Z";
const created = Date.parse(T0);
const iso = (ms: number) => new Date(created + ms).toISOString();

async function cluster() {
  const f = new FakeCluster();
  const { csr } = await certificateRequest("CN=x");
  const spec = { request: base64(csr), signerName: "example.com/s", usages: ["client auth"] };
  const seed = (name: string, status?: object) => f.seed(CSRS, { metadata: { name, creationTimestamp: T0 }, spec, ...(status ? { status } : {}) });
  const at = (ms: number) => ({ ...f.context(), now: () => created + ms });
  const left = () => f.list(CSRS).map((o) => o.metadata.name).sort();
  return { f, seed, at, left };
}

test("a pending request goes a day after it was made; an approved one still waiting for its signer stays", async () => {
  const { seed, at, left } = await cluster();
  seed("pending");
  // Approved ten minutes in (through /approval, which the fake does not serve: seeded), never issued.
  seed("unsigned", { conditions: [{ type: "Approved", status: "True", lastUpdateTime: iso(10 * 60_000) }] });
  assert.deepEqual(await c.reconcile({ namespace: "", name: "pending" }, at(40 * 60_000)), { requeueAfterMs: 24 * HOUR - 40 * 60_000 + 1 });
  assert.equal(await c.reconcile({ namespace: "", name: "unsigned" }, at(40 * 60_000)), undefined);
  for (const name of ["pending", "unsigned"]) await c.reconcile({ namespace: "", name }, at(24 * HOUR + 1));
  assert.deepEqual(left(), ["unsigned"]);
});

test("an issued request goes an hour after its approval, or when its certificate expires if that is sooner", async () => {
  const { seed, at, left } = await cluster();
  const approved = { type: "Approved", status: "True", lastUpdateTime: iso(10 * 60_000) };
  const cert = async (validMs: number) => base64((await servingCert("CN=x", [], undefined, "03", new Date(created + validMs))).cert);
  seed("issued", { conditions: [approved], certificate: await cert(3 * 365 * 24 * HOUR) });
  seed("short-lived", { conditions: [approved], certificate: await cert(20 * 60_000) });
  // 15 minutes in: each is told when to look again (the hour after approval; the certificate's notAfter).
  assert.deepEqual(await c.reconcile({ namespace: "", name: "issued" }, at(15 * 60_000)), { requeueAfterMs: 55 * 60_000 + 1 });
  assert.deepEqual(await c.reconcile({ namespace: "", name: "short-lived" }, at(15 * 60_000)), { requeueAfterMs: 5 * 60_000 + 1 });
  for (const name of ["issued", "short-lived"]) await c.reconcile({ namespace: "", name }, at(21 * 60_000));
  assert.deepEqual(left(), ["issued"]);
  await c.reconcile({ namespace: "", name: "issued" }, at(71 * 60_000));
  assert.deepEqual(left(), []);
});

test("denied and failed requests go an hour after that outcome; one with no update time is never taken", async () => {
  const { seed, at, left } = await cluster();
  seed("denied", { conditions: [{ type: "Denied", status: "True", lastUpdateTime: iso(5 * 60_000) }] });
  seed("failed", { conditions: [{ type: "Failed", status: "True", lastUpdateTime: iso(30 * 60_000) }] });
  seed("undated", { conditions: [{ type: "Denied", status: "True" }] });
  for (const name of ["denied", "failed", "undated"]) await c.reconcile({ namespace: "", name }, at(66 * 60_000));
  assert.deepEqual(left(), ["failed", "undated"]);
  for (const name of ["failed", "undated"]) await c.reconcile({ namespace: "", name }, at(48 * HOUR));
  assert.deepEqual(left(), ["undated"]);
});
