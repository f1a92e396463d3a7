import { test } from "node:test";
import assert from "node:assert/strict";
import {
  addQuantities,
  canonicalQuantity,
  compareQuantity,
  formatQuantity,
  newMilliQuantity,
  newQuantity,
  parseQuantity,
  QuantityError,
  quantityEquals,
  quantityErrors,
  subtractQuantity,
  toMilli,
  toNumber,
  toValue,
  tryParseQuantity,
  type Quantity,
  type QuantityFormat,
} from "./quantity.js";

/** Go's decQuantity(mantissa, exponent, format): mantissa × 10^exponent. */
function dq(m: number | bigint, e: number, format: QuantityFormat): Quantity {
  const shift = e + 9;
  const big = BigInt(m);
  if (shift >= 0) return { nano: big * 10n ** BigInt(shift), format };
  const d = 10n ** BigInt(-shift);
  assert.equal(big % d, 0n, "test helper: not a whole number of nano-units");
  return { nano: big / d, format };
}

const KI = 1024n;

test("parse values and formats (TestQuantityParse)", () => {
  const table: [string, Quantity][] = [
    ["0", dq(0, 0, "DecimalSI")],
    ["0n", dq(0, 0, "DecimalSI")],
    ["0u", dq(0, 0, "DecimalSI")],
    ["0m", dq(0, 0, "DecimalSI")],
    ["0Ki", dq(0, 0, "BinarySI")],
    ["0k", dq(0, 0, "DecimalSI")],
    ["0Mi", dq(0, 0, "BinarySI")],
    ["0M", dq(0, 0, "DecimalSI")],
    ["0Gi", dq(0, 0, "BinarySI")],
    ["0G", dq(0, 0, "DecimalSI")],
    ["0Ti", dq(0, 0, "BinarySI")],
    ["0T", dq(0, 0, "DecimalSI")],
    ["1", dq(1, 0, "DecimalSI")],
    ["1Ki", dq(KI, 0, "BinarySI")],
    ["8Ki", dq(8n * KI, 0, "BinarySI")],
    ["7Mi", dq(7n * KI ** 2n, 0, "BinarySI")],
    ["6Gi", dq(6n * KI ** 3n, 0, "BinarySI")],
    ["5Ti", dq(5n * KI ** 4n, 0, "BinarySI")],
    ["4Pi", dq(4n * KI ** 5n, 0, "BinarySI")],
    ["3Ei", dq(3n * KI ** 6n, 0, "BinarySI")],
    ["10Ti", dq(10n * KI ** 4n, 0, "BinarySI")],
    ["100Ti", dq(100n * KI ** 4n, 0, "BinarySI")],
    ["5n", dq(5, -9, "DecimalSI")],
    ["4u", dq(4, -6, "DecimalSI")],
    ["3m", dq(3, -3, "DecimalSI")],
    ["9", dq(9, 0, "DecimalSI")],
    ["8k", dq(8, 3, "DecimalSI")],
    ["50k", dq(5, 4, "DecimalSI")],
    ["7M", dq(7, 6, "DecimalSI")],
    ["6G", dq(6, 9, "DecimalSI")],
    ["5T", dq(5, 12, "DecimalSI")],
    ["40T", dq(4, 13, "DecimalSI")],
    ["300T", dq(3, 14, "DecimalSI")],
    ["2P", dq(2, 15, "DecimalSI")],
    ["1E", dq(1, 18, "DecimalSI")],
    ["1E-3", dq(1, -3, "DecimalExponent")],
    ["1e3", dq(1, 3, "DecimalExponent")],
    ["1E6", dq(1, 6, "DecimalExponent")],
    ["1e9", dq(1, 9, "DecimalExponent")],
    ["1E12", dq(1, 12, "DecimalExponent")],
    ["1e15", dq(1, 15, "DecimalExponent")],
    ["1E18", dq(1, 18, "DecimalExponent")],
    ["1e14", dq(1, 14, "DecimalExponent")],
    ["1e13", dq(1, 13, "DecimalExponent")],
    ["100.035k", dq(100035, 0, "DecimalSI")],
    ["0.001", dq(1, -3, "DecimalSI")],
    ["0.0005k", dq(5, -1, "DecimalSI")],
    ["0.005", dq(5, -3, "DecimalSI")],
    ["0.05", dq(5, -2, "DecimalSI")],
    ["0.5", dq(5, -1, "DecimalSI")],
    ["0.00050k", dq(5, -1, "DecimalSI")],
    ["0.00500", dq(5, -3, "DecimalSI")],
    ["0.05000", dq(5, -2, "DecimalSI")],
    ["0.50000", dq(5, -1, "DecimalSI")],
    ["0.5e0", dq(5, -1, "DecimalExponent")],
    ["0.5e-1", dq(5, -2, "DecimalExponent")],
    ["0.5e-2", dq(5, -3, "DecimalExponent")],
    ["10.035M", dq(10035, 3, "DecimalSI")],
    ["1.2e3", dq(12, 2, "DecimalExponent")],
    ["1.3E+6", dq(13, 5, "DecimalExponent")],
    ["1.40e9", dq(14, 8, "DecimalExponent")],
    ["1.53E12", dq(153, 10, "DecimalExponent")],
    ["1.6e15", dq(16, 14, "DecimalExponent")],
    ["1.7E18", dq(17, 17, "DecimalExponent")],
    ["9.01", dq(901, -2, "DecimalSI")],
    ["8.1k", dq(81, 2, "DecimalSI")],
    ["7.123456M", dq(7123456, 0, "DecimalSI")],
    ["6.987654321G", dq(6987654321, 0, "DecimalSI")],
    ["5.444T", dq(5444, 9, "DecimalSI")],
    ["40.1T", dq(401, 11, "DecimalSI")],
    ["300.2T", dq(3002, 11, "DecimalSI")],
    ["2.5P", dq(25, 14, "DecimalSI")],
    ["1.01E", dq(101, 16, "DecimalSI")],
    // Things that saturate/round
    ["3.001n", dq(4, -9, "DecimalSI")],
    ["1.1E-9", dq(2, -9, "DecimalExponent")],
    ["0.0000000001", dq(1, -9, "DecimalSI")],
    ["0.0000000005", dq(1, -9, "DecimalSI")],
    ["0.00000000050", dq(1, -9, "DecimalSI")],
    ["0.5e-9", dq(1, -9, "DecimalExponent")],
    ["0.9n", dq(1, -9, "DecimalSI")],
    ["0.00000012345", dq(124, -9, "DecimalSI")],
    ["0.00000012354", dq(124, -9, "DecimalSI")],
    ["9Ei", dq(9223372036854775807n, 0, "BinarySI")],
    ["9223372036854775807Ki", dq(9223372036854775807n, 0, "BinarySI")],
    ["12E", dq(12, 18, "DecimalSI")],
    // Fractional binary
    ["100.035Ki", dq(10243584, -2, "BinarySI")],
    ["0.5Mi", dq(512n * KI, 0, "BinarySI")],
    ["0.05Gi", dq(536870912, -1, "BinarySI")],
    ["0.025Ti", dq(274877906944, -1, "BinarySI")],
    // Things written by trolls
    ["0.000000000001Ki", dq(2, -9, "DecimalSI")],
    [".001", dq(1, -3, "DecimalSI")],
    [".0001k", dq(100, -3, "DecimalSI")],
    ["1.", dq(1, 0, "DecimalSI")],
    ["1.G", dq(1, 9, "DecimalSI")],
  ];
  for (const [input, want] of table) {
    const got = parseQuantity(input);
    assert.equal(got.nano, want.nano, `${input}: value`);
    assert.equal(got.format, want.format, `${input}: format`);
    // The negative and explicitly positive versions of everything.
    const neg = parseQuantity("-" + input);
    assert.equal(neg.nano, -want.nano, `-${input}: value`);
    assert.equal(neg.format, want.format, `-${input}: format`);
    const pos = parseQuantity("+" + input);
    assert.equal(pos.nano, want.nano, `+${input}: value`);
    assert.equal(pos.format, want.format, `+${input}: format`);
  }
});

test("invalid quantities are refused with Kubernetes' messages", () => {
  const cases: [string, string][] = [
    ["", quantityErrors.formatWrong],
    ["1.1.M", quantityErrors.formatWrong],
    ["1+1.0M", quantityErrors.formatWrong],
    ["0.1mi", quantityErrors.suffix],
    ["0.1am", quantityErrors.formatWrong],
    ["aoeu", quantityErrors.formatWrong],
    [".5i", quantityErrors.suffix],
    ["1i", quantityErrors.suffix],
    ["-3.01i", quantityErrors.suffix],
    ["-3.01e-", quantityErrors.suffix],
    [" 1", quantityErrors.formatWrong],
    ["1 ", quantityErrors.formatWrong],
    ["1Kib", quantityErrors.formatWrong],
    ["1KI", quantityErrors.formatWrong],
    ["1kb", quantityErrors.formatWrong],
    ["1e", quantityErrors.suffix],
    ["1Mi5", quantityErrors.suffix],
    ["1e99999999999999999999", quantityErrors.suffix],
    ["abc", quantityErrors.formatWrong],
    ["1,5", quantityErrors.formatWrong],
    ["+.e-20", quantityErrors.numeric],
  ];
  for (const [input, msg] of cases) {
    assert.throws(() => parseQuantity(input), (e: unknown) => e instanceof QuantityError && e.message === msg, JSON.stringify(input));
    assert.equal(tryParseQuantity(input), undefined);
  }
  assert.equal(
    quantityErrors.formatWrong,
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  );
  assert.throws(() => parseQuantity(NaN), QuantityError);
  assert.throws(() => parseQuantity(Infinity), QuantityError);
});

test("Kubernetes' lenient scanner reads some odd strings as zero", () => {
  for (const s of ["-", "+", ".", "-.", "00", "Ki", "m", "e3"]) assert.equal(parseQuantity(s).nano, 0n, s);
});

test("absurdly large magnitudes are refused rather than expanded", () => {
  assert.throws(() => parseQuantity("1e999999999"), /quantity is too large/);
  assert.throws(() => parseQuantity("1" + "0".repeat(1200)), /quantity is too large/);
  assert.equal(parseQuantity("0e999999999").nano, 0n);
  // Tiny ones just round up to 1n.
  assert.equal(formatQuantity("1e-999999999"), "1e-9");
  // Go keeps the exponent as an int32: 2^32 wraps to 0.
  assert.equal(parseQuantity("1e4294967296").nano, 1_000_000_000n);
});

test("serialization (TestQuantityString)", () => {
  const table: [Quantity, string, string?][] = [
    [dq(1024n ** 3n, 0, "BinarySI"), "1Gi", "1024Mi"],
    [dq(300n * 1024n ** 2n, 0, "BinarySI"), "300Mi", "307200Ki"],
    [dq(6 * 1024, 0, "BinarySI"), "6Ki"],
    [dq(1001n * 1024n ** 3n, 0, "BinarySI"), "1001Gi", "1025024Mi"],
    [dq(1024n ** 4n, 0, "BinarySI"), "1Ti", "1024Gi"],
    [dq(5, 0, "BinarySI"), "5", "5000m"],
    [dq(500, -3, "BinarySI"), "500m", "0.5"],
    [dq(1, 9, "DecimalSI"), "1G", "1000M"],
    [dq(1000, 6, "DecimalSI"), "1G", "0.001T"],
    [dq(1000000, 3, "DecimalSI"), "1G"],
    [dq(1000000000, 0, "DecimalSI"), "1G"],
    [dq(1, -3, "DecimalSI"), "1m", "1000u"],
    [dq(80, -3, "DecimalSI"), "80m"],
    [dq(1080, -3, "DecimalSI"), "1080m", "1.08"],
    [dq(108, -2, "DecimalSI"), "1080m", "1080000000n"],
    [dq(10800, -4, "DecimalSI"), "1080m"],
    [dq(300, 6, "DecimalSI"), "300M"],
    [dq(1, 12, "DecimalSI"), "1T"],
    [dq(1234567, 6, "DecimalSI"), "1234567M"],
    [dq(1234567, -3, "BinarySI"), "1234567m"],
    [dq(3, 3, "DecimalSI"), "3k"],
    [dq(1025, 0, "BinarySI"), "1025"],
    [dq(0, 0, "DecimalSI"), "0"],
    [dq(0, 0, "BinarySI"), "0"],
    [dq(1, 9, "DecimalExponent"), "1e9", ".001e12"],
    [dq(1, -3, "DecimalExponent"), "1e-3", "0.001e0"],
    [dq(1, -9, "DecimalExponent"), "1e-9", "1000e-12"],
    [dq(80, -3, "DecimalExponent"), "80e-3"],
    [dq(300, 6, "DecimalExponent"), "300e6"],
    [dq(1, 12, "DecimalExponent"), "1e12"],
    [dq(1, 3, "DecimalExponent"), "1e3"],
    [dq(3, 3, "DecimalExponent"), "3e3"],
    [dq(0, 0, "DecimalExponent"), "0", "00"],
    [dq(1, -9, "DecimalSI"), "1n"],
    [dq(80, -9, "DecimalSI"), "80n"],
    [dq(1080, -9, "DecimalSI"), "1080n"],
    [dq(108, -8, "DecimalSI"), "1080n"],
    [dq(10800, -10, "DecimalSI"), "1080n"],
    [dq(1, -6, "DecimalSI"), "1u"],
    [dq(80, -6, "DecimalSI"), "80u"],
    [dq(1080, -6, "DecimalSI"), "1080u"],
  ];
  for (const [q, expect, alternate] of table) {
    assert.equal(formatQuantity(q), expect, `${q.nano}n ${q.format}`);
    // The canonical form parses back to itself, kept verbatim.
    assert.equal(parseQuantity(expect).s, expect, `${expect} kept`);
    if (alternate) {
      assert.equal(parseQuantity(alternate).s, undefined, `${alternate} not kept`);
      assert.equal(formatQuantity(alternate), expect, `${alternate} → ${expect}`);
    }
    if (q.nano !== 0n) assert.equal(formatQuantity({ nano: -q.nano, format: q.format }), "-" + expect);
  }
});

test("parse then emit (TestQuantityParseEmit)", () => {
  const table: [string, string][] = [
    ["1Ki", "1Ki"],
    ["1Mi", "1Mi"],
    ["1Gi", "1Gi"],
    ["1024Mi", "1Gi"],
    ["1000M", "1G"],
    [".001Ki", "1024m"],
    [".000001Ki", "1024u"],
    [".000000001Ki", "1024n"],
    [".000000000001Ki", "2n"],
  ];
  for (const [input, expect] of table) {
    assert.equal(formatQuantity(input), expect, input);
    assert.equal(formatQuantity("-" + input), "-" + expect, "-" + input);
  }
});

test("the everyday cases", () => {
  const table: [string | number, string][] = [
    ["100m", "100m"],
    ["1000m", "1"],
    ["1500m", "1500m"],
    ["0.1", "100m"],
    ["0.5", "500m"],
    ["1.5", "1500m"],
    ["2", "2"],
    ["1Gi", "1Gi"],
    ["512Mi", "512Mi"],
    ["1024Mi", "1Gi"],
    ["1536Mi", "1536Mi"],
    ["2048Ki", "2Mi"],
    ["1.5Gi", "1536Mi"],
    ["1e3", "1e3"],
    ["1e6", "1e6"],
    ["1000e3", "1e6"],
    ["2k", "2k"],
    ["2000", "2k"],
    ["1M", "1M"],
    ["1500000000", "1500M"],
    ["128974848", "128974848"],
    ["129e6", "129e6"],
    ["129M", "129M"],
    ["123Mi", "123Mi"],
    [1, "1"],
    [0.25, "250m"],
    [2048, "2048"],
    // A number reads as JS writes it (a JSON client's own text would be kept).
    [1e21, "1e+21"],
    [0, "0"],
  ];
  for (const [input, expect] of table) assert.equal(formatQuantity(input), expect, String(input));
});

test("Kubernetes keeps some inputs verbatim", () => {
  // The int64 fast path caches the input when it looks canonical enough.
  for (const s of ["+1", "01", "1.500", "1.", "1.G", "1E3", "+1Ki", "1025Mi"]) assert.equal(formatQuantity(s), s);
  for (const [s, c] of [
    ["+1", "1"],
    ["01", "1"],
    ["1.500", "1500m"],
    ["1E3", "1e3"],
    ["+1Ki", "1Ki"],
  ])
    assert.equal(canonicalQuantity(s), c);
  // Not kept: a multiple of 8 of a binary suffix, a trailing 000, a non-multiple-of-3 scale, a leading 0.
  assert.equal(parseQuantity("8Ki").s, undefined);
  assert.equal(parseQuantity("1000").s, undefined);
  assert.equal(parseQuantity("1.5").s, undefined);
  assert.equal(parseQuantity("0.5").s, undefined);
});

test("big values (TestParseQuantity)", () => {
  const table: [string, string?][] = [
    ["-999999999999999999"],
    ["999999999999999999"],
    ["-999999999999999999.0", "-999999999999999999"],
    ["999999999999999999.1", "999999999999999999100m"],
    ["9999999999999999999"],
    ["-1E"],
    ["1000000000000000000", "1E"],
    ["-1.0E", "-1E"],
    ["1000000000000000000.0", "1E"],
    ["9999999999999999999000m", "9999999999999999999"],
    ["9999999999999999999.1", "9999999999999999999100m"],
    ["1.0000000000000000001E", "1000000000000000000100m"],
    ["1.000000000000000001E", "1000000000000000001"],
    ["1000000000000000001"],
    ["10E"],
    ["-10000000000000000000", "-10E"],
    ["10000000000000000000000m", "10E"],
    ["10.0000000000000000001E", "10000000000000000000100m"],
    ["-9223372036854775809"],
    ["9223372036854775806.1", "9223372036854775806100m"],
    ["-9223372036854775808000m", "-9223372036854775808"],
    ["9223372036854775807"],
    ["9223372036854775808"],
  ];
  for (const [input, canonical] of table) assert.equal(formatQuantity(input), canonical ?? input, input);
  // DecimalSI has no suffix beyond E: Kubernetes then drops the suffix (and the value).
  assert.equal(formatQuantity("1000E"), "1");
  assert.equal(toValue("1000E"), 10n ** 21n);
});

test("binary quantities are capped at 2^63-1", () => {
  assert.equal(toValue("9Ei"), 9223372036854775807n);
  assert.equal(toValue("-9Ei"), -9223372036854775807n);
  assert.equal(toValue("8Ei"), 9223372036854775807n, "2^63 is one too many");
  assert.equal(toValue("7Ei"), 7n * 1024n ** 6n);
  assert.equal(formatQuantity("7Ei"), "7Ei");
  assert.equal(formatQuantity("8Ei"), "9223372036854775807");
  assert.equal(formatQuantity("9999999999Gi"), "9223372036854775807");
  // Decimal ones are not.
  assert.equal(toValue("10E"), 10n ** 19n);
});

test("compareQuantity (TestQuantityCmp and friends)", () => {
  assert.equal(compareQuantity("1", "1000m"), 0);
  assert.equal(compareQuantity("1Gi", "1024Mi"), 0);
  assert.equal(compareQuantity("1G", "1Gi"), -1);
  assert.equal(compareQuantity("1Gi", "1G"), 1);
  assert.equal(compareQuantity("900m", "1"), -1);
  assert.equal(compareQuantity("9.01", "9.010"), 0);
  assert.equal(compareQuantity("0.9", "901m"), -1);
  assert.equal(compareQuantity("800m", "790m"), 1);
  assert.equal(compareQuantity("-1", "0"), -1);
  assert.equal(compareQuantity("0", "-0"), 0);
  assert.equal(compareQuantity("1e3", "1k"), 0);
  assert.equal(compareQuantity("9223372036854775807", "1e-1"), 1);
  assert.equal(compareQuantity("-9223372036854775808", "-1"), -1);
  assert.equal(compareQuantity(parseQuantity("250m"), 0.25), 0);
  assert.ok(quantityEquals("128Mi", "134217728"));
  assert.ok(!quantityEquals("128Mi", "128M"));
});

test("addQuantities and subtractQuantity (TestAdd, TestSub)", () => {
  assert.equal(formatQuantity(addQuantities("10", "1e1")), "20");
  assert.equal(addQuantities("10", "1e1").format, "DecimalSI");
  assert.equal(formatQuantity(addQuantities("10", "1Ki")), "1034");
  const binFirst = addQuantities("1Ki", "10");
  assert.equal(binFirst.format, "BinarySI");
  assert.equal(formatQuantity(binFirst), "1034");
  assert.equal(formatQuantity(addQuantities("0", "50")), "50");
  assert.equal(addQuantities("0", "1Mi").format, "BinarySI", "a zero operand takes the other's format");
  assert.equal(formatQuantity(addQuantities("0", "1Mi")), "1Mi");
  assert.equal(formatQuantity(addQuantities()), "0");
  assert.equal(formatQuantity(addQuantities("100m", "200m", "700m")), "1");
  assert.equal(formatQuantity(addQuantities("512Mi", "512Mi")), "1Gi");
  assert.equal(formatQuantity(addQuantities("1.5", "1.5")), "3");
  assert.equal(formatQuantity(addQuantities("+1", "0")), "1", "arithmetic drops the kept text");
  assert.equal(formatQuantity(subtractQuantity("10", "1e1")), "0");
  assert.equal(formatQuantity(subtractQuantity("10", "1")), "9");
  assert.equal(formatQuantity(subtractQuantity("0", "50")), "-50");
  assert.equal(formatQuantity(subtractQuantity("1Gi", "512Mi")), "512Mi");
  assert.equal(formatQuantity(subtractQuantity("1", "250m")), "750m");
  assert.equal(subtractQuantity("0", "1Ki").format, "BinarySI");
});

test("toMilli, toValue and toNumber", () => {
  assert.equal(toMilli("100m"), 100n);
  assert.equal(toMilli("1"), 1000n);
  assert.equal(toMilli("1.5"), 1500n);
  assert.equal(toMilli("2k"), 2_000_000n);
  assert.equal(toMilli("1n"), 1n, "MilliValue rounds up");
  assert.equal(toMilli("1500u"), 2n);
  assert.equal(toMilli("0"), 0n);
  assert.equal(toMilli("-100m"), -100n);
  assert.equal(toValue("1Gi"), 1073741824n);
  assert.equal(toValue("512Mi"), 536870912n);
  assert.equal(toValue("100m"), 1n, "Value rounds up");
  assert.equal(toValue("1Ei"), 1152921504606846976n);
  assert.equal(toValue("1.5"), 2n);
  assert.equal(toNumber("100m"), 0.1);
  assert.equal(toNumber("1.5"), 1.5);
  assert.equal(toNumber("1Gi"), 1073741824);
  assert.equal(toNumber("1n"), 1e-9);
  assert.equal(toNumber("-250m"), -0.25);
  assert.equal(toNumber("0"), 0);
  assert.equal(toNumber("1e3") / toNumber("4k"), 0.25);
});

test("newQuantity and newMilliQuantity", () => {
  assert.equal(formatQuantity(newQuantity(5)), "5");
  assert.equal(formatQuantity(newQuantity(2048, "BinarySI")), "2Ki");
  assert.equal(formatQuantity(newQuantity(1000)), "1k");
  assert.equal(formatQuantity(newQuantity(1000, "DecimalExponent")), "1e3");
  assert.equal(formatQuantity(newMilliQuantity(250)), "250m");
  assert.equal(formatQuantity(newMilliQuantity(2000)), "2");
  assert.equal(formatQuantity(newMilliQuantity(500, "BinarySI")), "500m");
  assert.equal(formatQuantity(newMilliQuantity(5n * 1024n * 1000n, "BinarySI")), "5Ki");
});
