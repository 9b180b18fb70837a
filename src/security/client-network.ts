import { isIPv4, isIPv6 } from 'node:net';

/**
 * The network a per-address limit counts a client under: an IPv4 address on its own, an IPv6
 * address by its /64 (one subscriber's or host's network: anyone holding one has 2^64 addresses to
 * rotate through), an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as its IPv4 address. Anything else
 * is counted as written.
 */
export function clientNetwork(ip: string): string {
  const address = ip.includes('%') ? ip.slice(0, ip.indexOf('%')) : ip;
  if (isIPv4(address) || !isIPv6(address)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  return `${firstGroups(address, 4).join(':')}::/64`;
}

/** The first `count` 16-bit groups of an IPv6 address, each without leading zeros. */
function firstGroups(address: string, count: number): string[] {
  const gap = address.indexOf('::');
  const head = (gap < 0 ? address : address.slice(0, gap)).split(':').filter((group) => group !== '');
  const tail =
    gap < 0
      ? []
      : address
          .slice(gap + 2)
          .split(':')
          .filter((group) => group !== '');
  // An embedded IPv4 tail (`::1.2.3.4`) is two groups.
  const tailGroups = tail.length > 0 && tail.at(-1)!.includes('.') ? tail.length + 1 : tail.length;
  const groups = [...head, ...Array<string>(Math.max(0, 8 - head.length - tailGroups)).fill('0'), ...tail];
  return groups
    .slice(0, count)
    .map((group) => (group.includes('.') ? group : parseInt(group, 16).toString(16)));
}
