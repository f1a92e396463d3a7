import { test } from "node:test";
import assert from "node:assert/strict";
import { forEachLine, mapLines, readLines } from "./lines.js";

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(ch);
      c.close();
    },
  });
}

const bytes = new TextEncoder().encode('{"a":"é"}\n\n{"b":2}\nlast');
const cut = bytes.indexOf(0xc3) + 1; // between the two bytes of é
const chunks = () => [bytes.slice(0, cut), bytes.slice(cut, cut + 5), bytes.slice(cut + 5)];

test("readLines reassembles lines cut anywhere, including inside a UTF-8 character, and skips blank ones", async () => {
  const lines: string[] = [];
  for await (const l of readLines(streamOf(chunks()))) lines.push(l);
  assert.deepEqual(lines, ['{"a":"é"}', '{"b":2}', "last"]);
});

test("forEachLine gives the same lines from a reader the caller holds", async () => {
  const lines: string[] = [];
  await forEachLine(streamOf(chunks()).getReader(), (l) => lines.push(l));
  assert.deepEqual(lines, ['{"a":"é"}', '{"b":2}', "last"]);
});

test("readLines stops when its signal aborts", async () => {
  const ac = new AbortController();
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode("one\n"));
    },
    cancel() {
      cancelled = true;
    },
  });
  const seen: string[] = [];
  for await (const l of readLines(body, ac.signal)) {
    seen.push(l);
    ac.abort();
  }
  assert.deepEqual(seen, ["one"]);
  assert.equal(cancelled, true);
});

test("mapLines rewrites whole lines however the chunks cut them, the last one unterminated too", async () => {
  const enc = new TextEncoder();
  const bytes = enc.encode('{"a":1}\n{"a":"é"}\n\n{"a":3}');
  // Cut mid-line and mid-character.
  const chunks = [bytes.slice(0, 3), bytes.slice(3, 15), bytes.slice(15)];
  const out = mapLines(streamOf(chunks), (l) => l.toUpperCase());
  assert.equal(await new Response(out).text(), '{"A":1}\n{"A":"É"}\n{"A":3}\n');
});
