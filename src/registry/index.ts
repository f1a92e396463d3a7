/**
 * The kind registry: lookups by resource (plural and group), by kind, and by
 * group/version, over the declarations in kinds/ and the custom kinds of the
 * CustomResourceDefinitions this isolate knows (crd/): the apiserver keeps
 * them in step with the cluster store (apiserver/crds.ts), a store learns
 * the ones its requests name.
 */
import { kinds } from "./kinds/index.js";
import { apiVersionOf, resourceKey, type KindDef, type KObject } from "./types.js";
import { kindsOf } from "./crd/kind.js";

const byKey = new Map<string, KindDef>();
const byGVK = new Map<string, KindDef>();
/** Built-in kinds served as views of others (convert), by "<key>/<version>" and by "<storage key> <apiVersion>". */
const views = new Map<string, KindDef>();
const viewsOfStorage = new Map<string, KindDef>();
for (const k of kinds) {
  if (k.convert) {
    views.set(`${resourceKey(k)}/${k.version}`, k);
    viewsOfStorage.set(`${resourceKey(k.convert.storage)} ${apiVersionOf(k)}`, k);
  } else byKey.set(resourceKey(k), k);
  byGVK.set(`${k.group}/${k.version}/${k.kind}`, k);
}

export interface GroupVersion {
  group: string;
  version: string;
  kinds: KindDef[];
}

function groupByVersion(list: KindDef[]): GroupVersion[] {
  const m = new Map<string, GroupVersion>();
  for (const k of list) {
    const id = `${k.group}/${k.version}`;
    if (!m.has(id)) m.set(id, { group: k.group, version: k.version, kinds: [] });
    m.get(id)!.kinds.push(k);
  }
  return [...m.values()];
}

/** The built-in group versions in the order discovery lists them (core first). */
const builtinGroupVersions: GroupVersion[] = groupByVersion(kinds);
const builtinGroups = new Set(kinds.map((k) => k.group));

// ---------------------------------------------------------------- custom kinds

/** CRDs by name, each with its kinds (storage version first). */
const crds = new Map<string, { crd: KObject; kinds: KindDef[] }>();
let customByKey = new Map<string, KindDef[]>();
let customByGVK = new Map<string, KindDef>();
let customGroupVersions: GroupVersion[] = [];
let generation = 0;

function reindex(): void {
  customByKey = new Map();
  customByGVK = new Map();
  const all: KindDef[] = [];
  for (const { kinds: ks } of [...crds.values()].sort((a, b) => (a.crd.metadata.name ?? "").localeCompare(b.crd.metadata.name ?? ""))) {
    // A CRD may not shadow a built-in resource.
    if (!ks.length || byKey.has(resourceKey(ks[0]))) continue;
    customByKey.set(resourceKey(ks[0]), ks);
    for (const k of ks) {
      customByGVK.set(`${k.group}/${k.version}/${k.kind}`, k);
      all.push(k);
    }
  }
  customGroupVersions = groupByVersion(all);
  generation++;
}

/** Replace every custom kind with those of these CRDs (the apiserver, after reading them from the cluster store). */
export function setCustomResourceDefinitions(list: KObject[]): void {
  const same = list.length === crds.size && list.every((c) => crds.get(c.metadata.name ?? "")?.crd.metadata.resourceVersion === c.metadata.resourceVersion);
  if (same) return;
  crds.clear();
  for (const crd of list) crds.set(crd.metadata.name ?? "", { crd, kinds: kindsOf(crd) });
  reindex();
}

/** Add or replace one CRD's kinds (a store, given the CRD a request names). */
export function addCustomResourceDefinition(crd: KObject): void {
  if (crds.get(crd.metadata.name ?? "")?.crd.metadata.resourceVersion === crd.metadata.resourceVersion) return;
  crds.set(crd.metadata.name ?? "", { crd, kinds: kindsOf(crd) });
  reindex();
}

/** Every group version served: the built-in ones, then the custom ones. */
export function groupVersions(): GroupVersion[] {
  return customGroupVersions.length ? [...builtinGroupVersions, ...customGroupVersions] : builtinGroupVersions;
}

export const registry = {
  all: kinds,
  /** "pods", "deployments.apps"; for a custom resource, its storage version's kind. */
  byKey: (key: string) => byKey.get(key) ?? customByKey.get(key)?.[0],
  byResource: (group: string, version: string, plural: string) => {
    const key = group ? `${plural}.${group}` : plural;
    const k = byKey.get(key);
    if (k?.version === version) return k;
    const view = views.get(`${key}/${version}`);
    if (view || k) return view;
    return customByKey.get(key)?.find((c) => c.version === version);
  },
  /**
   * The kind a stored resource is served as at apiVersion, other than its own: a view of it
   * ("events" as "events.k8s.io/v1") or another served version of a custom resource.
   */
  servedAs: (storageKey: string, apiVersion: string) =>
    viewsOfStorage.get(`${storageKey} ${apiVersion}`) ?? customByKey.get(storageKey)?.find((c) => apiVersionOf(c) === apiVersion),
  byKind: (group: string, version: string, kind: string) => byGVK.get(`${group}/${version}/${kind}`) ?? customByGVK.get(`${group}/${version}/${kind}`),
  groupVersion: (group: string, version: string) => groupVersions().find((g) => g.group === group && g.version === version),
  /** Whether a group is one of the built-in ones (its requests need no custom kinds). */
  isBuiltinGroup: (group: string) => builtinGroups.has(group),
  /** The CRD behind a custom resource key. */
  crdOf: (key: string) => crds.get(key)?.crd,
  /** Changes whenever the custom kinds do (for caches of discovery and OpenAPI). */
  customGeneration: () => generation,
};

export { resourceKey };
