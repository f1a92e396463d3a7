/** core/v1 Event: what components did, as `kubectl get events` and `describe` show. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageOf } from "../../../apimachinery/age.js";
import type { KindDef, KObject } from "../../types.js";

type Ev = {
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string; apiVersion?: string; resourceVersion?: string; fieldPath?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  series?: { lastObservedTime?: string; count?: number };
};
const ev = (o: KObject) => o as unknown as Ev;
const lastSeen = (o: KObject) => ev(o).series?.lastObservedTime ?? ev(o).lastTimestamp ?? ev(o).eventTime ?? o.metadata.creationTimestamp;

export const event: KindDef = {
  group: "",
  version: "v1",
  kind: "Event",
  plural: "events",
  singular: "event",
  namespaced: true,
  shortNames: ["ev"],
  nameFormat: "path-segment",
  schemaName: "io.k8s.api.core.v1.Event",
  schema: definitions["io.k8s.api.core.v1.Event"],
  fieldSelectors: {
    "involvedObject.kind": (o) => ev(o).involvedObject?.kind,
    "involvedObject.namespace": (o) => ev(o).involvedObject?.namespace,
    "involvedObject.name": (o) => ev(o).involvedObject?.name,
    "involvedObject.uid": (o) => ev(o).involvedObject?.uid,
    "involvedObject.apiVersion": (o) => ev(o).involvedObject?.apiVersion,
    "involvedObject.resourceVersion": (o) => ev(o).involvedObject?.resourceVersion,
    "involvedObject.fieldPath": (o) => ev(o).involvedObject?.fieldPath,
    reason: (o) => ev(o).reason,
    reportingComponent: (o) => ev(o).reportingComponent,
    source: (o) => ev(o).source?.component,
    type: (o) => ev(o).type,
  },
  columns: [
    { name: "Last Seen", type: "string", description: "The last time the event was seen.", cell: (o, now) => ageOf(lastSeen(o), now) },
    { name: "Type", type: "string", description: "Type of this event (Normal, Warning).", cell: (o) => ev(o).type ?? "" },
    { name: "Reason", type: "string", description: "Why the action was taken.", cell: (o) => ev(o).reason ?? "" },
    {
      name: "Object",
      type: "string",
      description: "The object this event is about.",
      cell: (o) => `${(ev(o).involvedObject?.kind ?? "").toLowerCase()}/${ev(o).involvedObject?.name ?? ""}`,
    },
    { name: "Subobject", type: "string", priority: 1, description: "The subobject this event is about.", cell: (o) => ev(o).involvedObject?.fieldPath ?? "" },
    { name: "Source", type: "string", priority: 1, description: "The component reporting this event.", cell: (o) => [ev(o).source?.component ?? ev(o).reportingComponent, ev(o).source?.host].filter(Boolean).join(", ") },
    { name: "Message", type: "string", description: "A human-readable description of the status of this operation.", cell: (o) => ev(o).message ?? "" },
    { name: "First Seen", type: "string", priority: 1, description: "The first time the event was seen.", cell: (o, now) => ageOf(ev(o).firstTimestamp ?? ev(o).eventTime, now) },
    { name: "Count", type: "string", priority: 1, description: "The number of times this event has occurred.", cell: (o) => String(ev(o).series?.count ?? ev(o).count ?? 1) },
    { name: "Name", type: "string", format: "name", priority: 1, description: "The name of the event.", cell: (o) => o.metadata.name ?? "" },
  ],
};
