// Real-name journeys in headless Chromium against the real platform process (`main.ts` in
// development: the real NPPA client against the NPPA sandbox peer in its process). A player on a
// 320 px and a 375 px phone submits their identity: a mismatch is refused and says what to do;
// while the state system is not answering the page shows "being checked" with why and that
// nothing needs doing; an operator sees the waiting submission in the console, queries it now,
// and the player's page turns verified (in Chinese and English). A minor's page shows the minors'
// hours (under the China policy the platform runs here). A report the NPPA refused is parked; the operator queues it again and it is sent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, DESK_CONTEXT, launchBrowser, type RunningPlatform, screenshot, startPlatform } from './harness.ts';

const CN_POLICY = fileURLToPath(new URL('../../src/compliance/policies/cn-mainland.json', import.meta.url));
const ADMIN = {
  username: 'rnadmin',
  password: 'real name journey password',
  totpSecret: base32Encode(Buffer.from('realname-totp-key!!!')),
};
const STEP_TIMEOUT_MS = 15_000;
const phone = (width: number) => ({
  viewport: { width, height: 720 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
});

interface SandboxIdentity {
  readonly name: string;
  readonly idNum: string;
  readonly minor: boolean;
}

describe('real-name journeys', () => {
  let platform: RunningPlatform;
  let sandboxUrl = '';
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let operator: Page;

  const sandbox = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sandboxUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
  };
  const identity = async (name: string): Promise<SandboxIdentity> => {
    const { identities } = (await sandbox('GET', '/sandbox/identities')) as { identities: SandboxIdentity[] };
    const found = identities.find((i) => i.name === name);
    assert.ok(found, name);
    return found;
  };

  async function playerPage(width: number, user: string): Promise<Page> {
    const context = await browser.newContext(phone(width));
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.goto(`${platform.url}/`);
    await page.getByTestId('sandbox-user').fill(user);
    await page.getByTestId('login-sandbox').click();
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('lobby-page').waitFor();
    return page;
  }

  async function noHorizontalScroll(page: Page, label: string): Promise<void> {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${label}: the page scrolls sideways by ${overflow} px`);
  }

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
      FAIRGROUND_JOB_INTERVALS_MS: 'realname.report=300,realname.verify=300',
      // The China policy: real name before money or play, and the rules for minors.
      FAIRGROUND_POLICY_FILE: CN_POLICY,
    });
    for (const line of platform.logs) {
      try {
        const entry = JSON.parse(line) as { msg?: string; sandbox?: string };
        if (entry.msg?.startsWith('NPPA sandbox') && entry.sandbox) sandboxUrl = entry.sandbox;
      } catch {
        // not a JSON log line
      }
    }
    assert.ok(sandboxUrl, 'the NPPA sandbox address is logged at start');
    browser = await launchBrowser();
    const desk = await browser.newContext(DESK_CONTEXT);
    contexts.push(desk);
    operator = await desk.newPage();
    operator.setDefaultTimeout(STEP_TIMEOUT_MS);
    await operator.goto(`${platform.url}/admin/`);
    await operator.getByTestId('username').fill(ADMIN.username);
    await operator.getByTestId('password').fill(ADMIN.password);
    await operator.getByTestId('totp').fill(totp(base32Decode(ADMIN.totpSecret), Date.now()));
    await operator.getByTestId('sign-in').click();
    await operator.getByTestId('ledger-page').waitFor();
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await platform?.stop();
  });

  it('a mismatch is refused with what to do; while NPPA is not answering the page says so; the operator queries it now and the player is verified', async () => {
    const adult = await identity('成年测试');
    const page = await playerPage(320, 'rnadult');
    const tile = page.getByTestId('open-realname');
    assert.equal(await tile.getAttribute('data-status'), 'none');
    await screenshot(page, 'realname-1-lobby-320');
    await tile.click();
    await page.getByTestId('realname-form').waitFor();
    await noHorizontalScroll(page, 'form at 320 px');
    await screenshot(page, 'realname-2-form-320');

    await page.getByTestId('realname-name').fill('成年错误');
    await page.getByTestId('realname-id').fill(adult.idNum);
    await page.getByTestId('realname-submit').click();
    await page.getByTestId('realname-failed').waitFor();
    assert.match(await page.getByTestId('realname-error').innerText(), /姓名与身份证号不一致/);
    assert.match(await page.getByTestId('realname-failed').innerText(), /请对照本人身份证重新填写/);
    await screenshot(page, 'realname-3-mismatch-320');

    // The state system stops answering: the submission is kept and the page says what that means.
    await sandbox('POST', '/sandbox/faults', { kind: 'http', endpoint: 'check', status: 503 });
    await page.getByTestId('realname-name').fill('成年测试');
    await page.getByTestId('realname-id').fill(adult.idNum.toLowerCase());
    await page.getByTestId('realname-submit').click();
    const pending = page.getByTestId('realname-pending');
    await pending.waitFor();
    assert.equal(await pending.getAttribute('data-reason'), 'unavailable');
    assert.match(await pending.innerText(), /暂时没有应答.*无需重复提交/s);
    await noHorizontalScroll(page, 'pending at 320 px');
    await screenshot(page, 'realname-4-pending-320');

    // The operator sees it waiting and queries now (the check never arrived: it is sent again and verified).
    const playerId = await page.evaluate(async () => {
      const tokens = JSON.parse(localStorage.getItem('fg.player.tokens') ?? '{}') as { accessToken: string };
      const me = await (await fetch('/api/me', { headers: { authorization: `Bearer ${tokens.accessToken}` } })).json();
      return me.id as string;
    });
    await operator.goto(`${platform.url}/admin/#/realname`);
    await operator.getByTestId('realname-queue').waitFor();
    const waitingRow = operator.getByTestId('realname-verifications').locator('[data-testid="realname-attempt"][data-state="pending"]');
    await waitingRow.first().waitFor();
    assert.match(await operator.getByTestId('realname-verifications').innerText(), /成\*\*\*/);
    await screenshot(operator, 'realname-5-console-queue');
    await operator.goto(`${platform.url}/admin/#/players/${encodeURIComponent(playerId)}`);
    await operator.getByTestId('player-realname').waitFor();
    assert.equal(await operator.getByTestId('player-realname-status').getAttribute('data-status'), 'pending');
    await operator.getByTestId('realname-query-reason').fill('玩家来电询问实名进度');
    await operator.getByTestId('realname-query').click();
    await operator.getByTestId('realname-query-result').waitFor();
    await operator.locator('[data-testid="player-realname-status"][data-status="verified"]').waitFor();
    await screenshot(operator, 'realname-6-console-player');

    await page.getByTestId('realname-refresh').click();
    await page.getByTestId('realname-verified').waitFor();
    assert.match(await page.getByTestId('realname-verified').innerText(), /国家网络游戏防沉迷实名验证系统/);
    await screenshot(page, 'realname-7-verified-320');
    await page.getByTestId('lang-toggle').click();
    await page.getByTestId('realname-verified').getByText('Checked by the state anti-addiction real-name system').waitFor();
    await noHorizontalScroll(page, 'verified in English at 320 px');
    await screenshot(page, 'realname-8-verified-en-320');
  });

  it('a minor on a 375 px phone is verified and told the minors’ hours; the lobby shows the state', async () => {
    const minor = await identity('未成年测试');
    assert.equal(minor.minor, true);
    const page = await playerPage(375, 'rnminor');
    await page.getByTestId('open-realname').click();
    await page.getByTestId('realname-name').fill(minor.name);
    await page.getByTestId('realname-id').fill(minor.idNum);
    await page.getByTestId('realname-submit').click();
    await page.getByTestId('realname-verified').waitFor();
    assert.match(await page.getByTestId('realname-minor').innerText(), /未满 18 周岁（\d+ 岁），适用未成年人保护规则/);
    await noHorizontalScroll(page, 'minor at 375 px');
    await screenshot(page, 'realname-9-minor-375');
    await page.getByTestId('lang-toggle').click();
    await page
      .getByTestId('realname-minor')
      .getByText(/under 18/)
      .waitFor();
    await screenshot(page, 'realname-10-minor-en-375');
    await page.goto(`${platform.url}/#/lobby`);
    await page.locator('[data-testid="open-realname"][data-status="verified"]').waitFor();
  });

  it('a report NPPA refused is parked; the operator queues it again with a reason and it is sent', async () => {
    const person = (await sandbox('POST', '/sandbox/identities', {
      name: '上报测试',
      birthDate: '1985-05-05',
    })) as unknown as SandboxIdentity;
    const page = await playerPage(375, 'rnreports');
    await page.getByTestId('open-realname').click();
    await page.getByTestId('realname-name').fill(person.name);
    await page.getByTestId('realname-id').fill(person.idNum);
    await page.getByTestId('realname-submit').click();
    await page.getByTestId('realname-verified').waitFor();
    // The login goes out; then NPPA forgets the person, so their logout is refused (3010) and parked.
    await page.goto(`${platform.url}/#/lobby`);
    await operator.goto(`${platform.url}/admin/#/realname`);
    await operator.getByTestId('realname-tab-sent').click();
    await operator.locator('[data-testid="realname-report"][data-state="sent"]').first().waitFor();
    await sandbox('DELETE', `/sandbox/identities/${person.idNum}`);
    await page.getByTestId('logout').click();
    await page.getByTestId('login-page').waitFor();

    await operator.getByTestId('realname-tab-parked').click();
    const parked = operator.locator('[data-testid="realname-report"][data-state="parked"]');
    for (let i = 0; i < 40 && (await parked.count()) === 0; i++) {
      await operator.getByTestId('realname-refresh').click();
      await operator.waitForTimeout(250);
    }
    await parked.first().waitFor();
    assert.match(await parked.first().innerText(), /NPPA_REPORT_PI_INVALID/);
    await screenshot(operator, 'realname-11-console-parked');
    await sandbox('POST', '/sandbox/identities', { name: person.name, idNum: person.idNum });
    await parked.first().locator('input[type="checkbox"]').check();
    await operator.getByTestId('realname-retry-reason').fill('NPPA 已恢复该人员记录');
    await operator.getByTestId('realname-retry').click();
    assert.match(await operator.getByTestId('realname-retry-result').innerText(), /已重新排队 1 条/);
    await operator.getByTestId('realname-tab-sent').click();
    const logoutSent = operator.locator('[data-testid="realname-report"][data-state="sent"]', { hasText: '下线' });
    for (let i = 0; i < 40 && (await logoutSent.count()) === 0; i++) {
      await operator.getByTestId('realname-refresh').click();
      await operator.waitForTimeout(250);
    }
    await logoutSent.first().waitFor();
    const reports = (await sandbox('GET', '/sandbox/reports')) as { stats: { logouts: number; duplicates: number } };
    assert.equal(reports.stats.logouts, 1);
    assert.equal(reports.stats.duplicates, 0);
    await screenshot(operator, 'realname-12-console-sent');

    // The console's queue at a phone's width.
    const narrow = await browser.newContext({ ...phone(375), storageState: await operator.context().storageState() });
    contexts.push(narrow);
    const small = await narrow.newPage();
    await small.goto(`${platform.url}/admin/#/realname`);
    await small.getByTestId('realname-queue').waitFor();
    await screenshot(small, 'realname-13-console-375');
  });
});
