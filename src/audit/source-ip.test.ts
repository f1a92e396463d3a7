import { test } from "node:test";
import assert from "node:assert/strict";
import { sourceIpOf } from "./source-ip.js";

const req = (headers: Record<string, string>, cf?: unknown) => Object.assign(new Request("https://x/api", { headers }), cf === undefined ? {} : { cf });

test("the source IP comes from Cloudflare's or a proxy's header, else from the peer workerd saw", () => {
  assert.equal(sourceIpOf(req({ "cf-connecting-ip": "203.0.113.9" }, { clientIp: "127.0.0.1:5000" })), "203.0.113.9");
  assert.equal(sourceIpOf(req({ "x-forwarded-for": "198.51.100.1, 10.0.0.1" })), "198.51.100.1");
  assert.equal(sourceIpOf(req({ "x-real-ip": "198.51.100.2" })), "198.51.100.2");
  assert.equal(sourceIpOf(req({}, { clientIp: "127.0.0.1:35730" })), "127.0.0.1");
  assert.equal(sourceIpOf(req({}, { clientIp: "[::1]:443" })), "::1");
  assert.equal(sourceIpOf(req({}, { country: "NL" })), "");
  assert.equal(sourceIpOf(req({})), "");
});
