import { describe, expect, it } from 'vitest';
import { IpAllowlist, parseIpRule } from './ip-allowlist.ts';

describe('parseIpRule', () => {
  it.each([
    ['203.0.113.7', { address: '203.0.113.7', family: 'ipv4', prefix: 32 }],
    ['10.0.0.0/8', { address: '10.0.0.0', family: 'ipv4', prefix: 8 }],
    ['0.0.0.0/0', { address: '0.0.0.0', family: 'ipv4', prefix: 0 }],
    ['2001:db8::1', { address: '2001:db8::1', family: 'ipv6', prefix: 128 }],
    ['2001:db8::/32', { address: '2001:db8::', family: 'ipv6', prefix: 32 }],
    ['::/0', { address: '::', family: 'ipv6', prefix: 0 }],
  ])('reads %s', (text, rule) => {
    expect(parseIpRule(text)).toEqual(rule);
  });

  it.each([
    '',
    'localhost',
    '10.0.0.0/33',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    '10.0.0.0/ 8',
    '10.0.0.256',
    '01.2.3.4',
    '2001:db8::/129',
    'fe80::1%eth0',
    '2001:db8::/0x10',
    ' 10.0.0.1',
  ])('refuses %j', (text) => {
    expect(parseIpRule(text)).toBeUndefined();
  });
});

describe('IpAllowlist', () => {
  const list = IpAllowlist.fromText(['10.0.0.0/8', '203.0.113.7', '2001:db8::/32', '::1']);

  it('allows addresses inside its IPv4 and IPv6 blocks', () => {
    for (const ip of [
      '10.0.0.1',
      '10.255.255.255',
      '203.0.113.7',
      '2001:db8::1',
      '2001:db8:ffff::9',
      '::1',
    ]) {
      expect(list.allows(ip), ip).toBe(true);
    }
  });

  it('refuses addresses outside them', () => {
    for (const ip of ['11.0.0.1', '9.255.255.255', '203.0.113.8', '2001:db9::1', '::2', '127.0.0.1']) {
      expect(list.allows(ip), ip).toBe(false);
    }
  });

  it('matches IPv4-mapped IPv6 clients against IPv4 rules', () => {
    expect(list.allows('::ffff:10.1.2.3')).toBe(true);
    expect(list.allows('::ffff:11.1.2.3')).toBe(false);
  });

  it('refuses what is not an address, and everything when empty', () => {
    expect(list.allows('')).toBe(false);
    expect(list.allows('not-an-ip')).toBe(false);
    expect(IpAllowlist.fromText([]).allows('10.0.0.1')).toBe(false);
  });
});
