/**
 * Cron schedules as the CronJob controller reads them: a port of
 * robfig/cron/v3's ParseStandard (five fields, ranges, steps, lists, month
 * and weekday names, @hourly…@yearly) and of SpecSchedule.Next, evaluated on
 * the wall clock of spec.timeZone (zone.ts). Also the controller's "most
 * recent missed start" search.
 */
import type { Zone } from "./zone.js";

/** One field: which values match, and whether it was written as * or ? (the day fields combine on that). */
interface Field {
  match: boolean[];
  star: boolean;
}

export interface Schedule {
  minute: Field;
  hour: Field;
  dom: Field;
  month: Field;
  dow: Field;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const BOUNDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])) },
  { min: 0, max: 6, names: Object.fromEntries(DAYS.map((d, i) => [d, i])) },
];

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

function parseInt10(s: string): number {
  if (!/^\d+$/.test(s)) throw new Error(`failed to parse int from ${s}`);
  return Number(s);
}

function parseValue(s: string, b: Bounds): number {
  const named = b.names?.[s.toLowerCase()];
  return named ?? parseInt10(s);
}

/** robfig's getRange: "*", "?", "a", "a-b", each optionally "/step" ("a/step" means a-max). */
function parseRange(expr: string, b: Bounds, f: Field): void {
  const [range, step, ...extraSteps] = expr.split("/");
  const bounds = range.split("-");
  if (extraSteps.length) throw new Error(`too many slashes: ${expr}`);
  if (bounds.length > 2) throw new Error(`too many hyphens: ${expr}`);
  let start: number;
  let end: number;
  let star = false;
  if (range === "*" || range === "?") {
    [start, end, star] = [b.min, b.max, true];
  } else {
    start = parseValue(bounds[0], b);
    end = bounds.length === 2 ? parseValue(bounds[1], b) : start;
  }
  let by = 1;
  if (step !== undefined) {
    by = parseInt10(step);
    if (bounds.length === 1 && !star) end = b.max;
    if (by > 1) star = false;
  }
  if (start < b.min) throw new Error(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new Error(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (by === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += by) f.match[v] = true;
  f.star ||= star;
}

/** cron.ParseStandard. Throws an Error whose message says what is wrong. */
export function parseSchedule(spec: string): Schedule {
  const text = spec.trim();
  if (text.startsWith("@")) {
    const expanded = DESCRIPTORS[text.toLowerCase()];
    if (!expanded) throw new Error(`unrecognized descriptor: ${text}`);
    return parseSchedule(expanded);
  }
  const parts = text.split(/\s+/).filter(Boolean);
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: ${spec}`);
  const [minute, hour, dom, month, dow] = parts.map((p, i) => {
    const f: Field = { match: [], star: false };
    for (const expr of p.split(",")) parseRange(expr, BOUNDS[i], f);
    return f;
  });
  return { minute, hour, dom, month, dow };
}

const MINUTE = 60_000;

const dayMatches = (s: Schedule, t: Date) => {
  const dom = !!s.dom.match[t.getUTCDate()];
  const dow = !!s.dow.match[t.getUTCDay()];
  return s.dom.star || s.dow.star ? dom && dow : dom || dow;
};

/** SpecSchedule.Next on a naive wall clock: the first matching minute at or after `from`; undefined if none within five years. */
function nextWall(s: Schedule, from: number): number | undefined {
  const t = new Date(from);
  const yearLimit = t.getUTCFullYear() + 5;
  wrap: for (;;) {
    if (t.getUTCFullYear() > yearLimit) return undefined;
    while (!s.month.match[t.getUTCMonth() + 1]) {
      t.setUTCDate(1);
      t.setUTCHours(0, 0, 0, 0);
      t.setUTCMonth(t.getUTCMonth() + 1);
      if (t.getUTCMonth() === 0) continue wrap;
    }
    while (!dayMatches(s, t)) {
      t.setUTCHours(0, 0, 0, 0);
      t.setUTCDate(t.getUTCDate() + 1);
      if (t.getUTCDate() === 1) continue wrap;
    }
    while (!s.hour.match[t.getUTCHours()]) {
      t.setUTCMinutes(0, 0, 0);
      t.setUTCHours(t.getUTCHours() + 1);
      if (t.getUTCHours() === 0) continue wrap;
    }
    while (!s.minute.match[t.getUTCMinutes()]) {
      t.setUTCSeconds(0, 0);
      t.setUTCMinutes(t.getUTCMinutes() + 1);
      if (t.getUTCMinutes() === 0) continue wrap;
    }
    return t.getTime();
  }
}

/**
 * The first activation strictly after `after` (ms since the epoch), or
 * undefined when the schedule never fires (e.g. "0 0 30 2 *"). Wall times
 * that a DST change skips do not fire; repeated ones fire once.
 */
export function nextAfter(s: Schedule, zone: Zone, after: number): number | undefined {
  let w = Math.floor(zone.wall(after) / MINUTE) * MINUTE + MINUTE;
  for (;;) {
    const wall = nextWall(s, w);
    if (wall === undefined) return undefined;
    const t = zone.instant(wall);
    if (t !== undefined && t > after) return t;
    w = wall + MINUTE;
  }
}

/** Windows tried, smallest first, when looking back from now for the latest activation. */
const LOOKBACK = [60 * MINUTE, 1440 * MINUTE, 32 * 1440 * MINUTE, 367 * 1440 * MINUTE, 5 * 367 * 1440 * MINUTE];

/**
 * The controller's mostRecentScheduleTime: the latest activation in
 * (earliest, now], and how many were missed in that span (counted up to 101,
 * enough to tell "more than 100"). Bounded work however long the span is.
 */
export function mostRecent(s: Schedule, zone: Zone, earliest: number, now: number): { time?: number; missed: number } {
  let missed = 0;
  let time: number | undefined;
  for (let t = nextAfter(s, zone, earliest); t !== undefined && t <= now && missed <= 100; t = nextAfter(s, zone, t)) {
    missed++;
    time = t;
  }
  if (missed <= 100) return { time, missed };
  for (const w of LOOKBACK) {
    const from = Math.max(earliest, now - w);
    const first = nextAfter(s, zone, from);
    if (first === undefined || first > now) continue;
    let t = first;
    for (let n = nextAfter(s, zone, t); n !== undefined && n <= now; n = nextAfter(s, zone, n)) t = n;
    return { time: t, missed };
  }
  return { time, missed };
}
