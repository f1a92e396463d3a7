/**
 * Who sent a request: Cloudflare's CF-Connecting-IP, a proxy's headers, else
 * the peer workerd saw (request.cf.clientIp, "ip:port", when it serves the
 * Worker on its own socket locally).
 */
export function sourceIpOf(req: Request): string {
  const h = req.headers;
  const header = h.get("cf-connecting-ip") ?? h.get("x-forwarded-for")?.split(",")[0].trim() ?? h.get("x-real-ip");
  if (header) return header;
  const peer = (req as { cf?: { clientIp?: unknown } }).cf?.clientIp;
  if (typeof peer !== "string") return "";
  const m = /^\[(.+)\]:\d+$/.exec(peer) ?? /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(peer);
  return m ? m[1] : peer;
}
