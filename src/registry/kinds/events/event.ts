/**
 * events.k8s.io/v1 Event: the same Events as core/v1 (stored there), in the
 * shape client-go's events broadcaster (k8s.io/client-go/tools/events, used
 * by kube-scheduler and newer controllers) writes and reads them. The fields
 * are renamed as Kubernetes converts them (pkg/apis/events/v1/conversion.go):
 * regarding ↔ involvedObject, note ↔ message, reportingController ↔
 * reportingComponent, and the deprecated* fields ↔ source, firstTimestamp,
 * lastTimestamp and count. Columns and field selectors are core/v1's.
 */
import { definitions } from "../../../schemas/generated/index.js";
import type { KindDef, KObject } from "../../types.js";
import { event as coreEvent } from "../core/event.js";

/** [events.k8s.io/v1 field, core/v1 field] for the fields that differ in name only. */
const RENAMED: [string, string][] = [
  ["regarding", "involvedObject"],
  ["note", "message"],
  ["reportingController", "reportingComponent"],
  ["deprecatedSource", "source"],
  ["deprecatedFirstTimestamp", "firstTimestamp"],
  ["deprecatedLastTimestamp", "lastTimestamp"],
  ["deprecatedCount", "count"],
];

function rename(o: KObject, apiVersion: string, pairs: [string, string][]): KObject {
  const out: KObject = { ...o, apiVersion };
  for (const [from, to] of pairs) {
    delete out[from];
    if (o[from] !== undefined) out[to] = o[from];
  }
  return out;
}

export const toEventsV1 = (o: KObject) => rename(o, "events.k8s.io/v1", RENAMED.map(([a, b]) => [b, a]));
export const toCoreEvent = (o: KObject) => rename(o, "v1", RENAMED);

export const eventsV1Event: KindDef = {
  ...coreEvent,
  group: "events.k8s.io",
  schemaName: "io.k8s.api.events.v1.Event",
  schema: definitions["io.k8s.api.events.v1.Event"],
  // Defaults and validation are core/v1's, applied to the converted object.
  strategy: undefined,
  convert: { storage: coreEvent, up: toCoreEvent, down: toEventsV1 },
};
