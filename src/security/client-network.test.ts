import { describe, expect, it } from 'vitest';
import { clientNetwork } from './client-network.ts';

describe('clientNetwork', () => {
  it('counts an IPv4 address on its own', () => {
    expect(clientNetwork('203.0.113.7')).toBe('203.0.113.7');
    expect(clientNetwork('203.0.113.8')).toBe('203.0.113.8');
  });

  it('counts every address of an IPv6 /64 as one, however it is written', () => {
    const network = clientNetwork('2001:db8:1:2::1');
    expect(network).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe(network);
    expect(clientNetwork('2001:DB8:1:2:abcd::9')).toBe(network);
    expect(clientNetwork('2001:db8:1:3::1')).not.toBe(network);
    expect(clientNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientNetwork('1::')).toBe('1:0:0:0::/64');
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
    expect(clientNetwork('::')).toBe('0:0:0:0::/64');
    expect(clientNetwork('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  // Written any of the ways IPv6 allows, an address that carries an IPv4 address is that address:
  // otherwise every client behind a translator (or a proxy writing the hex form) would share one.
  it('counts an IPv6 address that carries an IPv4 address as that IPv4 address', () => {
    for (const written of [
      '::ffff:203.0.113.7',
      '::FFFF:cb00:7107',
      '0:0:0:0:0:ffff:203.0.113.7',
      '0000:0000:0000:0000:0000:ffff:cb00:7107',
      '::203.0.113.7',
      '64:ff9b::203.0.113.7',
      '64:ff9b::cb00:7107',
      '::ffff:0:203.0.113.7',
    ]) {
      expect(clientNetwork(written), written).toBe('203.0.113.7');
    }
    expect(clientNetwork('::ffff:1:203.0.113.7')).toBe('0:0:0:0::/64');
    expect(clientNetwork('64:ff9b:1::203.0.113.7')).toBe('64:ff9b:1:0::/64');
  });

  it('leaves what is no address as it is', () => {
    expect(clientNetwork('unknown')).toBe('unknown');
  });
});
