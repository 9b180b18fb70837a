import { isIPv4, isIPv6 } from 'node:net';

/**
 * The network a per-address limit counts a client under: an IPv4 address on its own, an IPv6
 * address by its /64 (one subscriber's or host's network: anyone holding one has 2^64 addresses to
 * rotate through). An IPv6 address that carries an IPv4 address in its last 32 bits — mapped
 * (`::ffff:0:0/96`, however written), translated (`::ffff:0:0:0/96`), IPv4-compatible (`::/96`) or
 * NAT64 (`64:ff9b::/96`) — is
 * counted as that IPv4 address, so clients behind a translator do not share one allowance.
 * Anything else is counted as written.
 */
export function clientNetwork(ip: string): string {
  const address = ip.includes('%') ? ip.slice(0, ip.indexOf('%')) : ip;
  if (isIPv4(address) || !isIPv6(address)) return address;
  const groups = ipv6Groups(address);
  if (carriesIpv4(groups)) {
    const high = groups[6]!;
    const low = groups[7]!;
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** Whether the first 96 bits are a prefix that embeds an IPv4 address in the last 32. */
function carriesIpv4(groups: readonly number[]): boolean {
  const [a, b, c, d, e, f] = groups;
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return true;
  if (a !== 0 || b !== 0 || c !== 0 || d !== 0) return false;
  // ::ffff:0:a.b.c.d (translated, SIIT)
  if (e === 0xffff) return f === 0;
  if (e !== 0) return false;
  // ::ffff:a.b.c.d (mapped); ::a.b.c.d (IPv4-compatible), but not :: or ::1, which are IPv6's own.
  return f === 0xffff || (f === 0 && (groups[6] !== 0 || groups[7]! > 1));
}

/** The eight 16-bit groups of a valid IPv6 address (`isIPv6` holds), an IPv4 tail as two. */
function ipv6Groups(address: string): number[] {
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [parseInt(group, 16)];
          const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
          return [(a << 8) | b, (c << 8) | d];
        });
  const gap = address.indexOf('::');
  if (gap < 0) return parse(address);
  const head = parse(address.slice(0, gap));
  const tail = parse(address.slice(gap + 2));
  return [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
