/**
 * intstr.GetScaledValueFromIntOrPercent: maxSurge, maxUnavailable and their
 * kin are an int or a percentage of a total, rounded up or down.
 */

/** The absolute value of v against total; throws for a string that is not "<int>%". */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === "number") return v;
  const m = /^([+-]?\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}
