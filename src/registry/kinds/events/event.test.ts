import { test } from "node:test";
import assert from "node:assert/strict";
import type { KObject } from "../../types.js";
import { toCoreEvent, toEventsV1 } from "./event.js";

const core: KObject = {
  apiVersion: "v1",
  kind: "Event",
  metadata: { name: "web.1", namespace: "default" },
  involvedObject: { kind: "Pod", name: "web", namespace: "default", uid: "u1" },
  reason: "Scheduled",
  message: "Successfully assigned default/web to n1",
  type: "Normal",
  source: { component: "default-scheduler" },
  reportingComponent: "default-scheduler",
  reportingInstance: "default-scheduler",
  firstTimestamp: "2026-01-01T00:00:00Z",
  lastTimestamp: "2026-01-01T00:00:05Z",
  count: 2,
  eventTime: null,
};

test("core/v1 → events.k8s.io/v1 renames as Kubernetes converts, and back loses nothing", () => {
  const v1 = toEventsV1(core);
  assert.deepEqual(v1, {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: core.metadata,
    regarding: core.involvedObject,
    reason: "Scheduled",
    note: "Successfully assigned default/web to n1",
    type: "Normal",
    deprecatedSource: { component: "default-scheduler" },
    reportingController: "default-scheduler",
    reportingInstance: "default-scheduler",
    deprecatedFirstTimestamp: "2026-01-01T00:00:00Z",
    deprecatedLastTimestamp: "2026-01-01T00:00:05Z",
    deprecatedCount: 2,
    eventTime: null,
  });
  assert.deepEqual(toCoreEvent(v1), core);
});

test("a core field sent to events.k8s.io/v1 is not taken for the renamed one", () => {
  const up = toCoreEvent({ apiVersion: "events.k8s.io/v1", kind: "Event", metadata: { name: "x" }, note: "n", message: "ignored?" } as KObject);
  // events.k8s.io/v1 has no message field: the note wins, as conversion overwrites it.
  assert.equal(up.message, "n");
});
