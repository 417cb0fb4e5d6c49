// The health notice (健康游戏忠告) where the policy asks for it: the sign-in page (the default
// policy's, before anyone is signed in) and the room creation page (the signed-in player's own
// policy). Rooms embed it as <HealthNotice api={api} lang={lang} at="room_creation" />.
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient, Response } from '../shared/api.ts';
import type { Lang } from '../shared/i18n.ts';

type Notice = NonNullable<Response<'GET /api/compliance/health-notice'>['notice']>;

export function HealthNotice({ api, lang, at }: { api: ApiClient; lang: Lang; at: 'login' | 'room_creation' }) {
  const [notice, setNotice] = useState<Notice | null>(null);
  useEffect(() => {
    const load =
      at === 'login' || !api.signedIn ? api.call('GET /api/compliance/health-notice', {}) : api.call('GET /api/me/health-notice', {});
    load.then((r) => setNotice(r.notice?.showAt.includes(at) ? r.notice : null)).catch(() => setNotice(null));
  }, [api, at]);
  if (notice === null) return null;
  return (
    <aside class="card health-notice" data-testid="health-notice" role="note">
      <strong>{notice.title[lang]}</strong>
      <p class="small">{notice.text[lang]}</p>
    </aside>
  );
}
