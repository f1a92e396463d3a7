/**
 * The AGE column of `kubectl get`, computed server-side for Table output:
 * a port of k8s.io/apimachinery/pkg/util/duration (HumanDuration and
 * ShortHumanDuration) and of the printers' translateTimestampSince.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Integer division truncating toward zero, as Go's int(d / unit). */
const div = (ms: number, unit: number) => Math.trunc(ms / unit);

/**
 * duration.HumanDuration: ~2-3 significant figures. Below -2s "<invalid>"
 * (clock skew up to 2s counts as now, "0s"); then seconds under 2 minutes,
 * "XmYs" under 10 minutes, minutes under 3 hours, "XhYm" under 8 hours,
 * hours under 2 days, "XdYh" under 8 days, days under 2 years, "XyYd" under
 * 8 years, then years (365-day years).
 */
export function humanDuration(ms: number): string {
  const seconds = div(ms, SECOND);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = div(ms, MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = div(ms, HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${div(hours, 24)}d` : `${div(hours, 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${div(hours, 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = div(hours, 24) % 365;
    return dy === 0 ? `${div(hours, 24 * 365)}y` : `${div(hours, 24 * 365)}y${dy}d`;
  }
  return `${div(hours, 24 * 365)}y`;
}

/** duration.ShortHumanDuration: one unit only ("59s", "5m", "3h", "12d", "2y"). */
export function shortHumanDuration(ms: number): string {
  const seconds = div(ms, SECOND);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60) return `${seconds}s`;
  const minutes = div(ms, MINUTE);
  if (minutes < 60) return `${minutes}m`;
  const hours = div(ms, HOUR);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${div(hours, 24)}d`;
  return `${div(hours, 24 * 365)}y`;
}

/**
 * translateTimestampSince: the age of an RFC 3339 timestamp at `now`
 * (milliseconds since the epoch), or "<unknown>" when there is none.
 */
export function ageOf(timestamp: string | undefined | null, now: number): string {
  if (!timestamp) return "<unknown>";
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return "<unknown>";
  return humanDuration(now - t);
}
