// Geolocation: operator overrides for loopback and private ranges, the packaged database for
// public ranges (no network), and unknown addresses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Geo, parseGeoOverrides } from '../../src/compliance/index.ts';

describe('geo', () => {
  const geo = new Geo(parseGeoOverrides('127.0.0.0/8=CN, 10.0.0.0/8=US-TX, 192.168.0.0/16=US-TN, ::1/128=CN'));
  it('maps loopback and private ranges through the operator overrides, subdivisions included', () => {
    assert.deepEqual(geo.lookup('127.0.0.1'), { country: 'CN', subdivision: null, source: 'override' });
    assert.deepEqual(geo.lookup('::ffff:127.0.0.1'), { country: 'CN', subdivision: null, source: 'override' });
    assert.deepEqual(geo.lookup('::1'), { country: 'CN', subdivision: null, source: 'override' });
    assert.deepEqual(geo.lookup('10.20.30.40'), { country: 'US', subdivision: 'US-TX', source: 'override' });
    assert.deepEqual(geo.lookup('192.168.1.9'), { country: 'US', subdivision: 'US-TN', source: 'override' });
  });
  it('finds countries of known public ranges in the packaged database', () => {
    assert.deepEqual(geo.lookup('1.0.1.1'), { country: 'CN', subdivision: null, source: 'database' });
    assert.deepEqual(geo.lookup('114.114.114.114'), { country: 'CN', subdivision: null, source: 'database' });
    assert.deepEqual(geo.lookup('8.8.8.8'), { country: 'US', subdivision: null, source: 'database' });
    assert.deepEqual(geo.lookup('2001:da8::1'), { country: 'CN', subdivision: null, source: 'database' });
  });
  it('knows nothing of documentation ranges, unmapped private ranges or garbage', () => {
    assert.equal(geo.lookup('203.0.113.5'), null);
    assert.equal(new Geo().lookup('127.0.0.1'), null);
    assert.equal(geo.lookup('not an address'), null);
  });
  it('refuses malformed overrides, naming the entry', () => {
    assert.throws(() => parseGeoOverrides('127.0.0.0/33=CN'), /CIDR/);
    assert.throws(() => parseGeoOverrides('127.0.0.0/8=China'), /country/);
    assert.throws(() => parseGeoOverrides('127.0.0.0/8'), /CIDR=REGION/);
  });
});
