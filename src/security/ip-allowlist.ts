import { BlockList, isIP } from 'node:net';

/** One allowlist entry as written: an address (`203.0.113.7`, `2001:db8::1`) or a CIDR block. */
export interface IpRule {
  address: string;
  family: 'ipv4' | 'ipv6';
  prefix: number;
}

/**
 * Reads `address` or `address/prefix`, IPv4 or IPv6; undefined when it is neither. Zone ids
 * (`fe80::1%eth0`) are refused: they name an interface of one machine, not a client.
 */
export function parseIpRule(text: string): IpRule | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const version = address.includes('%') ? 0 : isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const bits = version === 4 ? 32 : 128;
  if (slash < 0) return { address, family, prefix: bits };
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= bits ? { address, family, prefix } : undefined;
}

/** The addresses an API key may be used from. IPv4-mapped IPv6 clients (`::ffff:a.b.c.d`) match IPv4 rules. */
export class IpAllowlist {
  readonly #list = new BlockList();

  constructor(rules: readonly IpRule[]) {
    for (const rule of rules) this.#list.addSubnet(rule.address, rule.prefix, rule.family);
  }

  /** Parses stored rules; an unreadable one is skipped (validation at write time keeps them out). */
  static fromText(rules: readonly string[]): IpAllowlist {
    return new IpAllowlist(rules.flatMap((rule) => parseIpRule(rule) ?? []));
  }

  allows(ip: string): boolean {
    const version = isIP(ip);
    if (version === 0) return false;
    return this.#list.check(ip, version === 4 ? 'ipv4' : 'ipv6');
  }
}
