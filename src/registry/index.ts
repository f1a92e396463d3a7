/**
 * The kind registry: lookups by resource (plural and group), by kind, and by
 * group/version, over the declarations in kinds/.
 */
import { kinds } from "./kinds/index.js";
import { resourceKey, type KindDef } from "./types.js";

const byKey = new Map<string, KindDef>();
const byGVK = new Map<string, KindDef>();
for (const k of kinds) {
  byKey.set(resourceKey(k), k);
  byGVK.set(`${k.group}/${k.version}/${k.kind}`, k);
}

export interface GroupVersion {
  group: string;
  version: string;
  kinds: KindDef[];
}

/** Group versions in the order discovery lists them (core first). */
export const groupVersions: GroupVersion[] = (() => {
  const m = new Map<string, GroupVersion>();
  for (const k of kinds) {
    const id = `${k.group}/${k.version}`;
    if (!m.has(id)) m.set(id, { group: k.group, version: k.version, kinds: [] });
    m.get(id)!.kinds.push(k);
  }
  return [...m.values()];
})();

export const registry = {
  all: kinds,
  /** "pods", "deployments.apps" */
  byKey: (key: string) => byKey.get(key),
  byResource: (group: string, version: string, plural: string) => {
    const k = byKey.get(group ? `${plural}.${group}` : plural);
    return k && k.version === version ? k : undefined;
  },
  byKind: (group: string, version: string, kind: string) => byGVK.get(`${group}/${version}/${kind}`),
  groupVersion: (group: string, version: string) => groupVersions.find((g) => g.group === group && g.version === version),
};

export { resourceKey };
