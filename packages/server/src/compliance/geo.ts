// Where a player connects from. Operator overrides (CIDR ranges mapped to a country or a
// subdivision) come first: private and loopback networks, a company VPN, a range a regulator
// named. Then the geoip-country database, which ships inside the package (no network at run
// time). It knows countries only, so a subdivision (a US state) comes from an override or stays
// unknown, and a policy says what unknown means.
import { createRequire } from 'node:module';
import { BlockList, isIP } from 'node:net';
import { GEO_OVERRIDES_MAX } from './limits.ts';

export interface Region {
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  /** ISO 3166-2 (`US-TX`), when known. */
  readonly subdivision: string | null;
  readonly source: 'override' | 'database';
}

export interface GeoOverride {
  readonly cidr: string;
  /** `CN` or `US-TX`. */
  readonly region: string;
}

const REGION_PATTERN = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

/** Parses `127.0.0.0/8=CN,10.0.0.0/8=US-TX`; throws naming the first bad entry. */
export function parseGeoOverrides(text: string): GeoOverride[] {
  const out: GeoOverride[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [cidr, region, extra] = entry.split('=');
    if (cidr === undefined || region === undefined || extra !== undefined) throw new Error(`"${entry}" is not CIDR=REGION`);
    const [address, prefixText] = cidr.split('/');
    const family = isIP(address ?? '');
    const prefix = Number(prefixText);
    if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128) || !/^[0-9]+$/.test(prefixText ?? ''))
      throw new Error(`"${cidr}" is not a CIDR range`);
    if (!REGION_PATTERN.test(region)) throw new Error(`"${region}" is not a country (CN) or subdivision (US-TX) code`);
    out.push({ cidr, region });
    if (out.length > GEO_OVERRIDES_MAX) throw new Error(`at most ${GEO_OVERRIDES_MAX} overrides`);
  }
  return out;
}

type Lookup = (ip: string) => { country: string } | null;

let database: Lookup | null = null;
/** The packaged database, loaded on first use (it reads a few megabytes). */
function databaseLookup(): Lookup {
  if (database === null) {
    const geoip = createRequire(import.meta.url)('geoip-country') as { lookup(ip: string): { country: string } | null };
    database = (ip) => geoip.lookup(ip);
  }
  return database;
}

function normalize(ip: string): string {
  const mapped = /^::ffff:([0-9.]+)$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

export class Geo {
  readonly #ranges: { readonly list: BlockList; readonly region: Region }[];
  readonly #lookup: Lookup;

  constructor(overrides: readonly GeoOverride[] = [], lookup?: Lookup) {
    this.#lookup = lookup ?? databaseLookup();
    this.#ranges = overrides.map((o) => {
      const [address, prefix] = o.cidr.split('/') as [string, string];
      const list = new BlockList();
      list.addSubnet(address, Number(prefix), isIP(address) === 6 ? 'ipv6' : 'ipv4');
      const [country, sub] = o.region.split('-');
      return { list, region: { country: country!, subdivision: sub === undefined ? null : o.region, source: 'override' as const } };
    });
  }

  /** The region of an address, or null when neither an override nor the database knows it. */
  lookup(ip: string): Region | null {
    const address = normalize(ip);
    const family = isIP(address);
    if (family === 0) return null;
    for (const r of this.#ranges) if (r.list.check(address, family === 6 ? 'ipv6' : 'ipv4')) return r.region;
    const hit = this.#lookup(address);
    return hit && REGION_PATTERN.test(hit.country) ? { country: hit.country, subdivision: null, source: 'database' } : null;
  }
}
