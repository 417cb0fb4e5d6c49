// Ports bound to stand-ins: a banner on every page, so nobody mistakes a rehearsal for the real thing.
import type { ApiClient, Lang } from '@fairground/web';
import { useEffect, useState } from 'preact/hooks';
import type { Operator } from './app.tsx';
import { portName, type translator } from './i18n.ts';

/** The ports bound to stand-ins, asked once an operator is signed in. */
export function useStandIns(api: ApiClient, operator: Operator | null): string[] {
  const [standIns, setStandIns] = useState<string[]>([]);
  useEffect(() => {
    if (operator === null) return;
    api.call('GET /api/admin/platform', {}).then(
      (p) => setStandIns(p.ports.filter((x) => x.standIn).map((x) => x.port)),
      () => setStandIns([]),
    );
  }, [api, operator]);
  return standIns;
}

export function StandInBanner({ t, lang, standIns }: { t: ReturnType<typeof translator>; lang: Lang; standIns: string[] }) {
  if (standIns.length === 0) return null;
  return (
    <p class="banner" role="status" data-testid="standin-banner">
      {t('standInBanner', { ports: standIns.map((x) => portName(t, x)).join(lang === 'zh' ? '、' : ', ') })}
    </p>
  );
}
