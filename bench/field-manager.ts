/**
 * Micro-benchmark of the managedFields bookkeeping of ordinary writes
 * (trackManagedFields → updateManagedFields), the biggest JavaScript item in
 * a CPU profile of the store under load. Times the four writes a Deployment's
 * pods and a ConfigMap load generator cause, in Node, one at a time:
 *
 *   npx tsx bench/field-manager.ts [seconds per case, default 1.5]
 *
 * Prints ops/s per case. Not part of `npm run bench` (which measures the
 * whole control plane over HTTP).
 */
import { boundPod, configMap, pod, runningPod } from "../src/apimachinery/patch/workload-fixtures.js";
import type { KindDef, KObject, StrategyContext } from "../src/registry/types.js";
import type { WriteOptions } from "../src/store/protocol.js";
import { trackManagedFields } from "../src/store/patching.js";
import { registry } from "../src/registry/index.js";

const seconds = Number(process.argv[2] ?? 1.5);
const configMapKind = registry.byKey("configmaps")!;
const podKind = registry.byKey("pods")!;
const ctx: StrategyContext = { now: Date.parse("2024-05-01T10:00:00Z"), nowRfc3339: "2024-05-01T10:00:00Z", user: { username: "bench", groups: [] } };
const later: StrategyContext = { ...ctx, nowRfc3339: "2024-05-01T10:00:07Z" };
const opts = (fieldManager?: string): WriteOptions => ({ fieldValidation: "Ignore", fieldManager, userAgent: "kubectl/v1.30.0 (linux/amd64) kubernetes/abc" });

/** An object as stored after a tracked write by `manager`. */
function tracked(kind: KindDef, old: KObject | undefined, o: KObject, manager: string | undefined, subresource?: string): KObject {
  trackManagedFields(kind, old, o, opts(manager), ctx, subresource);
  return o;
}

const created = tracked(podKind, undefined, pod(), "kube-controller-manager");
const bound = tracked(podKind, created, boundPod(created), "kube-scheduler");

/** Each case: the write, with `updated` restored to what the store would hand over. */
const cases: [string, () => void][] = [
  [
    "ConfigMap create",
    (() => {
      const o = configMap();
      return () => {
        delete o.metadata.managedFields;
        trackManagedFields(configMapKind, undefined, o, opts(), ctx);
      };
    })(),
  ],
  [
    "Pod create",
    (() => {
      const o = pod();
      return () => {
        delete o.metadata.managedFields;
        trackManagedFields(podKind, undefined, o, opts("kube-controller-manager"), ctx);
      };
    })(),
  ],
  [
    "Pod binding (spec.nodeName)",
    (() => {
      const o = boundPod(created);
      const entries = created.metadata.managedFields;
      return () => {
        o.metadata.managedFields = entries;
        trackManagedFields(podKind, created, o, opts("kube-scheduler"), later);
      };
    })(),
  ],
  [
    "Pod status (Running)",
    (() => {
      const o = runningPod(bound);
      const entries = bound.metadata.managedFields;
      return () => {
        o.metadata.managedFields = entries;
        trackManagedFields(podKind, bound, o, opts("kubelet"), later, "status");
      };
    })(),
  ],
];

function opsPerSecond(run: () => void): number {
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) run();
  let n = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 50; i++) run();
    n += 50;
  }
  return (n * 1000) / (performance.now() - start);
}

for (const [name, run] of cases) console.log(`${name.padEnd(30)} ${Math.round(opsPerSecond(run)).toString().padStart(8)} ops/s`);
