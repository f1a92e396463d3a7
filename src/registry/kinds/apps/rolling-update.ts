/**
 * Validation of rolling-update parameters (ValidateRollingUpdateDeployment,
 * which DaemonSets share): maxUnavailable and maxSurge are non-negative
 * integers or percentages, maxUnavailable at most 100 %, and not both zero,
 * or a rollout could never make progress.
 */
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";

type IntOrPercent = number | string | undefined;

/** ValidatePositiveIntOrPercent, and IsNotMoreThan100Percent unless the value may exceed 100 % (maxSurge). */
export function validIntOrPercent(field: string, v: IntOrPercent, errs: FieldError[], atMost100 = true): void {
  if (v === undefined) return;
  if (typeof v === "number") {
    if (v < 0) errs.push(fieldErrors.invalid(field, v, "must be greater than or equal to 0"));
    return;
  }
  const m = /^(\d+)%$/.exec(v);
  if (!m) errs.push(fieldErrors.invalid(field, v, "must be an integer or percentage (e.g '5%')"));
  else if (atMost100 && Number(m[1]) > 100) errs.push(fieldErrors.invalid(field, v, "must not be greater than 100%"));
}

const isZero = (v: IntOrPercent) => v === 0 || v === "0%";

export function validateRollingUpdate(path: string, ru: { maxUnavailable?: IntOrPercent; maxSurge?: IntOrPercent } | undefined): FieldError[] {
  if (!ru) return [];
  const errs: FieldError[] = [];
  validIntOrPercent(`${path}.maxUnavailable`, ru.maxUnavailable, errs);
  validIntOrPercent(`${path}.maxSurge`, ru.maxSurge, errs, false);
  if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) errs.push(fieldErrors.invalid(`${path}.maxUnavailable`, ru.maxUnavailable, "may not be 0 when `maxSurge` is 0"));
  return errs;
}
