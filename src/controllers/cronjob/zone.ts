/**
 * Time zones for CronJob's spec.timeZone without a tz database of our own:
 * Intl (which Workers and Node carry) maps instants to a zone's wall clock;
 * the way back is solved from the offset, and wall times a DST change skips
 * have no instant.
 */

/** A time zone: instants to wall-clock times (as naive UTC milliseconds) and back. */
export interface Zone {
  wall(ms: number): number;
  /** The instant showing this wall time; undefined inside a DST gap. */
  instant(wall: number): number | undefined;
}

const UTC: Zone = { wall: (ms) => ms, instant: (w) => w };
const zones = new Map<string, Zone>();

/** The zone spec.timeZone names (undefined or "" is UTC, as the controller's local time is). Throws RangeError for an unknown name. */
export function timeZone(name: string | undefined): Zone {
  if (!name || name === "UTC" || name === "Etc/UTC") return UTC;
  let z = zones.get(name);
  if (z) return z;
  const fmt = new Intl.DateTimeFormat("en-US", { timeZone: name, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
  const wall = (ms: number) => {
    const p = Object.fromEntries(fmt.formatToParts(ms).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) + (ms - Math.floor(ms / 1000) * 1000);
  };
  const offset = (ms: number) => wall(ms) - ms;
  z = {
    wall,
    instant(w) {
      const t = w - offset(w - offset(w));
      return wall(t) === w ? t : undefined;
    },
  };
  zones.set(name, z);
  return z;
}

/** An instant as RFC 3339 on the zone's clock, with its offset ("…T10:00:00+09:00", or "Z" at UTC). */
export function rfc3339In(zone: Zone, ms: number): string {
  const off = Math.round((zone.wall(ms) - ms) / 60000);
  const base = new Date(zone.wall(ms)).toISOString().replace(/\.\d+Z$/, "");
  if (off === 0) return `${base}Z`;
  const abs = Math.abs(off);
  return `${base}${off < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
