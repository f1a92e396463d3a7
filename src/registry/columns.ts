/**
 * Column builders shared by kind files, so the `kubectl get` tables read like
 * a real cluster's without each kind repeating the same cells.
 */
import { ageOf } from "../apimachinery/age.js";
import { formatLabelSelector, specSelector } from "../apimachinery/selectors/labels.js";
import { getPath } from "../apimachinery/objects.js";
import type { Column, KObject } from "./types.js";

export const nameColumn: Column = {
  name: "Name",
  type: "string",
  format: "name",
  description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.",
  cell: (o) => o.metadata.name ?? "",
};

export const ageColumn: Column = {
  name: "Age",
  type: "string",
  description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
  cell: (o, now) => ageOf(o.metadata.creationTimestamp, now),
};

/** kubectl's columns for an autoscaling/v1 Scale (`kubectl get deploy web --subresource=scale`). */
export const scaleColumns: Column[] = [
  nameColumn,
  { name: "Desired", type: "integer", description: "replicas is the desired number of instances for the scaled object.", cell: (o) => (getPath(o, "spec.replicas") as number | undefined) ?? 0 },
  { name: "Available", type: "integer", description: "replicas is the actual number of observed instances of the scaled object.", cell: (o) => (getPath(o, "status.replicas") as number | undefined) ?? 0 },
  ageColumn,
];

/** A column reading one path, "<none>" (or a given default) when unset. */
export function pathColumn(name: string, path: string, opts: Partial<Column> & { none?: string } = {}): Column {
  const { none = "<none>", ...rest } = opts;
  return {
    name,
    type: "string",
    ...rest,
    cell: (o) => {
      const v = getPath(o, path);
      return v === undefined || v === null || v === "" ? none : (v as string | number | boolean);
    },
  };
}

type Container = { name: string; image?: string };
const containersOf = (o: KObject, templatePath: string): Container[] => (getPath(o, `${templatePath}.containers`) as Container[] | undefined) ?? [];

/** CONTAINERS, IMAGES and SELECTOR (wide) for workload kinds. */
export function workloadWideColumns(templatePath = "spec.template.spec", selector = true): Column[] {
  const cols: Column[] = [
    { name: "Containers", type: "string", priority: 1, description: "Names of each container in the template.", cell: (o) => containersOf(o, templatePath).map((c) => c.name).join(",") },
    { name: "Images", type: "string", priority: 1, description: "Images referenced by each container in the template.", cell: (o) => containersOf(o, templatePath).map((c) => c.image ?? "").join(",") },
  ];
  if (selector) {
    cols.push({
      name: "Selector",
      type: "string",
      priority: 1,
      description: "Label selector for pods.",
      cell: (o) => {
        const s = specSelector(o);
        return s ? formatLabelSelector(s) || "<none>" : "<none>";
      },
    });
  }
  return cols;
}

export const num = (v: unknown): number => (typeof v === "number" ? v : 0);

/** DESIRED, CURRENT, READY of the kinds that keep N copies of a pod (ReplicaSet, ReplicationController). */
export const replicasColumns: Column[] = [
  { name: "Desired", type: "integer", description: "Number of desired pods.", cell: (o) => num(getPath(o, "spec.replicas")) },
  { name: "Current", type: "integer", description: "Number of actual replicas.", cell: (o) => num(getPath(o, "status.replicas")) },
  { name: "Ready", type: "integer", description: "Number of ready replicas.", cell: (o) => num(getPath(o, "status.readyReplicas")) },
];
