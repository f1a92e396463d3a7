import { test } from "node:test";
import assert from "node:assert/strict";
import { mostRecent, nextAfter, parseSchedule } from "./schedule.js";
import { rfc3339In, timeZone } from "./zone.js";

const utc = timeZone(undefined);
const at = (s: string) => Date.parse(s);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString().replace(".000Z", "Z"));
const next = (spec: string, from: string, zone = utc) => iso(nextAfter(parseSchedule(spec), zone, at(from)));
const values = (f: { match: boolean[] }) => f.match.flatMap((m, i) => (m ? [i] : []));

test("fields: ranges, steps, lists, names, descriptors", () => {
  const s = parseSchedule("*/15 0-6/2 1,15 JAN-mar mon-FRI");
  assert.deepEqual(values(s.minute), [0, 15, 30, 45]);
  assert.deepEqual(values(s.hour), [0, 2, 4, 6]);
  assert.deepEqual(values(s.dom), [1, 15]);
  assert.deepEqual(values(s.month), [1, 2, 3]);
  assert.deepEqual(values(s.dow), [1, 2, 3, 4, 5]);
  assert.deepEqual(values(parseSchedule("5/20 * * * *").minute), [5, 25, 45], "a/step runs to the maximum");
  assert.equal(parseSchedule("0 0 * * ?").dow.star, true);
  assert.equal(parseSchedule("0 0 */2 * *").dom.star, false, "a step over 1 is not a star");
  assert.deepEqual(parseSchedule("@daily"), parseSchedule("0 0 * * *"));
  assert.deepEqual(parseSchedule("@weekly"), parseSchedule("0 0 * * 0"));
  assert.deepEqual(parseSchedule("  @Hourly "), parseSchedule("0 * * * *"));
  assert.deepEqual(parseSchedule("@annually"), parseSchedule("@yearly"));
});

test("invalid schedules say why", () => {
  const cases: [string, RegExp][] = [
    ["* * * *", /expected exactly 5 fields, found 4: \* \* \* \*/],
    ["60 * * * *", /end of range \(60\) above maximum \(59\): 60/],
    ["* * 0 * *", /beginning of range \(0\) below minimum \(1\): 0/],
    ["5-1 * * * *", /beginning of range \(5\) beyond end of range \(1\): 5-1/],
    ["*/0 * * * *", /step of range should be a positive number/],
    ["* * * * 7", /end of range \(7\) above maximum \(6\)/],
    ["x * * * *", /failed to parse int from x/],
    ["1,,2 * * * *", /failed to parse int from /],
    ["1-2-3 * * * *", /too many hyphens/],
    ["@every 5m", /unrecognized descriptor/],
    ["* * * FOO *", /failed to parse int from FOO/],
  ];
  for (const [spec, re] of cases) assert.throws(() => parseSchedule(spec), re, spec);
});

test("next activation in UTC", () => {
  assert.equal(next("0 * * * *", "2026-01-01T10:30:00Z"), "2026-01-01T11:00:00Z");
  assert.equal(next("0 * * * *", "2026-01-01T11:00:00Z"), "2026-01-01T12:00:00Z", "strictly after");
  assert.equal(next("*/5 * * * *", "2026-01-01T10:02:59Z"), "2026-01-01T10:05:00Z");
  assert.equal(next("30 2 * * *", "2026-12-31T03:00:00Z"), "2027-01-01T02:30:00Z");
  assert.equal(next("0 0 29 2 *", "2026-03-01T00:00:00Z"), "2028-02-29T00:00:00Z");
  assert.equal(next("0 0 30 2 *", "2026-01-01T00:00:00Z"), undefined, "never");
  assert.equal(next("0 9 * * 1-5", "2026-01-02T10:00:00Z"), "2026-01-05T09:00:00Z", "Friday to Monday");
  // dom and dow both restricted: either matches (2026-01-05 is a Monday, 2026-01-15 a Thursday).
  assert.equal(next("0 0 15 * MON", "2026-01-01T00:00:00Z"), "2026-01-05T00:00:00Z");
  assert.equal(next("0 0 15 * MON", "2026-01-12T01:00:00Z"), "2026-01-15T00:00:00Z");
  // A star in either makes it AND.
  assert.equal(next("0 0 * 2 MON", "2026-01-01T00:00:00Z"), "2026-02-02T00:00:00Z");
});

test("time zones through Intl, with DST gaps skipped", () => {
  const ny = timeZone("America/New_York");
  assert.equal(next("0 9 * * *", "2026-01-01T00:00:00Z", ny), "2026-01-01T14:00:00Z");
  assert.equal(next("0 9 * * *", "2026-07-01T00:00:00Z", ny), "2026-07-01T13:00:00Z");
  // 2026-03-08 02:30 does not exist in New York.
  assert.equal(next("30 2 * * *", "2026-03-07T12:00:00Z", ny), "2026-03-09T06:30:00Z");
  // 2026-11-01 01:30 happens twice; it runs once.
  assert.equal(next("30 1 * * *", "2026-11-01T04:00:00Z", ny), "2026-11-01T05:30:00Z");
  assert.equal(next("30 1 * * *", "2026-11-01T05:30:00Z", ny), "2026-11-02T06:30:00Z");
  assert.equal(next("0 10 * * *", "2026-01-01T00:00:00Z", timeZone("Asia/Kolkata")), "2026-01-01T04:30:00Z");
  assert.equal(rfc3339In(timeZone("Asia/Kolkata"), at("2026-01-01T04:30:00Z")), "2026-01-01T10:00:00+05:30");
  assert.equal(rfc3339In(ny, at("2026-01-01T14:00:00Z")), "2026-01-01T09:00:00-05:00");
  assert.equal(rfc3339In(utc, at("2026-01-01T14:00:00Z")), "2026-01-01T14:00:00Z");
  assert.throws(() => timeZone("Mars/Olympus_Mons"), RangeError);
});

test("most recent missed time, and how many were missed", () => {
  const hourly = parseSchedule("0 * * * *");
  assert.deepEqual(mostRecent(hourly, utc, at("2026-01-01T00:00:00Z"), at("2026-01-01T00:59:00Z")), { time: undefined, missed: 0 });
  const three = mostRecent(hourly, utc, at("2026-01-01T00:00:00Z"), at("2026-01-01T03:30:00Z"));
  assert.deepEqual([iso(three.time), three.missed], ["2026-01-01T03:00:00Z", 3]);
  const minutely = parseSchedule("* * * * *");
  const many = mostRecent(minutely, utc, at("2026-01-01T00:00:00Z"), at("2026-01-03T07:42:30Z"));
  assert.equal(iso(many.time), "2026-01-03T07:42:00Z");
  assert.ok(many.missed > 100);
  const yearly = mostRecent(parseSchedule("@yearly"), utc, at("1900-01-01T00:00:00Z"), at("2026-06-01T00:00:00Z"));
  assert.equal(iso(yearly.time), "2026-01-01T00:00:00Z");
});
