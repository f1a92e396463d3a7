/**
 * resource.Quantity ("100m", "1.5", "512Mi", "1e3", "2k"), a port of
 * k8s.io/apimachinery/pkg/api/resource: the same parser (and its error
 * messages), the same rounding (up, to nano precision; BinarySI capped at
 * 2^63-1) and the same serialization, so that requests, limits, capacities
 * and quotas read back exactly as a real apiserver writes them.
 *
 * A Quantity holds its value exactly as a bigint count of nano-units (every
 * parsed quantity is a whole number of them), its format (the suffix family
 * it was written in) and, like Go's cached string, the input text when
 * Kubernetes keeps it verbatim (e.g. "+1" and "1.500" round-trip as written).
 */

export type QuantityFormat = "DecimalExponent" | "BinarySI" | "DecimalSI";

export interface Quantity {
  /** The value times 10^9. */
  readonly nano: bigint;
  readonly format: QuantityFormat;
  /** The serialized form Kubernetes keeps from the input, if any. */
  readonly s?: string;
}

export type QuantityLike = Quantity | string | number;

export class QuantityError extends Error {}

const splitREString = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";
/** ErrFormatWrong, ErrNumeric, ErrSuffix. */
export const quantityErrors = {
  formatWrong: `quantities must match the regular expression '${splitREString}'`,
  numeric: "unable to parse numeric part of quantity",
  suffix: "unable to parse quantity's suffix",
  /** Ours, not Kubernetes': refusing values that would need huge integers. */
  tooLarge: "quantity is too large",
};

const NANO = 1_000_000_000n;
const MAX_INT64 = 9223372036854775807n;
/** Refuse magnitudes from 10^MAX_DIGITS on (Kubernetes has no bound for decimal formats). */
const MAX_DIGITS = 1000;
const isDigit = (c: string) => c >= "0" && c <= "9";
const pow10 = (n: number) => 10n ** BigInt(n);
const abs = (n: bigint) => (n < 0n ? -n : n);

interface Scanned {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

/** parseQuantityString: the fast scanner, quirks included ("-", "." and "Ki" read as zero). */
function scan(str: string): Scanned {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end && (str[0] === "-" || str[0] === "+")) {
    positive = str[0] !== "-";
    pos++;
  }
  for (;;) {
    if (pos >= end) return { positive, value: "0", num: "0", denom: "", suffix: "" };
    if (str[pos] !== "0") break;
    pos++;
  }
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: "", suffix: "" };
  let num = str.slice(pos, i) || "0";
  pos = i;
  let denom = "";
  if (str[pos] === ".") {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: "" };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && "eEinumkKMGTP".includes(str[pos])) pos++;
  if (pos >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  if (str[pos] === "-" || str[pos] === "+") pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  throw new QuantityError(quantityErrors.formatWrong);
}

interface Suffix {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

function interpret(s: string): Suffix | undefined {
  if (Object.hasOwn(decimalSuffixes, s)) return { base: 10, exponent: decimalSuffixes[s], format: "DecimalSI" };
  if (Object.hasOwn(binarySuffixes, s)) return { base: 2, exponent: binarySuffixes[s], format: "BinarySI" };
  if (s.length > 1 && (s[0] === "e" || s[0] === "E")) {
    const e = s.slice(1);
    if (!/^[+-]?[0-9]+$/.test(e)) return undefined;
    const n = BigInt(e);
    if (n > MAX_INT64 || n < -MAX_INT64 - 1n) return undefined;
    // Go keeps the exponent as an int32.
    return { base: 10, exponent: Number(BigInt.asIntN(32, n)), format: "DecimalExponent" };
  }
  return undefined;
}

/**
 * resource.ParseQuantity. A number is read as its JSON text would be (a
 * client sending `cpu: 0.5` means "0.5"). Throws QuantityError.
 */
export function parseQuantity(input: string | number): Quantity {
  let str: string;
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new QuantityError(quantityErrors.formatWrong);
    str = String(input);
  } else str = input;
  if (str.length === 0) throw new QuantityError(quantityErrors.formatWrong);
  if (str === "0") return { nano: 0n, format: "DecimalSI", s: "0" };

  const { positive, value, num, denom, suffix } = scan(str);
  const suf = interpret(suffix);
  if (!suf) throw new QuantityError(quantityErrors.suffix);
  const { base, exponent } = suf;
  let format = suf.format;

  // The int64 fast path: also decides whether the input text is kept.
  let precision: number;
  let scale = 0;
  let mantissa = 1n;
  if (format === "BinarySI") {
    if (exponent >= 0 && denom.length === 0) {
      mantissa = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
    } else precision = -1;
  } else {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= -9) {
      const shifted = num + denom;
      const v = BigInt(shifted);
      const result = v * mantissa;
      if (result <= MAX_INT64) {
        if (result !== 0n && String(result).length + scale > MAX_DIGITS) throw new QuantityError(quantityErrors.tooLarge);
        const nano = result === 0n ? 0n : (positive ? result : -result) * pow10(scale + 9);
        const keep =
          format === "BinarySI"
            ? exponent % 10 === 0 && (v & 7n) !== 0n
            : scale % 3 === 0 && !shifted.endsWith("000") && shifted[0] !== "0";
        return keep ? { nano, format, s: str } : { nano, format };
      }
    }
  }

  // The inf.Dec path.
  const digits = value.replace(/^[+-]/, "");
  if (!/[0-9]/.test(digits)) throw new QuantityError(quantityErrors.numeric);
  const dot = digits.indexOf(".");
  const frac = dot < 0 ? 0 : digits.length - dot - 1;
  let unscaled = BigInt(digits.replace(".", "") || "0");
  let exp10 = -frac; // value = unscaled * 10^exp10
  if (base === 10) exp10 += exponent;
  else unscaled <<= BigInt(exponent);
  if (unscaled !== 0n && String(unscaled).length + exp10 > MAX_DIGITS) throw new QuantityError(quantityErrors.tooLarge);
  let nano: bigint;
  const shift = exp10 + 9;
  if (unscaled === 0n) nano = 0n;
  else if (shift >= 0) nano = unscaled * pow10(shift);
  else if (-shift > String(unscaled).length) nano = unscaled === 0n ? 0n : 1n; // rounds up to 1n
  else {
    const d = pow10(-shift);
    nano = unscaled / d + (unscaled % d === 0n ? 0n : 1n);
  }
  if (format === "BinarySI" && nano > MAX_INT64 * NANO) nano = MAX_INT64 * NANO;
  if (format === "BinarySI" && nano > 0n && nano < NANO) format = "DecimalSI";
  return { nano: positive ? nano : -nano, format };
}

/** parseQuantity, or undefined for invalid input. */
export function tryParseQuantity(input: string | number): Quantity | undefined {
  try {
    return parseQuantity(input);
  } catch (e) {
    if (e instanceof QuantityError) return undefined;
    throw e;
  }
}

export const toQuantity = (q: QuantityLike): Quantity => (typeof q === "object" ? q : parseQuantity(q));

const decimalSuffixByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binarySuffixByTimes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/**
 * Quantity.String(): the kept input text, or the canonical form: no
 * fraction, the largest suffix of the quantity's family that loses nothing
 * ("1.5" → "1500m", "1024Mi" → "1Gi", "1000M" → "1G", "1.5Gi" → "1536Mi",
 * "1e3" → "1e3"). BinarySI values under 1024 or not whole use DecimalSI.
 * Kubernetes' quirk is kept: a DecimalSI value of 10^21 or more ("1000E")
 * is written without its suffix.
 */
export function formatQuantity(q: QuantityLike): string {
  const { nano, format: f, s } = toQuantity(q);
  if (s !== undefined) return s;
  if (nano === 0n) return "0";
  let format = f;
  if (format === "BinarySI" && (abs(nano) < 1024n * NANO || nano % NANO !== 0n)) format = "DecimalSI";
  if (format === "BinarySI") {
    let m = nano / NANO;
    let times = 0;
    while (m % 1024n === 0n) {
      m /= 1024n;
      times++;
    }
    return `${m}${binarySuffixByTimes[times] ?? ""}`;
  }
  let m = nano;
  let e = -9;
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  while (e % 3 !== 0) {
    m *= 10n;
    e--;
  }
  if (format === "DecimalSI") return `${m}${decimalSuffixByExponent.get(e) ?? ""}`;
  return e === 0 ? `${m}` : `${m}e${e}`;
}

/** The canonical form, ignoring any kept input text. */
export function canonicalQuantity(q: QuantityLike): string {
  const { nano, format } = toQuantity(q);
  return formatQuantity({ nano, format });
}

/** -1, 0 or 1 (Quantity.Cmp). */
export function compareQuantity(a: QuantityLike, b: QuantityLike): -1 | 0 | 1 {
  const x = toQuantity(a).nano;
  const y = toQuantity(b).nano;
  return x < y ? -1 : x > y ? 1 : 0;
}

export const quantityEquals = (a: QuantityLike, b: QuantityLike) => compareQuantity(a, b) === 0;

/** Sum, as Quantity.Add: the first non-zero operand's format wins. Empty sum: "0". */
export function addQuantities(...qs: QuantityLike[]): Quantity {
  let nano = 0n;
  let format: QuantityFormat = "DecimalSI";
  for (const q of qs.map(toQuantity)) {
    if (nano === 0n) format = q.format;
    nano += q.nano;
  }
  return { nano, format };
}

/** a - b, as Quantity.Sub. */
export function subtractQuantity(a: QuantityLike, b: QuantityLike): Quantity {
  const x = toQuantity(a);
  const y = toQuantity(b);
  return { nano: x.nano - y.nano, format: x.nano === 0n ? y.format : x.format };
}

/** ceil(q × 1000), as MilliValue: millicores for cpu. */
export function toMilli(q: QuantityLike): bigint {
  return ceilDiv(toQuantity(q).nano, 1_000_000n);
}

/** ceil(q), as Value(): bytes for memory and storage, counts for pods. */
export function toValue(q: QuantityLike): bigint {
  return ceilDiv(toQuantity(q).nano, NANO);
}

/** The value as a float (AsApproximateFloat64), for ratios and display. */
export function toNumber(q: QuantityLike): number {
  return Number(`${toQuantity(q).nano}e-9`);
}

function ceilDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d > 0n ? q + 1n : q;
}

/** NewQuantity: an integer value. */
export function newQuantity(value: bigint | number, format: QuantityFormat = "DecimalSI"): Quantity {
  return { nano: BigInt(value) * NANO, format };
}

/** NewMilliQuantity: value/1000 (e.g. 250 → "250m"). */
export function newMilliQuantity(milli: bigint | number, format: QuantityFormat = "DecimalSI"): Quantity {
  return { nano: BigInt(milli) * 1_000_000n, format };
}
