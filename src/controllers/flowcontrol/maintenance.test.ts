import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import { flowSchemaController, priorityLevelController, FLOW_SCHEMAS, PRIORITY_LEVELS } from "./index.js";
import { MANDATORY_PRIORITY_LEVELS, SUGGESTED_FLOW_SCHEMAS } from "../../registry/kinds/flowcontrol/bootstrap.js";

const key = (name: string) => ({ namespace: "", name });

test("a deleted mandatory or suggested object comes back", async () => {
  const f = new FakeCluster();
  await priorityLevelController.reconcile(key("catch-all"), f.context());
  assert.deepEqual(f.get(PRIORITY_LEVELS, "", "catch-all")?.spec, MANDATORY_PRIORITY_LEVELS[1].spec);
  await flowSchemaController.reconcile(key("global-default"), f.context());
  assert.equal((f.get(FLOW_SCHEMAS, "", "global-default")?.spec as { matchingPrecedence: number }).matchingPrecedence, 9900);
  // Objects of the administrator's own are nobody's business here.
  await priorityLevelController.reconcile(key("mine"), f.context());
  assert.equal(f.get(PRIORITY_LEVELS, "", "mine"), undefined);
});

test("specs are put back: always for mandatory objects, for suggested ones only while autoupdate-spec is true", async () => {
  const f = new FakeCluster();
  await priorityLevelController.reconcile(key("catch-all"), f.context());
  const cur = f.get(PRIORITY_LEVELS, "", "catch-all")!;
  await f.update(PRIORITY_LEVELS, { ...cur, metadata: { ...cur.metadata, annotations: { "apf.kubernetes.io/autoupdate-spec": "false" } }, spec: { type: "Limited", limited: { nominalConcurrencyShares: 99, limitResponse: { type: "Reject" } } } });
  await priorityLevelController.reconcile(key("catch-all"), f.context());
  const restored = f.get(PRIORITY_LEVELS, "", "catch-all")!;
  assert.deepEqual(restored.spec, MANDATORY_PRIORITY_LEVELS[1].spec);
  assert.equal(restored.metadata.annotations?.["apf.kubernetes.io/autoupdate-spec"], "true");

  const suggested = SUGGESTED_FLOW_SCHEMAS.find((o) => o.metadata.name === "service-accounts")!;
  await flowSchemaController.reconcile(key("service-accounts"), f.context());
  const tune = async (auto: string) => {
    const sa = f.get(FLOW_SCHEMAS, "", "service-accounts")!;
    await f.update(FLOW_SCHEMAS, { ...sa, metadata: { ...sa.metadata, annotations: { "apf.kubernetes.io/autoupdate-spec": auto } }, spec: { ...(sa.spec as object), matchingPrecedence: 1234 } });
    await flowSchemaController.reconcile(key("service-accounts"), f.context());
    return (f.get(FLOW_SCHEMAS, "", "service-accounts")!.spec as { matchingPrecedence: number }).matchingPrecedence;
  };
  assert.equal(await tune("false"), 1234, "an administrator's tuning stays");
  assert.equal(await tune("true"), (suggested.spec as { matchingPrecedence: number }).matchingPrecedence);
});
