// The business settings, each a form ending in the same reason-and-save bar (settings-save.tsx):
// room fees (with the policy's bounds), the skill-game catalogue (settings-games.tsx), tournament
// templates with their schedules (settings-templates.tsx), VIP tiers and skins (settings-vip.tsx);
// the server checks every value and lists each problem;
// the agreement (settings-agreement.tsx) and tournaments (settings-tournaments.tsx). Each save
// names the version it was made against, so two operators never overwrite each other unseen.
import { ApiError, fenToYuan, formatTimeMs, type Lang, type Response, yuanToFen } from '@fairground/web';
import { consoleError } from '../errors.ts';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { AgreementTab } from './settings-agreement.tsx';
import { ChatPhrasesForm } from './settings-chat.tsx';
import { CatalogueForm } from './settings-games.tsx';
import { SaveBar } from './settings-save.tsx';
import { TemplatesForm } from './settings-templates.tsx';
import { VipForm } from './settings-vip.tsx';
import { bpsToPercent, percentToBps, type SettingsT, settingsText } from './settings-i18n.ts';
import { TournamentsTab } from './settings-tournaments.tsx';

export type SettingsView = Response<'GET /api/admin/settings'>;
export type SettingKey = SettingsView['settings'][number]['key'];
export type SettingsTab = 'fees' | 'tournaments' | 'games' | 'vip' | 'agreement' | 'chat';
export const SETTINGS_TABS: readonly SettingsTab[] = ['fees', 'tournaments', 'games', 'vip', 'agreement', 'chat'];

/** A refused save in the operator's language, with the server's list of the values it found out of bounds. */
export const problemText = (lang: Lang, e: unknown): string => {
  const text = consoleError(lang, e);
  const problems = e instanceof ApiError ? (e.details as { problems?: unknown } | undefined)?.problems : undefined;
  return Array.isArray(problems) && problems.length > 0 ? `${text} — ${problems.join('; ')}` : text;
};

export interface SettingsState {
  readonly view: SettingsView | null;
  readonly error: string | null;
  reload(): Promise<void>;
  entry(key: SettingKey): { version: number; value: unknown } | null;
  save(key: SettingKey, value: unknown, reason: string): Promise<number>;
}

export function useSettings(ctx: Ctx): SettingsState {
  const [view, setView] = useState<SettingsView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      setView(await ctx.api.call('GET /api/admin/settings', {}));
      setError(null);
    } catch (e) {
      setError(problemText(ctx.lang, e));
    }
  }, [ctx.api]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const entry = (key: SettingKey) => view?.settings.find((s) => s.key === key) ?? null;
  const save = async (key: SettingKey, value: unknown, reason: string) => {
    const current = entry(key);
    const saved = await ctx.api.call('PUT /api/admin/settings/:key', {
      params: { key },
      body: { expectedVersion: current?.version ?? 0, value, ...(reason.trim() ? { reason: reason.trim() } : {}) },
    });
    await reload();
    return saved.version;
  };
  return { view, error, reload, entry, save };
}

export function SettingsPage({ ctx, tab }: { ctx: Ctx; tab: SettingsTab }) {
  const s = settingsText(ctx.lang);
  const state = useSettings(ctx);
  const label: Record<SettingsTab, string> = {
    fees: s('tabFees'),
    tournaments: s('tabTournaments'),
    games: s('tabGames'),
    vip: s('tabVip'),
    agreement: s('tabAgreement'),
    chat: s('tabChat'),
  };
  return (
    <main data-testid="settings-page" data-tab={tab}>
      <nav class="segmented" aria-label={s('navSettings')}>
        {SETTINGS_TABS.map((x) => (
          <button
            type="button"
            key={x}
            class={x === tab ? 'on' : ''}
            data-testid={`settings-tab-${x}`}
            onClick={() => ctx.navigate(`#/settings/${x}`)}
          >
            {label[x]}
          </button>
        ))}
      </nav>
      {state.error && <p class="error">{s('error', { message: state.error })}</p>}
      {state.view && tab === 'fees' && <FeesTab ctx={ctx} s={s} state={state} />}
      {state.view && tab === 'tournaments' && (
        <>
          <TournamentsTab ctx={ctx} s={s} state={state} />
          <TemplatesForm ctx={ctx} s={s} state={state} />
        </>
      )}
      {state.view && tab === 'games' && <CatalogueForm ctx={ctx} s={s} state={state} />}
      {state.view && tab === 'vip' && <VipForm ctx={ctx} s={s} state={state} />}
      {state.view && tab === 'agreement' && <AgreementTab ctx={ctx} s={s} state={state} />}
      {state.view && tab === 'chat' && <ChatPhrasesForm ctx={ctx} s={s} state={state} />}
    </main>
  );
}

interface Fees {
  basis: 'seat_block';
  roomCardPriceFen: number;
  roomCardsPerSeatPerBlock: number;
  cashFeePerSeatPerBlockFen: number;
  commissionBps: number;
  pointsCoverBpsMax: number;
  defaultPayer: 'owner' | 'aa';
}

/** The fees as the form shows them: yuan and percentages as the operator types them. */
function feeForm(fees: Fees): Record<string, string> {
  return {
    roomCardPrice: fenToYuan(fees.roomCardPriceFen),
    cardsPerSeat: String(fees.roomCardsPerSeatPerBlock),
    cashPerSeat: fenToYuan(fees.cashFeePerSeatPerBlockFen),
    commission: bpsToPercent(fees.commissionBps),
    pointsCover: bpsToPercent(fees.pointsCoverBpsMax),
    defaultPayer: fees.defaultPayer,
  };
}

/** The form read back as fees, or null when an amount or rate does not read. */
function feesFromForm(fees: Fees, form: Record<string, string>): Fees | null {
  const roomCardPriceFen = yuanToFen(form.roomCardPrice ?? '');
  const cashFeePerSeatPerBlockFen = yuanToFen(form.cashPerSeat ?? '');
  const commissionBps = percentToBps(form.commission ?? '');
  const pointsCoverBpsMax = percentToBps(form.pointsCover ?? '');
  const cards = Number(form.cardsPerSeat);
  if (
    roomCardPriceFen === null ||
    cashFeePerSeatPerBlockFen === null ||
    commissionBps === null ||
    pointsCoverBpsMax === null ||
    !Number.isInteger(cards)
  ) {
    return null;
  }
  return {
    ...fees,
    roomCardPriceFen,
    roomCardsPerSeatPerBlock: cards,
    cashFeePerSeatPerBlockFen,
    commissionBps,
    pointsCoverBpsMax,
    defaultPayer: form.defaultPayer === 'aa' ? 'aa' : 'owner',
  };
}

function FeeField(props: { name: string; label: string; form: Record<string, string>; setForm: (form: Record<string, string>) => void }) {
  const { name, form } = props;
  return (
    <label>
      {props.label}
      <input
        data-testid={`fee-${name}`}
        value={form[name] ?? ''}
        onInput={(e) => props.setForm({ ...form, [name]: (e.target as HTMLInputElement).value })}
      />
    </label>
  );
}

/** The commission range the compliance policies allow. */
function FeeBounds({ s, bounds }: { s: SettingsT; bounds: NonNullable<SettingsState['view']>['bounds'] }) {
  return (
    <p class="small" data-testid="fee-bounds">
      {s('bounds', {
        min: `${bpsToPercent(bounds.roomCommissionBpsMin)}%`,
        max: `${bpsToPercent(bounds.roomCommissionBpsMax)}%`,
        policies: bounds.policies.length > 0 ? bounds.policies.join(', ') : s('defaultBounds'),
      })}
    </p>
  );
}

function FeesTab({ ctx, s, state }: { ctx: Ctx; s: SettingsT; state: SettingsState }) {
  const entry = state.entry('room.fees');
  const fees = entry?.value as Fees | undefined;
  const bounds = state.view?.bounds;
  const [form, setForm] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (fees) setForm(feeForm(fees));
  }, [entry?.version]);
  if (!fees || !entry) return null;
  const submit = async (event: Event) => {
    event.preventDefault();
    setNote(null);
    setError(null);
    const value = feesFromForm(fees, form);
    if (value === null) {
      setError(s('amountInvalid'));
      return;
    }
    try {
      const version = await state.save('room.fees', value, reason);
      setNote(s('saved', { version }));
      setReason('');
    } catch (e) {
      setError(problemText(ctx.lang, e));
    }
  };
  return (
    <>
      <form class="card" onSubmit={submit} data-testid="fees-form" data-version={entry.version}>
        <h2>
          {s('feesTitle')} · <span class="muted">{entry.version === 0 ? s('builtIn') : s('version', { version: entry.version })}</span>
        </h2>
        <p class="small muted">{s('feesHint')}</p>
        {bounds && <FeeBounds s={s} bounds={bounds} />}
        <FeeField name="roomCardPrice" label={s('roomCardPrice')} form={form} setForm={setForm} />
        <FeeField name="cardsPerSeat" label={s('cardsPerSeat')} form={form} setForm={setForm} />
        <FeeField name="cashPerSeat" label={s('cashPerSeat')} form={form} setForm={setForm} />
        <FeeField name="commission" label={s('commission')} form={form} setForm={setForm} />
        <FeeField name="pointsCover" label={s('pointsCover')} form={form} setForm={setForm} />
        <label>
          {s('defaultPayer')}
          <select
            data-testid="fee-defaultPayer"
            value={form.defaultPayer}
            onChange={(e) => setForm({ ...form, defaultPayer: (e.target as HTMLSelectElement).value })}
          >
            <option value="owner">{s('payerOwner')}</option>
            <option value="aa">{s('payerAa')}</option>
          </select>
        </label>
        <SaveBar
          s={s}
          reason={reason}
          onReason={setReason}
          label={s('save')}
          reasonTestId="fee-reason"
          saveTestId="fee-save"
          note={note}
          error={error}
        />
      </form>
      <History ctx={ctx} s={s} settingKey="room.fees" version={entry.version} />
    </>
  );
}

type Versions = Response<'GET /api/admin/settings/:key/history'>['versions'];

export function History({ ctx, s, settingKey, version }: { ctx: Ctx; s: SettingsT; settingKey: SettingKey; version: number }) {
  const [versions, setVersions] = useState<Versions>([]);
  useEffect(() => {
    ctx.api.call('GET /api/admin/settings/:key/history', { params: { key: settingKey }, query: { limit: 20 } }).then(
      (r) => setVersions(r.versions),
      () => setVersions([]),
    );
  }, [ctx.api, settingKey, version]);
  return (
    <section class="card" data-testid="settings-history">
      <h3>{s('history')}</h3>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th>#</th>
              <th>{s('who')}</th>
              <th>{s('when')}</th>
              <th>{s('reason')}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version}>
                <td>{v.version === 0 ? s('builtIn') : v.version}</td>
                <td>{v.operatorUsername ?? '—'}</td>
                <td>{v.createdAtMs === null ? '—' : formatTimeMs(v.createdAtMs)}</td>
                <td>{v.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

type Acceptances = Response<'GET /api/admin/players/:playerId/agreements'>;

/** On a player's page: the agreement versions they accepted. */
export function PlayerAgreementsPanel({ ctx, playerId }: { ctx: Ctx; playerId: string }) {
  const s = settingsText(ctx.lang);
  const [data, setData] = useState<Acceptances | null>(null);
  useEffect(() => {
    ctx.api.call('GET /api/admin/players/:playerId/agreements', { params: { playerId } }).then(setData, () => setData(null));
  }, [ctx.api, playerId]);
  if (data === null) return null;
  return (
    <main>
      <section class="card" data-testid="player-agreements">
        <h3>{s('agreementsTitle')}</h3>
        <p class="small muted">{s('agreementsCurrent', { version: data.current })}</p>
        {data.acceptances.length === 0 && <p class="muted">{s('none')}</p>}
        <ul class="list">
          {data.acceptances.map((a) => (
            <li key={`${a.version}-${a.acceptedAtMs}`} data-testid="acceptance" data-version={a.version}>
              {a.version} · {s('acceptedAt')} {formatTimeMs(a.acceptedAtMs)}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
