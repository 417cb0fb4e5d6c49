// The time-stamping authority tests bind to the notary port: the real RFC 3161 client against a
// local TSA on a loopback port of the test process. The TSA starts on the first time-stamp request
// (most tests never finish a hand, and never ask), and does not keep the test process alive.
import { assert, type Clock } from '@fairground/core';
import { startTsaSandbox, type TsaSandbox } from '@fairground/timestamp';
import { rfc3161Authority, type TimestampAuthority } from '../../src/notary/index.ts';

export function localTsaAuthority(tsa: TsaSandbox, clock: Clock, timeoutMs = 10_000): TimestampAuthority {
  return rfc3161Authority({ url: tsa.url, chainPem: tsa.chainPem, timeoutMs, clock });
}

/** A local TSA started on first use, with the same clock as the platform (genTime is checked against it). */
export function lazyLocalTsa(clock: Clock): TimestampAuthority {
  let started: Promise<{ tsa: TsaSandbox; authority: TimestampAuthority }> | null = null;
  let ready: { tsa: TsaSandbox; authority: TimestampAuthority } | null = null;
  const start = () => {
    started ??= startTsaSandbox({ clock, unref: true }).then((tsa) => {
      ready = { tsa, authority: localTsaAuthority(tsa, clock) };
      return ready;
    });
    return started;
  };
  const must = () => {
    assert(ready !== null, 'the local TSA is read after its first time-stamp');
    return ready;
  };
  return {
    get url() {
      return ready?.tsa.url ?? 'local TSA (starts on the first time-stamp)';
    },
    get chainPem() {
      return must().tsa.chainPem;
    },
    get trustAnchorsPem() {
      return must().tsa.caCertPem;
    },
    timestamp: async (digest) => (await start()).authority.timestamp(digest),
  };
}
