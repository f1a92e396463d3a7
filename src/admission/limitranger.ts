/**
 * LimitRanger: a namespace's LimitRanges fill in default requests and limits
 * of containers that name none (mutating), then bound containers and pods by
 * min, max and maxLimitRequestRatio (validating), with Kubernetes' messages
 * ("maximum cpu usage per Container is 1, but limit is 2"). Pods only, at
 * create, as the real plugin does for pods.
 */
import { compareQuantity, formatQuantity, toMilli, type Quantity } from "../apimachinery/quantity.js";
import type { KObject } from "../registry/types.js";
import { admissionForbidden } from "./forbidden.js";
import { podSpec, podTotal, q, type Container, type ResourceMap } from "./pod-resources.js";
import type { AdmissionPlugin, Attributes } from "./types.js";

export interface LimitRangeItem {
  type?: string;
  max?: ResourceMap;
  min?: ResourceMap;
  default?: ResourceMap;
  defaultRequest?: ResourceMap;
  maxLimitRequestRatio?: ResourceMap;
}

const itemsOf = (lr: KObject) => ((lr.spec as { limits?: LimitRangeItem[] } | undefined)?.limits ?? []);
const applies = (a: Attributes) => a.resource === "pods" && a.operation === "CREATE" && !a.subresource;

/** Set missing requests/limits from one LimitRange's Container defaults; returns the annotation parts. */
export function applyDefaults(containers: Container[], item: LimitRangeItem, containerType: string): string[] {
  const notes: string[] = [];
  for (const c of containers) {
    const setReq: string[] = [];
    const setLim: string[] = [];
    for (const [k, v] of Object.entries(item.defaultRequest ?? {})) {
      c.resources ??= {};
      c.resources.requests ??= {};
      if (c.resources.requests[k] === undefined) {
        c.resources.requests[k] = v;
        setReq.push(k);
      }
    }
    for (const [k, v] of Object.entries(item.default ?? {})) {
      c.resources ??= {};
      c.resources.limits ??= {};
      if (c.resources.limits[k] === undefined) {
        c.resources.limits[k] = v;
        setLim.push(k);
      }
    }
    if (c.resources?.requests && !Object.keys(c.resources.requests).length) delete c.resources.requests;
    if (c.resources?.limits && !Object.keys(c.resources.limits).length) delete c.resources.limits;
    if (setReq.length) notes.push(`${setReq.join(", ")} request for ${containerType} ${c.name}`);
    if (setLim.length) notes.push(`${setLim.join(", ")} limit for ${containerType} ${c.name}`);
  }
  return notes;
}

const fmt = (x: Quantity) => formatQuantity(x);

/** min/max/ratio of each resource against what a container or pod asks for: one message per bound, as Kubernetes. */
export function checkBounds(item: LimitRangeItem, scope: string, requests: Map<string, Quantity>, limits: Map<string, Quantity>): string[] {
  const errs: string[] = [];
  for (const [k, raw] of Object.entries(item.min ?? {})) {
    const min = q(raw);
    if (!min) continue;
    const req = requests.get(k);
    const lim = limits.get(k);
    if (!req) errs.push(`minimum ${k} usage per ${scope} is ${fmt(min)}.  No request is specified`);
    else if (compareQuantity(req, min) < 0) errs.push(`minimum ${k} usage per ${scope} is ${fmt(min)}, but request is ${fmt(req)}`);
    else if (lim && compareQuantity(lim, min) < 0) errs.push(`minimum ${k} usage per ${scope} is ${fmt(min)}, but limit is ${fmt(lim)}`);
  }
  for (const [k, raw] of Object.entries(item.max ?? {})) {
    const max = q(raw);
    if (!max) continue;
    const req = requests.get(k);
    const lim = limits.get(k);
    if (!lim) errs.push(`maximum ${k} usage per ${scope} is ${fmt(max)}.  No limit is specified`);
    else if (compareQuantity(lim, max) > 0) errs.push(`maximum ${k} usage per ${scope} is ${fmt(max)}, but limit is ${fmt(lim)}`);
    else if (req && compareQuantity(req, max) > 0) errs.push(`maximum ${k} usage per ${scope} is ${fmt(max)}, but request is ${fmt(req)}`);
  }
  for (const [k, raw] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    const ratio = q(raw);
    if (!ratio) continue;
    const req = requests.get(k);
    const lim = limits.get(k);
    if (!lim) continue;
    if (!req || toMilli(req) === 0n) {
      errs.push(`${k} max limit to request ratio per ${scope} is ${fmt(ratio)}, but no request is specified or request is 0`);
      continue;
    }
    const observed = Number(toMilli(lim)) / Number(toMilli(req));
    if (observed > Number(toMilli(ratio)) / 1000) errs.push(`${k} max limit to request ratio per ${scope} is ${fmt(ratio)}, but provided ratio is ${observed.toFixed(6)}`);
  }
  return errs;
}

function quantities(m: ResourceMap | undefined): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [k, v] of Object.entries(m ?? {})) {
    const x = q(v);
    if (x) out.set(k, x);
  }
  return out;
}

export const limitRanger: AdmissionPlugin = {
  name: "LimitRanger",
  admit(a, ctx) {
    if (!applies(a)) return;
    const ranges = ctx.list("limitranges");
    if (!ranges.length) return;
    const spec = podSpec(a.object);
    const notes: string[] = [];
    for (const lr of ranges) {
      for (const item of itemsOf(lr)) {
        if (item.type !== "Container") continue;
        notes.push(...applyDefaults(spec.containers ?? [], item, "container"));
        notes.push(...applyDefaults(spec.initContainers ?? [], item, "init container"));
      }
    }
    if (notes.length) {
      a.object.metadata.annotations = { ...a.object.metadata.annotations, "kubernetes.io/limit-ranger": `LimitRanger plugin set: ${notes.join("; ")}` };
    }
  },
  validate(a, ctx) {
    if (!applies(a)) return;
    const ranges = ctx.list("limitranges");
    if (!ranges.length) return;
    const spec = podSpec(a.object);
    const errs: string[] = [];
    for (const lr of ranges) {
      for (const item of itemsOf(lr)) {
        if (item.type === "Container") {
          for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
            errs.push(...checkBounds(item, "Container", quantities(c.resources?.requests), quantities(c.resources?.limits)));
          }
        } else if (item.type === "Pod") {
          errs.push(...checkBounds(item, "Pod", podTotal(spec, "requests"), podTotal(spec, "limits")));
        }
      }
    }
    if (errs.length) throw admissionForbidden(a, errs);
  },
};

/**
 * SetDefaults_LimitRangeItem: a Container item's max becomes its default
 * limit, its default limit its default request, and its min the default
 * request, where those are not given.
 */
export function defaultLimitRangeItems(items: LimitRangeItem[]): void {
  for (const item of items) {
    if (item.type !== "Container") continue;
    item.default ??= {};
    item.defaultRequest ??= {};
    for (const [k, v] of Object.entries(item.max ?? {})) item.default[k] ??= v;
    for (const [k, v] of Object.entries(item.default)) item.defaultRequest[k] ??= v;
    for (const [k, v] of Object.entries(item.min ?? {})) item.defaultRequest[k] ??= v;
    if (!Object.keys(item.default).length) delete item.default;
    if (!Object.keys(item.defaultRequest).length) delete item.defaultRequest;
  }
}
