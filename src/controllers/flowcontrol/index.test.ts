import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import { flowSchemaController as c, FLOW_SCHEMAS, PRIORITY_LEVELS } from "./index.js";

const dangling = (f: FakeCluster, name: string) => ((f.get(FLOW_SCHEMAS, "", name)?.status as { conditions?: { type: string; status: string; reason: string }[] })?.conditions ?? []).find((x) => x.type === "Dangling");

test("a FlowSchema's Dangling condition follows whether its priority level exists", async () => {
  const f = new FakeCluster();
  await f.create(FLOW_SCHEMAS, { metadata: { name: "mine" }, spec: { priorityLevelConfiguration: { name: "gold" }, matchingPrecedence: 500 } });
  await c.reconcile({ namespace: "", name: "mine" }, f.context());
  assert.deepEqual({ ...dangling(f, "mine"), lastTransitionTime: undefined, message: undefined }, { type: "Dangling", status: "True", reason: "NotFound", lastTransitionTime: undefined, message: undefined });

  const pl = await f.create(PRIORITY_LEVELS, { metadata: { name: "gold" }, spec: { type: "Limited", limited: { limitResponse: { type: "Reject" } } } });
  const keys = c.watches![0].map(pl, f);
  assert.deepEqual(keys, [{ namespace: "", name: "mine" }], "the level's schemas are re-checked");
  await c.reconcile(keys[0], f.context());
  assert.equal(dangling(f, "mine")?.status, "False");
  assert.match((dangling(f, "mine") as unknown as { message: string }).message, /named "gold" and it exists/);

  const writes = f.writes.length;
  await c.reconcile(keys[0], f.context());
  assert.equal(f.writes.length, writes, "nothing to write when the condition is current");
});
