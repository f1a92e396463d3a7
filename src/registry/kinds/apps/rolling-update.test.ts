import { test } from "node:test";
import assert from "node:assert/strict";
import { validateRollingUpdate } from "./rolling-update.js";
import { deployment } from "./deployment.js";
import { daemonSet } from "./daemonset.js";
import type { KObject } from "../../types.js";

const msgs = (ru: Parameters<typeof validateRollingUpdate>[1]) => validateRollingUpdate("spec.strategy.rollingUpdate", ru).map((e) => `${e.field}: ${e.message}`);

test("rolling updates need room to make progress, in integers or percentages, maxUnavailable at most 100%", () => {
  assert.deepEqual(msgs({ maxUnavailable: "25%", maxSurge: "25%" }), []);
  assert.deepEqual(msgs({ maxUnavailable: 0, maxSurge: "150%" }), []);
  assert.deepEqual(msgs({ maxUnavailable: 0, maxSurge: "0%" }), ["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"]);
  assert.deepEqual(msgs({ maxUnavailable: "120%", maxSurge: -1 }), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "120%": must not be greater than 100%',
    "spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0",
  ]);
  assert.deepEqual(msgs({ maxUnavailable: "half", maxSurge: "some" }), [
    `spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "half": must be an integer or percentage (e.g '5%')`,
    `spec.strategy.rollingUpdate.maxSurge: Invalid value: "some": must be an integer or percentage (e.g '5%')`,
  ]);
});

test("Deployments and DaemonSets validate their rolling update", () => {
  const template = { metadata: { labels: { app: "a" } }, spec: { containers: [{ name: "c", image: "x" }] } };
  const d = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { selector: { matchLabels: { app: "a" } }, template, strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } } } as KObject;
  assert.deepEqual(deployment.strategy!.validate!(d).map((e) => e.field), ["spec.strategy.rollingUpdate.maxUnavailable"]);
  (d.spec as { strategy: { type: string } }).strategy.type = "Recreate";
  assert.deepEqual(deployment.strategy!.validate!(d).map((e) => e.message), ["Forbidden: may not be specified when strategy `type` is 'Recreate'"]);
  const ds = { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "ds" }, spec: { selector: { matchLabels: { app: "a" } }, template, updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } } } as KObject;
  assert.deepEqual(daemonSet.strategy!.validate!(ds), []);
  (ds.spec as { updateStrategy: { rollingUpdate: { maxSurge: number } } }).updateStrategy.rollingUpdate.maxSurge = 0;
  assert.deepEqual(daemonSet.strategy!.validate!(ds).map((e) => e.field), ["spec.updateStrategy.rollingUpdate.maxUnavailable"]);
});
