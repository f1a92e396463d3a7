/**
 * Validation of how a Job treats failures, as the apiserver's
 * validatePodFailurePolicy and the backoffLimitPerIndex checks have it: a
 * podFailurePolicy needs restartPolicy Never and podReplacementPolicy Failed,
 * each rule one requirement (exit codes or pod conditions) and a known
 * action (FailIndex only with backoffLimitPerIndex); backoffLimitPerIndex
 * needs an Indexed Job, maxFailedIndexes needs backoffLimitPerIndex.
 */
import type { JobSpec } from "kubernetes-types/batch/v1";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";

const MAX_RULES = 20;
const MAX_EXIT_CODES = 255;
const MAX_PATTERNS = 20;
/** Completions an Indexed Job with backoffLimitPerIndex may have, and maxFailedIndexes' ceiling. */
const MAX_COMPLETIONS_PER_INDEX = 100_000;

export function validateFailureRules(spec: JobSpec): FieldError[] {
  const errs: FieldError[] = [];
  const perIndex = spec.backoffLimitPerIndex !== undefined;
  if (perIndex) {
    if (spec.completionMode !== "Indexed") errs.push(fieldErrors.invalid("spec.backoffLimitPerIndex", spec.backoffLimitPerIndex, "requires indexed completion mode"));
    if ((spec.backoffLimitPerIndex ?? 0) < 0) errs.push(fieldErrors.invalid("spec.backoffLimitPerIndex", spec.backoffLimitPerIndex, "must be greater than or equal to 0"));
    if ((spec.completions ?? 0) > MAX_COMPLETIONS_PER_INDEX) errs.push(fieldErrors.invalid("spec.completions", spec.completions, `must be less than or equal to ${MAX_COMPLETIONS_PER_INDEX} when backoffLimitPerIndex is specified`));
  }
  if (spec.maxFailedIndexes !== undefined) {
    if (!perIndex) errs.push(fieldErrors.required("spec.backoffLimitPerIndex", "when maxFailedIndexes is specified"));
    else if (spec.maxFailedIndexes < 0 || spec.maxFailedIndexes > Math.min(spec.completions ?? 0, MAX_COMPLETIONS_PER_INDEX)) {
      errs.push(fieldErrors.invalid("spec.maxFailedIndexes", spec.maxFailedIndexes, "must be greater than or equal to 0 and less than or equal to completions"));
    }
  }
  const policy = spec.podFailurePolicy;
  if (!policy) return errs;
  const rp = spec.template?.spec?.restartPolicy;
  if (rp !== "Never") errs.push(fieldErrors.invalid("spec.template.spec.restartPolicy", rp, 'only "Never" is supported when podFailurePolicy is specified'));
  if (spec.podReplacementPolicy !== undefined && spec.podReplacementPolicy !== "Failed") errs.push(fieldErrors.notSupported("spec.podReplacementPolicy", spec.podReplacementPolicy, ["Failed"]));
  const rules = policy.rules ?? [];
  if (rules.length > MAX_RULES) errs.push(fieldErrors.invalid("spec.podFailurePolicy.rules", rules.length, `must have at most ${MAX_RULES} items`));
  const containers = new Set([...(spec.template?.spec?.containers ?? []), ...(spec.template?.spec?.initContainers ?? [])].map((c) => c.name));
  const actions = perIndex ? ["Count", "FailIndex", "FailJob", "Ignore"] : ["Count", "FailJob", "Ignore"];
  rules.forEach((rule, i) => {
    const path = `spec.podFailurePolicy.rules[${i}]`;
    if (!actions.includes(rule.action)) errs.push(fieldErrors.notSupported(`${path}.action`, rule.action, actions));
    if (rule.onExitCodes && rule.onPodConditions) errs.push(fieldErrors.invalid(path, "", "specifying both OnExitCodes and OnPodConditions is not supported"));
    else if (!rule.onExitCodes && !rule.onPodConditions) errs.push(fieldErrors.invalid(path, "", "specifying one of OnExitCodes and OnPodConditions is required"));
    const codes = rule.onExitCodes;
    if (codes) {
      const at = `${path}.onExitCodes`;
      if (codes.containerName !== undefined && !containers.has(codes.containerName)) errs.push(fieldErrors.invalid(`${at}.containerName`, codes.containerName, "must be one of the container or initContainer names in the pod template"));
      if (codes.operator !== "In" && codes.operator !== "NotIn") errs.push(fieldErrors.notSupported(`${at}.operator`, codes.operator, ["In", "NotIn"]));
      const values = codes.values ?? [];
      if (!values.length) errs.push(fieldErrors.required(`${at}.values`, "at least one value is required"));
      if (values.length > MAX_EXIT_CODES) errs.push(fieldErrors.invalid(`${at}.values`, values.length, `must have at most ${MAX_EXIT_CODES} items`));
      values.forEach((v, j) => {
        if (codes.operator === "In" && v === 0) errs.push(fieldErrors.invalid(`${at}.values[${j}]`, v, "must not be 0 for the In operator"));
        if (j > 0 && values[j - 1] === v) errs.push(fieldErrors.duplicate(`${at}.values[${j}]`, v));
        else if (j > 0 && values[j - 1] > v) errs.push(fieldErrors.invalid(`${at}.values[${j}]`, v, "must be ordered"));
      });
    }
    const patterns = rule.onPodConditions ?? [];
    if (patterns.length > MAX_PATTERNS) errs.push(fieldErrors.invalid(`${path}.onPodConditions`, patterns.length, `must have at most ${MAX_PATTERNS} items`));
    patterns.forEach((p, j) => {
      const at = `${path}.onPodConditions[${j}]`;
      if (!p.type) errs.push(fieldErrors.required(`${at}.type`));
      if (!["True", "False", "Unknown"].includes(p.status ?? "True")) errs.push(fieldErrors.notSupported(`${at}.status`, p.status, ["False", "True", "Unknown"]));
    });
  });
  return errs;
}
