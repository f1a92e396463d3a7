import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../apimachinery/status.js";
import { limitRanger, defaultLimitRangeItems, type LimitRangeItem } from "./limitranger.js";
import { FakeNamespace, attrs, pod } from "./testing.js";

const range = (items: LimitRangeItem[]) => {
  defaultLimitRangeItems(items);
  return { metadata: { name: "lr" }, spec: { limits: items } };
};

test("defaults fill in requests and limits of containers that name none, with Kubernetes' annotation", () => {
  const ns = new FakeNamespace().add("limitranges", range([{ type: "Container", default: { cpu: "500m", memory: "256Mi" }, defaultRequest: { cpu: "100m" } }]));
  const p = pod("web", [{ name: "nginx", image: "nginx" }, { name: "side", resources: { limits: { cpu: "1" }, requests: { cpu: "1" } } }]);
  const a = attrs("pods", p);
  limitRanger.admit!(a, ns);
  const [c1, c2] = (p.spec as { containers: { resources: { requests: object; limits: object } }[] }).containers;
  assert.deepEqual(c1.resources, { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "256Mi" } });
  assert.deepEqual(c2.resources, { requests: { cpu: "1", memory: "256Mi" }, limits: { cpu: "1", memory: "256Mi" } });
  assert.equal(p.metadata.annotations?.["kubernetes.io/limit-ranger"], "LimitRanger plugin set: cpu, memory request for container nginx; cpu, memory limit for container nginx; memory request for container side; memory limit for container side");
  limitRanger.validate!(a, ns);
});

test("max and min bound containers, with Kubernetes' messages, as 403 Forbidden", () => {
  const ns = new FakeNamespace().add("limitranges", { metadata: { name: "lr" }, spec: { limits: [{ type: "Container", max: { cpu: "1" }, min: { memory: "64Mi" } }] } });
  const p = pod("big", [{ name: "c", resources: { limits: { cpu: "2", memory: "32Mi" }, requests: { cpu: "2", memory: "32Mi" } } }]);
  assert.throws(
    () => limitRanger.validate!(attrs("pods", p), ns),
    (e: unknown) =>
      e instanceof ApiError &&
      e.code === 403 &&
      e.message === 'pods "big" is forbidden: [minimum memory usage per Container is 64Mi, but request is 32Mi, maximum cpu usage per Container is 1, but limit is 2]',
  );
  const noLimit = pod("nolimit", [{ name: "c" }]);
  assert.throws(() => limitRanger.validate!(attrs("pods", noLimit), ns), /maximum cpu usage per Container is 1\.  No limit is specified/);
});

test("Pod items bound the pod's total, ratios are checked, and other kinds and updates pass", () => {
  const ns = new FakeNamespace().add("limitranges", {
    metadata: { name: "lr" },
    spec: { limits: [{ type: "Pod", max: { memory: "1Gi" } }, { type: "Container", maxLimitRequestRatio: { cpu: "2" } }] },
  });
  const two = pod("two", [
    { name: "a", resources: { limits: { memory: "600Mi", cpu: "1" }, requests: { cpu: "500m" } } },
    { name: "b", resources: { limits: { memory: "600Mi", cpu: "3" }, requests: { cpu: "1" } } },
  ]);
  assert.throws(() => limitRanger.validate!(attrs("pods", two), ns), /maximum memory usage per Pod is 1Gi, but limit is 1200Mi.*cpu max limit to request ratio per Container is 2, but provided ratio is 3\.000000/);
  limitRanger.validate!(attrs("pods", two, "UPDATE"), ns);
  limitRanger.validate!(attrs("configmaps", { metadata: { name: "x" } }), ns);
});

test("LimitRange defaulting: max → default → defaultRequest, min → defaultRequest", () => {
  const items: LimitRangeItem[] = [{ type: "Container", max: { cpu: "2" }, min: { memory: "10Mi" } }];
  defaultLimitRangeItems(items);
  assert.deepEqual(items[0], { type: "Container", max: { cpu: "2" }, min: { memory: "10Mi" }, default: { cpu: "2" }, defaultRequest: { cpu: "2", memory: "10Mi" } });
});
