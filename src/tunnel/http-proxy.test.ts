/** The proxy subresources' HTTP/1.1 client: the request head it writes, and responses parsed from bytes cut anywhere. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { HttpParseError, ResponseReader, requestHead, splitSchemeNamePort, type ResponseHead } from "./http-proxy.js";

const enc = (s: string) => new TextEncoder().encode(s);

function parse(method: string, raw: string, cut = 0, close = false) {
  const got: { head?: ResponseHead; body: string; done: boolean } = { body: "", done: false };
  const r = new ResponseReader(method, {
    head: (h) => (got.head = h),
    body: (b) => (got.body += new TextDecoder().decode(b)),
    done: () => (got.done = true),
  });
  const bytes = enc(raw);
  if (cut) for (let at = 0; at < bytes.length; at += cut) r.push(bytes.subarray(at, at + cut));
  else r.push(bytes);
  if (close) r.end();
  return got;
}

test("the request head: method, path, Host, Connection: close; hop-by-hop and the caller's credentials dropped", () => {
  const head = new TextDecoder().decode(
    requestHead({
      method: "POST",
      path: "/a/b?x=1",
      host: "web:8080",
      bodyLength: 3,
      headers: [
        ["authorization", "Bearer secret"],
        ["connection", "keep-alive"],
        ["x-custom", "yes"],
        ["x-evil", "a\r\nInjected: 1"],
        ["content-length", "999"],
      ],
    }),
  );
  assert.equal(head, "POST /a/b?x=1 HTTP/1.1\r\nHost: web:8080\r\nConnection: close\r\nx-custom: yes\r\nContent-Length: 3\r\n\r\n");
  assert.doesNotMatch(new TextDecoder().decode(requestHead({ method: "GET", path: "/", host: "h", bodyLength: 0, headers: [] })), /Content-Length/);
});

test("Content-Length, chunked and close-delimited bodies, cut at every size", () => {
  const chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: x\r\n\r\n";
  const sized = "HTTP/1.1 201 Created\r\nContent-Length: 11\r\n\r\nhello world";
  for (const cut of [0, 1, 2, 3, 7, 13]) {
    const c = parse("GET", chunked, cut);
    assert.deepEqual([c.head?.status, c.body, c.done], [200, "hello, world", true], `chunked, cut ${cut}`);
    assert.deepEqual(c.head?.headers, [
      ["Transfer-Encoding", "chunked"],
      ["X-A", "1"],
    ]);
    const s = parse("POST", sized, cut);
    assert.deepEqual([s.head?.status, s.head?.statusText, s.body, s.done], [201, "Created", "hello world", true], `sized, cut ${cut}`);
  }
  const closeDelimited = parse("GET", "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<p>until the end", 4);
  assert.equal(closeDelimited.done, false);
  assert.equal(closeDelimited.body, "<p>until the end");
  assert.equal(parse("GET", "HTTP/1.0 200 OK\r\n\r\nx", 0, true).done, true);
});

test("no body for HEAD, 204 and 304; interim 100 Continue skipped", () => {
  assert.deepEqual(parse("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n").done, true);
  assert.deepEqual(parse("GET", "HTTP/1.1 204 No Content\r\n\r\n").done, true);
  const c = parse("POST", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 5);
  assert.deepEqual([c.head?.status, c.body, c.done], [200, "ok", true]);
});

test("malformed or truncated responses are errors", () => {
  assert.throws(() => parse("GET", "SSH-2.0-OpenSSH\r\n\r\n"), HttpParseError);
  assert.throws(() => parse("GET", "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"), /malformed header/);
  assert.throws(() => parse("GET", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 0, true), /before the end of the response body/);
  assert.throws(() => parse("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), /invalid chunk size/);
  assert.throws(() => parse("GET", "HTTP/1.1 200", 0, true), /before a complete response head/);
});

test("proxied names: [scheme:]name[:port]", () => {
  assert.deepEqual(splitSchemeNamePort("web"), { scheme: "", name: "web", port: "" });
  assert.deepEqual(splitSchemeNamePort("web:http"), { scheme: "", name: "web", port: "http" });
  assert.deepEqual(splitSchemeNamePort("https:web:443"), { scheme: "https", name: "web", port: "443" });
  assert.equal(splitSchemeNamePort("ftp:web:21"), undefined);
  assert.equal(splitSchemeNamePort("a:b:c:d"), undefined);
  assert.equal(splitSchemeNamePort(":80"), undefined);
});
