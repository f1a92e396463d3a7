/**
 * Random but reproducible write histories for the field manager's
 * equivalence test: sequences of creates, updates (main resource and
 * subresources), server-side applies, managedFields resets and client edits
 * of managedFields, on the fixtures of testdata.ts and workload-fixtures.ts,
 * with mutations that also produce objects the schema cannot describe
 * (duplicate or keyless list items) so the UpdateNoErrors fallback runs.
 *
 * runScenarios returns one line per write (the resulting object, or the
 * error); the test compares a digest of them with the one the original
 * (pre-optimisation) implementation produced.
 */
import type { KObject } from "../../registry/types.js";
import { getDefinitions } from "../../schemas/openapi.js";
import { applyServerSide, updateManagedFields, type UpdateOptions } from "./field-manager.js";
import { isObject } from "./json.js";
import { typeRefOf, type TypeRef } from "./schema-walk.js";
import { deployment, deploymentType } from "./testdata.js";
import { boundPod, configMap, pod, runningPod } from "./workload-fixtures.js";

/** mulberry32: a tiny seeded PRNG, so every run sees the same histories. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = any;
type Loc = { parent: Json; key: string | number };

export interface Fixture {
  name: string;
  apiVersion: string;
  root: TypeRef;
  make: () => KObject;
  /** Later states of the object that realistic writes produce. */
  next: ((o: KObject) => KObject)[];
}

export function fixtures(): Fixture[] {
  const defs = getDefinitions() as TypeRef["defs"];
  const podType = typeRefOf(defs, "io.k8s.api.core.v1.Pod");
  return [
    { name: "deployment", apiVersion: "apps/v1", root: deploymentType, make: () => deployment() as KObject, next: [] },
    { name: "deployment-real", apiVersion: "apps/v1", root: typeRefOf(defs, "io.k8s.api.apps.v1.Deployment"), make: () => deployment() as KObject, next: [] },
    { name: "pod", apiVersion: "v1", root: podType, make: () => pod(), next: [boundPod, runningPod] },
    { name: "configmap", apiVersion: "v1", root: typeRefOf(defs, "io.k8s.api.core.v1.ConfigMap"), make: () => configMap(), next: [] },
  ];
}

/** The object's identity, which the store guarantees: never mutated. */
const FIXED = new Set(["apiVersion", "kind", "metadata", "metadata.name", "metadata.namespace", "metadata.managedFields"]);

/** Every location in an object, its identity aside. */
function locations(o: Json): Loc[] {
  const out: Loc[] = [];
  const walk = (v: Json) => {
    if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v, key: i }), walk(x)));
    else if (isObject(v)) {
      for (const k of Object.keys(v)) {
        if ((v === o && FIXED.has(k)) || (v === o.metadata && FIXED.has(`metadata.${k}`))) {
          if (k === "metadata") walk(v[k]);
          continue;
        }
        out.push({ parent: v, key: k });
        walk(v[k]);
      }
    }
  };
  walk(o);
  return out;
}

const NAMES = ["x", "team", "name", "type", "ip", "image", "phase", "new-key"];
const VALUES: Json[] = ["a", "b", 1, 0, true, false, null, {}, [], { name: "n" }, { a: "b" }, [{ name: "c" }], ["s"]];

/** One random change of an object (in place). */
export function mutate(o: Json, rnd: () => number): void {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const locs = locations(o);
  if (locs.length === 0) return;
  const { parent, key } = pick(locs);
  const op = Math.floor(rnd() * 7);
  const value = structuredClone(pick(VALUES));
  if (op === 0) parent[key] = value;
  else if (op === 1) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (op === 2 && isObject(parent[key])) parent[key][pick(NAMES)] = value;
  else if (op === 3 && Array.isArray(parent[key]) && parent[key].length > 0) parent[key].push(structuredClone(pick(parent[key])));
  else if (op === 4 && Array.isArray(parent[key]) && parent[key].length > 0) {
    // A new item: a copy of one with its key fields changed or removed.
    const item = structuredClone(pick(parent[key]));
    if (isObject(item)) for (const k of ["name", "type", "ip", "containerPort", "key"]) if (k in item) rnd() < 0.9 ? (item[k] = `${String(item[k])}-2`) : delete item[k];
    parent[key].push(item);
  } else if (op === 5) parent[key] = null;
  else if (typeof parent[key] === "string") parent[key] = `${parent[key]}!`;
  else if (typeof parent[key] === "number") parent[key] += 1;
}

/** What the store adds on create. */
function stored(o: KObject, i: number): KObject {
  const out = structuredClone(o);
  out.metadata = { ...out.metadata, uid: `uid-${i}`, resourceVersion: String(i), creationTimestamp: "2024-05-01T00:00:00Z", generation: 1 };
  return out;
}

/** A subset of the object to apply: some top-level branches, maybe changed. */
function applyConfig(o: KObject, rnd: () => number): KObject {
  const config: Json = { apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace } };
  const src = structuredClone(o) as Json;
  delete src.metadata.managedFields;
  for (const k of Object.keys(src)) if (k !== "apiVersion" && k !== "kind" && k !== "metadata" && rnd() < 0.6) config[k] = src[k];
  if (src.metadata.labels && rnd() < 0.5) config.metadata.labels = src.metadata.labels;
  if (rnd() < 0.5) mutate(config, rnd);
  return config as KObject;
}

const MANAGERS = ["kubectl", "kube-controller-manager", "kube-scheduler", "kubelet", "", ...Array.from({ length: 10 }, (_, i) => `writer-${i}`)];

/** Called after each updateManagedFields with its arguments and result. */
export type UpdateHook = (old: KObject | undefined, updated: KObject, opts: UpdateOptions, result: KObject) => void;

export function runScenarios(sequences = 30, steps = 14, onUpdate?: UpdateHook): string[] {
  const out: string[] = [];
  let n = 0;
  for (const f of fixtures()) {
    for (let s = 0; s < sequences; s++) {
      const rnd = prng(s * 7919 + f.name.length);
      const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
      let second = 0;
      const now = () => {
        if (rnd() < 0.7) second += 1 + Math.floor(rnd() * 90);
        return new Date(Date.UTC(2024, 4, 1, 1, 0, second)).toISOString().replace(/\.\d+Z$/, "Z");
      };
      const base = { apiVersion: f.apiVersion, root: f.root };
      let live: KObject | undefined;
      const first = f.make();
      if (rnd() < 0.15) live = stored(first, n++); // stored before managedFields existed: untracked
      else {
        if (rnd() < 0.3) mutate(first, rnd);
        live = stored(updateManagedFields(undefined, first, { ...base, manager: pick(MANAGERS), now: now() }), n++);
      }
      out.push(JSON.stringify(live));
      for (let step = 0; step < (s % 5 === 0 ? 2 * steps : steps); step++) {
        const kind = rnd();
        let result: KObject;
        try {
          if (kind < 0.15) {
            const config = applyConfig(live, rnd);
            result = applyServerSide(live, config, { ...base, manager: pick(MANAGERS), now: now(), force: rnd() < 0.5, subresource: rnd() < 0.2 ? "status" : undefined });
          } else {
            let next: Json = structuredClone(live);
            if (f.next.length > 0 && rnd() < 0.3) next = pick(f.next)(next);
            const edits = Math.floor(rnd() * 4);
            for (let i = 0; i < edits; i++) mutate(next, rnd);
            if (s % 5 === 0) next.metadata.annotations = { ...(isObject(next.metadata.annotations) ? next.metadata.annotations : {}), [`step-${step}`]: "x" };
            const r = rnd();
            if (r < 0.02) next.metadata.managedFields = [];
            else if (r < 0.03) next.metadata.managedFields = [{}];
            else if (r < 0.08 && next.metadata.managedFields?.length) next.metadata.managedFields.splice(0, 1);
            else if (r < 0.11) delete next.metadata.managedFields;
            const sub = rnd();
            const subresource = sub < 0.6 ? undefined : sub < 0.9 ? "status" : "scale";
            // Every fifth history has a new writer each step, so the cap of 10 Update managers folds some.
            const manager = s % 5 === 0 ? `writer-${String(step).padStart(2, "0")}` : pick(MANAGERS);
            const opts = { ...base, manager, now: now(), subresource };
            result = updateManagedFields(live, next, opts);
            onUpdate?.(live, next, opts, result);
          }
        } catch (e) {
          out.push(`error: ${(e as Error).message}`);
          continue;
        }
        out.push(JSON.stringify(result));
        live = stored(result, n++);
      }
    }
  }
  return out;
}
