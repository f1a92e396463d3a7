import { test } from "node:test";
import assert from "node:assert/strict";
import { concatBytes, indexOfBytes } from "./bytes.js";

test("concatBytes joins chunks and returns a single chunk as is", () => {
  const one = Uint8Array.of(1);
  assert.equal(concatBytes([one]), one);
  assert.deepEqual(concatBytes([Uint8Array.of(1, 2), new Uint8Array(), Uint8Array.of(3)]), Uint8Array.of(1, 2, 3));
  assert.deepEqual(concatBytes([]), new Uint8Array());
});

test("indexOfBytes finds a sequence, or -1", () => {
  const b = new TextEncoder().encode("a\r\nb\r\n\r\nc");
  assert.equal(indexOfBytes(b, [13, 10]), 1);
  assert.equal(indexOfBytes(b, [13, 10, 13, 10]), 4);
  assert.equal(indexOfBytes(b, [9]), -1);
  assert.equal(indexOfBytes(Uint8Array.of(13), [13, 10]), -1);
});
