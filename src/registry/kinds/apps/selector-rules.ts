/**
 * Validation shared by the workload kinds with a pod selector and template
 * (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job): the selector must be
 * set, must match the template's labels, and is immutable.
 */
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { deepEqual } from "../../../apimachinery/objects.js";
import { selectorFromLabelSelector, specSelector } from "../../../apimachinery/selectors/labels.js";
import type { KObject, Strategy } from "../../types.js";

type LS = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
const sel = (o: KObject) => (o.spec as { selector?: LS } | undefined)?.selector;
const templateLabels = (o: KObject) => (o.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels;

export function validateSelector(o: KObject, required = true): FieldError[] {
  const s = sel(o);
  if (!s) return required ? [fieldErrors.required("spec.selector")] : [];
  if (!Object.keys(s.matchLabels ?? {}).length && !(s.matchExpressions ?? []).length) {
    return [fieldErrors.invalid("spec.selector", s, "empty selector is invalid for deployment")];
  }
  return selectorMatchesTemplate(o);
}

/** The pods a workload makes must be its own: its selector (a LabelSelector, or a ReplicationController's label map) matches its template's labels. */
export function selectorMatchesTemplate(o: KObject): FieldError[] {
  const labels = templateLabels(o) ?? {};
  if (selectorFromLabelSelector(specSelector(o))(labels)) return [];
  return [fieldErrors.invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`")];
}

export const selectorRules: Pick<Strategy, "validate" | "validateUpdate"> = {
  validate: (o) => validateSelector(o),
  validateUpdate: (o, old) => (deepEqual(sel(o), sel(old)) ? [] : [fieldErrors.invalid("spec.selector", sel(o), "field is immutable")]),
};
