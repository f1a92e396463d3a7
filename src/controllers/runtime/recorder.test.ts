import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import type { KObject } from "../../registry/types.js";
import { AGGREGATE_MAX_EVENTS, COMBINED_PREFIX, Recorder, SPAM_BURST } from "./recorder.js";

const settle = () => new Promise((r) => setImmediate(r));

function setup() {
  const fc = new FakeCluster();
  let now = Date.parse("2026-01-01T00:00:00Z");
  const rec = new Recorder(fc, "replicaset-controller", () => now);
  const rs: KObject = { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "web-abc", namespace: "default", uid: "rs-uid", resourceVersion: "7" } };
  type Ev = KObject & { count: number; message: string; reason: string; firstTimestamp: string; lastTimestamp: string; source: { component: string } };
  return { fc, rec, rs, advance: (ms: number) => (now += ms), events: () => fc.list("events") as Ev[] };
}

test("a ReplicaSet creating 1,000 pods writes 25 Events: 9 single, then one combined whose count keeps the true total", async () => {
  const { fc, rec, rs, advance, events } = setup();
  for (let i = 0; i < 1000; i++) rec.event(rs, "Normal", "SuccessfulCreate", `Created pod: web-abc-${i}`);
  await settle();
  assert.equal(fc.writes.length, SPAM_BURST, "the spam filter's burst");
  assert.equal(rec.dropped, 1000 - SPAM_BURST);
  const evs = events();
  const single = evs.filter((e) => !e.message.startsWith(COMBINED_PREFIX));
  assert.deepEqual(single.map((e) => e.message).sort(), Array.from({ length: AGGREGATE_MAX_EVENTS - 1 }, (_, i) => `Created pod: web-abc-${i}`).sort());
  assert.ok(single.every((e) => e.count === 1 && e.source.component === "replicaset-controller" && e.reason === "SuccessfulCreate"));
  const combined = evs.filter((e) => e.message.startsWith(COMBINED_PREFIX));
  assert.equal(combined.length, 1);
  // The 10th create and 15 patches: the last write carried the 25th event.
  assert.equal(combined[0].count, SPAM_BURST - (AGGREGATE_MAX_EVENTS - 1));
  assert.equal(combined[0].message, `${COMBINED_PREFIX}Created pod: web-abc-24`);

  // A token every 5 minutes: the next event is written, counting every one dropped meanwhile.
  advance(300_000);
  rec.event(rs, "Normal", "SuccessfulCreate", "Created pod: web-abc-1000");
  rec.event(rs, "Normal", "SuccessfulCreate", "Created pod: web-abc-1001");
  await settle();
  assert.equal(fc.writes.length, SPAM_BURST + 1);
  const after = events().find((e) => e.message.startsWith(COMBINED_PREFIX))!;
  assert.equal(after.count, 1001 - (AGGREGATE_MAX_EVENTS - 1));
  assert.equal(after.message, `${COMBINED_PREFIX}Created pod: web-abc-1000`);
  assert.notEqual(after.lastTimestamp, after.firstTimestamp);
});

test("a repeated event is one Event with a growing count", async () => {
  const { rec, rs, advance, events } = setup();
  for (let i = 0; i < 3; i++) {
    rec.event(rs, "Warning", "FailedCreate", "Error creating: pods is forbidden");
    await settle();
    advance(1000);
  }
  const evs = events();
  assert.equal(evs.length, 1);
  assert.equal(evs[0].count, 3);
  assert.equal(evs[0].firstTimestamp, "2026-01-01T00:00:00Z");
  assert.equal(evs[0].lastTimestamp, "2026-01-01T00:00:02Z");
});

test("each object has its own budget: one Scheduled event per pod is never dropped", async () => {
  const fc = new FakeCluster();
  const rec = new Recorder(fc, "default-scheduler");
  for (let i = 0; i < 200; i++) {
    rec.event({ apiVersion: "v1", kind: "Pod", metadata: { name: `p${i}`, namespace: "default", uid: `u${i}` } }, "Normal", "Scheduled", `Successfully assigned default/p${i} to n1`);
  }
  await settle();
  assert.equal(fc.list("events").length, 200);
  assert.equal(rec.dropped, 0);
});

test("a repeat whose Event is gone creates it again, with the count so far", async () => {
  const { fc, rec, rs, events } = setup();
  rec.event(rs, "Warning", "FailedCreate", "quota exceeded");
  await settle();
  const [first] = events();
  await fc.delete("events", "default", first.metadata.name!);
  rec.event(rs, "Warning", "FailedCreate", "quota exceeded");
  await settle();
  const evs = events();
  assert.equal(evs.length, 1);
  assert.equal(evs[0].metadata.name, first.metadata.name);
  assert.equal(evs[0].count, 2);
});

test("after 10 quiet minutes, different messages are single Events again", async () => {
  const { rec, rs, advance, events } = setup();
  for (let i = 0; i < AGGREGATE_MAX_EVENTS; i++) rec.event(rs, "Normal", "SuccessfulDelete", `Deleted pod: a${i}`);
  await settle();
  assert.equal(events().filter((e) => e.message.startsWith(COMBINED_PREFIX)).length, 1);
  advance(600_001);
  rec.event(rs, "Normal", "SuccessfulDelete", "Deleted pod: b");
  await settle();
  assert.ok(events().some((e) => e.message === "Deleted pod: b"));
});

test("events recorded in the same instant get distinct names, so none is lost to a name clash", async () => {
  const { fc, rec, rs, events } = setup();
  for (let i = 0; i < SPAM_BURST; i++) rec.event(rs, "Normal", `Reason${i}`, "same instant");
  await settle();
  assert.equal(fc.writes.length, SPAM_BURST);
  const names = events().map((e) => e.metadata.name);
  assert.equal(new Set(names).size, SPAM_BURST);
  assert.ok(names.every((n) => /^web-abc\.[0-9a-f]+$/.test(n ?? "")));
});
