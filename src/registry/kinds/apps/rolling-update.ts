/**
 * Validation of rolling-update parameters (ValidateRollingUpdateDeployment,
 * which DaemonSets share): maxUnavailable and maxSurge are non-negative
 * integers or percentages, maxUnavailable at most 100 %, and not both zero,
 * or a rollout could never make progress.
 */
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";

type IntOrPercent = number | string | undefined;

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent. */
export function validIntOrPercent(field: string, v: IntOrPercent, errs: FieldError[]): void {
  if (v === undefined) return;
  if (typeof v === "number") {
    if (v < 0) errs.push(fieldErrors.invalid(field, v, "must be greater than or equal to 0"));
    return;
  }
  const m = /^(\d+)%$/.exec(v);
  if (!m) errs.push(fieldErrors.invalid(field, v, "must be an integer or percentage (e.g '5%')"));
  else if (Number(m[1]) > 100) errs.push(fieldErrors.invalid(field, v, "must not be greater than 100%"));
}

const isZero = (v: IntOrPercent) => v === 0 || v === "0%";

export function validateRollingUpdate(path: string, ru: { maxUnavailable?: IntOrPercent; maxSurge?: IntOrPercent } | undefined): FieldError[] {
  if (!ru) return [];
  const errs: FieldError[] = [];
  validIntOrPercent(`${path}.maxUnavailable`, ru.maxUnavailable, errs);
  if (typeof ru.maxSurge === "string" && !/^\d+%$/.test(ru.maxSurge)) errs.push(fieldErrors.invalid(`${path}.maxSurge`, ru.maxSurge, "must be an integer or percentage (e.g '5%')"));
  else if (typeof ru.maxSurge === "number" && ru.maxSurge < 0) errs.push(fieldErrors.invalid(`${path}.maxSurge`, ru.maxSurge, "must be greater than or equal to 0"));
  if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) errs.push(fieldErrors.invalid(`${path}.maxUnavailable`, ru.maxUnavailable, "may not be 0 when `maxSurge` is 0"));
  return errs;
}
