/**
 * metadata.managedFields as the field manager works with it: one field set
 * per manager. Like k8s.io/apimachinery/pkg/util/managedfields/internal, a
 * manager is identified by the JSON of its entry minus fields, time and (for
 * appliers) apiVersion, so an Update through apps/v1 and one through /status
 * are different managers while an applier keeps one entry across versions.
 * Encoding sorts entries the way Kubernetes does, so
 * `kubectl get -o yaml --show-managed-fields` output matches.
 */
import type { ManagedFieldsEntry } from "../../registry/types.js";
import { FieldSet } from "./fieldpath.js";
import { deepEqual, goJson, isObject } from "./json.js";

export interface ManagerFields {
  set: FieldSet;
  apiVersion: string;
  /** Owned through server-side apply (operation Apply) rather than a write (Update). */
  applied: boolean;
  time?: string;
}

/** Field sets keyed by manager identifier. */
export type Managers = Map<string, ManagerFields>;

interface ManagerInfo {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  subresource?: string;
}

/** BuildManagerIdentifier: the entry's JSON without fields, type, time, and apiVersion for appliers. */
export function managerIdentifier(e: ManagerInfo): string {
  const id: ManagerInfo = {};
  if (e.manager) id.manager = e.manager;
  if (e.operation) id.operation = e.operation;
  if (e.apiVersion && e.operation !== "Apply") id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return goJson(id, false);
}

export function parseIdentifier(id: string): ManagerInfo | undefined {
  try {
    const v: unknown = JSON.parse(id);
    return isObject(v) ? (v as ManagerInfo) : undefined;
  } catch {
    return undefined;
  }
}

/** DecodeManagedFields; throws on entries Kubernetes would not accept. */
export function decodeManagedFields(entries: ManagedFieldsEntry[]): Managers {
  const managers: Managers = new Map();
  entries.forEach((e, i) => {
    if (e.operation !== "Apply" && e.operation !== "Update") throw new Error("operation must be `Apply` or `Update`");
    if (!e.apiVersion) throw new Error("apiVersion must not be empty");
    if (e.fieldsType !== "FieldsV1") {
      throw new Error(e.fieldsType ? `invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}` : `missing fieldsType in managed fields entry ${i}`);
    }
    managers.set(managerIdentifier(e), {
      set: FieldSet.fromFieldsV1(e.fieldsV1 ?? {}),
      apiVersion: e.apiVersion,
      applied: e.operation === "Apply",
      time: e.time,
    });
  });
  return managers;
}

const seconds = (time: string | undefined) => (time ? Math.floor(Date.parse(time) / 1000) || 0 : 0);
const compareStrings = (a = "", b = "") => (a < b ? -1 : a > b ? 1 : 0);

/** encodeManagedFields: entries sorted by operation, time, manager, apiVersion, subresource; undefined when none. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] | undefined {
  if (managers.size === 0) return undefined;
  const entries = [...managers].map(([id, m]) => {
    const info = parseIdentifier(id) ?? {};
    const e: ManagedFieldsEntry = {};
    if (info.manager) e.manager = info.manager;
    e.operation = m.applied ? "Apply" : "Update";
    e.apiVersion = m.apiVersion;
    if (m.time) e.time = m.time;
    e.fieldsType = "FieldsV1";
    e.fieldsV1 = m.set.toFieldsV1();
    if (info.subresource) e.subresource = info.subresource;
    return e;
  });
  return entries.sort(
    (p, q) =>
      compareStrings(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      compareStrings(p.manager, q.manager) ||
      compareStrings(p.apiVersion, q.apiVersion) ||
      compareStrings(p.subresource, q.subresource),
  );
}

/** managedFields: [] or [{}] in a write asks for the record to be reset. */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  return entries.length === 0 || (entries.length === 1 && deepEqual(entries[0], {}));
}

const MAX_UPDATE_MANAGERS = 10;
const ANCIENT_CHANGES = "ancient-changes";

/**
 * Keep at most 10 Update entries: the oldest are folded, per apiVersion, into
 * an "ancient-changes" entry (capManagersManager).
 */
export function capUpdateManagers(managers: Managers): void {
  const updaters = [...managers].filter(([, m]) => !m.applied).map(([id]) => id);
  if (updaters.length <= MAX_UPDATE_MANAGERS) return;
  updaters.sort((a, b) => seconds(managers.get(a)!.time) - seconds(managers.get(b)!.time) || compareStrings(a, b));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i];
    const m = managers.get(id)!;
    const bucket = managerIdentifier({ manager: ANCIENT_CHANGES, operation: "Update", apiVersion: m.apiVersion });
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, id);
      continue;
    }
    if (!managers.has(bucket)) {
      managers.set(bucket, managers.get(first)!);
      managers.delete(first);
    }
    managers.set(bucket, { set: m.set.union(managers.get(bucket)!.set), apiVersion: m.apiVersion, applied: m.applied, time: m.time });
    managers.delete(id);
    length--;
  }
}
