import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/**
 * Webhook targets must be public: a tenant must not make the orchestrator call its own admin ports, the cloud
 * metadata service or the LAN. Checked when an endpoint is saved and again at every delivery against the address
 * actually connected to (DNS can change between the two: rebinding).
 */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, "ipv6");
}

export type TargetPolicy = {
  /** True when the address may be connected to. */
  isAllowedAddress(address: string): boolean;
  /** Resolves the URL's host and checks every address; answers the first allowed address or a reason. */
  checkUrl(url: string): Promise<{ ok: true; address: string; family: 4 | 6 } | { ok: false; reason: string }>;
};

/** `allow`: IPs or CIDRs ("127.0.0.1/32", "10.0.0.0/8") that are private but explicitly permitted. */
export function createTargetPolicy(allow: string[]): TargetPolicy {
  const allowed = new BlockList();
  for (const entry of allow) {
    const [ip, bits] = entry.split("/");
    const family = ip ? isIP(ip) : 0;
    if (!ip || family === 0) throw new Error(`WEBHOOK_ALLOW_PRIVATE: ${entry} is not an IP or CIDR`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) allowed.addAddress(ip, type);
    else allowed.addSubnet(ip, Number(bits), type);
  }
  const isAllowedAddress = (address: string): boolean => {
    const family = isIP(address);
    if (family === 0) return false;
    const type = family === 4 ? "ipv4" : "ipv6";
    // IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped) return isAllowedAddress(mapped);
    if (allowed.check(address, type)) return true;
    return !FORBIDDEN.check(address, type);
  };
  return {
    isAllowedAddress,
    async checkUrl(url) {
      let host: string;
      try {
        const parsed = new URL(url);
        if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return { ok: false, reason: "only http(s)" };
        if (parsed.username || parsed.password) return { ok: false, reason: "credentials in the URL are not allowed" };
        host = parsed.hostname.replace(/^\[|\]$/g, "");
      } catch {
        return { ok: false, reason: "not a URL" };
      }
      let addresses: { address: string; family: number }[];
      try {
        addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
      } catch {
        return { ok: false, reason: `cannot resolve ${host}` };
      }
      const bad = addresses.find((a) => !isAllowedAddress(a.address));
      if (bad || addresses.length === 0) {
        // Name the setting that allows it: on a private network this refusal is expected, and the fix is one line.
        const allow = bad ? `${bad.address}/${isIP(bad.address) === 6 ? 128 : 32}` : "<ip or CIDR>";
        return {
          ok: false,
          reason:
            `${host} resolves to a private, loopback or reserved address (${bad?.address ?? "none"}); ` +
            `to allow it, add it to WEBHOOK_ALLOW_PRIVATE in the orchestrator's environment (e.g. WEBHOOK_ALLOW_PRIVATE=${allow})`,
        };
      }
      const first = addresses[0] as { address: string; family: number };
      return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 };
    },
  };
}
