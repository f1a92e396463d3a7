import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeBody, decodeObject } from "./codec.js";
import { ApiError } from "./status.js";

const is400 = (e: unknown) => e instanceof ApiError && e.code === 400;

test("decodes JSON and YAML", () => {
  assert.deepEqual(decodeBody('{"a":1}', "application/json"), { a: 1 });
  assert.deepEqual(decodeBody("a: 1\nb: [x]\n", "application/yaml"), { a: 1, b: ["x"] });
});

test("malformed bodies are 400s", () => {
  assert.throws(() => decodeBody("{nope", "application/json"), is400);
  assert.throws(() => decodeBody("a: [1,", "application/yaml"), is400);
  assert.throws(() => decodeBody("", "application/json"), is400);
  assert.throws(() => decodeBody("a: 1\na: 2\n", "application/yaml"), is400);
  assert.throws(() => decodeObject("[1,2]", "application/json"), is400);
  assert.throws(() => decodeObject("null", "application/json"), is400);
});

test("YAML alias bombs are refused", () => {
  const bomb = ["a: &a [x,x,x,x,x,x,x,x,x,x]"];
  for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
  assert.throws(() => decodeBody(bomb.join("\n"), "application/yaml"), is400);
});
