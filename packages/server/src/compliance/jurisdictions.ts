// The policies loaded at start and which one applies to a player. The default policy (from
// FAIRGROUND_POLICY_FILE) covers everyone no other policy claims; each further file covers the
// countries its jurisdiction lists, and the verified residents of `residentsOf` wherever they are.
// Precedence: an operator's override for the player, then the verified identity, then the region
// of the address the player connects from, then the default.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Region } from './geo.ts';
import { POLICIES_MAX } from './limits.ts';
import { loadPolicyFile, type Policy, PolicyError } from './policy.ts';

export type SelectionBasis = 'override' | 'identity' | 'region' | 'default';

export interface Selection {
  readonly policy: Policy;
  readonly basis: SelectionBasis;
}

/** The code an operator names to pick a policy: its jurisdiction code, or its name when it has none. */
export function jurisdictionCode(p: Policy): string {
  return p.jurisdiction?.code ?? p.name;
}

export class PolicySet {
  readonly default: Policy;
  readonly #all: readonly Policy[];

  constructor(defaultPolicy: Policy, others: readonly Policy[] = [], sourceOf: (p: Policy) => string = (p) => p.name) {
    const all = [defaultPolicy, ...others.filter((p) => p !== defaultPolicy && p.name !== defaultPolicy.name)];
    if (all.length > POLICIES_MAX) throw new PolicyError(sourceOf(all[POLICIES_MAX]!), '/', `more than ${POLICIES_MAX} policies`);
    const codes = new Map<string, Policy>();
    const countries = new Map<string, Policy>();
    for (const p of all) {
      const code = jurisdictionCode(p);
      const clash = codes.get(code);
      if (clash) throw new PolicyError(sourceOf(p), '/jurisdiction/code', `${code} is also the code of policy ${clash.name}`);
      codes.set(code, p);
      for (const c of p.jurisdiction?.countries ?? []) {
        const owner = countries.get(c);
        if (owner) throw new PolicyError(sourceOf(p), '/jurisdiction/countries', `${c} is also claimed by policy ${owner.name}`);
        countries.set(c, p);
      }
    }
    this.default = defaultPolicy;
    this.#all = all;
  }

  all(): readonly Policy[] {
    return this.#all;
  }

  byCode(code: string): Policy | undefined {
    return this.#all.find((p) => jurisdictionCode(p) === code || p.name === code);
  }

  select(o: { readonly override: string | null; readonly identityCountry: string | null; readonly region: Region | null }): Selection {
    if (o.override !== null) {
      const p = this.byCode(o.override);
      // An override naming a policy that is no longer loaded (a configuration change: unknown codes
      // are refused when set) is ignored and the usual order applies.
      if (p) return { policy: p, basis: 'override' };
    }
    if (o.identityCountry !== null) {
      const p = this.#all.find((x) => x.jurisdiction?.residentsOf?.includes(o.identityCountry!));
      if (p) return { policy: p, basis: 'identity' };
    }
    if (o.region !== null) {
      const p = this.#all.find((x) => x.jurisdiction?.countries.includes(o.region!.country));
      if (p) return { policy: p, basis: 'region' };
    }
    return { policy: this.default, basis: 'default' };
  }
}

/** Loads every `*.json` in a folder (one file per jurisdiction), in name order. */
export function loadPolicyDir(dir: string): { policy: Policy; file: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch (e) {
    throw new PolicyError(dir, '/', `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (names.length > POLICIES_MAX) throw new PolicyError(dir, '/', `holds more than ${POLICIES_MAX} policy files`);
  return names.sort().map((n) => {
    const file = join(dir, n);
    return { policy: loadPolicyFile(file), file };
  });
}

/** The default policy plus a folder's policies, checked together (codes and countries claimed once). */
export function loadPolicySet(defaultFile: string, dir: string | undefined): PolicySet {
  const files = new Map<Policy, string>();
  const def = loadPolicyFile(defaultFile);
  files.set(def, defaultFile);
  const others = dir === undefined ? [] : loadPolicyDir(dir);
  for (const o of others) files.set(o.policy, o.file);
  return new PolicySet(
    def,
    others.map((o) => o.policy),
    (p) => files.get(p) ?? p.name,
  );
}
