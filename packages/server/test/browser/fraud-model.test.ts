// The fraud model in the console, in headless Chromium against the real platform process, at 375
// and 320 px in Chinese and English: reviewed cases of a synthetic population sit in the database
// (decided as operators decide them: approved honest, rejected fraud; their features kept as the
// `risk.score` job keeps them), the administrator trains a version from the models page, reads
// its held-back comparison with the rules alone (precision, recall, false positives, sample
// sizes), runs it in shadow mode, opens an undecided case and reads the rules' verdict beside the
// model's score and the features that drove it, then lets the proven version decide.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import type { Browser, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { defaultRiskConfig } from '../../src/risk/config.ts';
import { fraudFeatures } from '../../src/risk/features.ts';
import { population } from '../risk/fraud-population.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from './harness.ts';

const ADMIN = {
  username: 'modeladmin',
  password: 'fraud model journey password',
  totpSecret: base32Encode(Buffer.from('fraud-model-totp-k!!')),
};
const STEP_TIMEOUT_MS = 15_000;
/** Training runs in the platform process on the shared machine. */
const TRAIN_TIMEOUT_MS = 120_000;
const NARROW = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' };

describe('fraud model console journey', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let page: Page;
  const dataDir = mkdtempSync(join(tmpdir(), 'fg-fraudmodel-'));
  const dbPath = join(dataDir, 'fairground.db');

  before(async () => {
    buildClients();
    platform = await startPlatform({
      DATABASE_URL: `sqlite:${dbPath}`,
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
    });
    browser = await launchBrowser();
    page = await (await browser.newContext(NARROW)).newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const noOverflow = async (what: string) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `${what} overflows by ${overflow} px`);
  };

  it('trains a version, shows its comparison with the rules, runs it in shadow on a case page, then lets it decide', async () => {
    // Reviewed cases as the platform keeps them, and one fraud case still open.
    const cases = population({ label: 'journey', careful: 0.4, strength: 0.35 });
    const floor = defaultRiskConfig().timing.humanFloorMs;
    const id = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');
    const openCase = cases.find((c) => c.kind === 'bot' && !c.rulesFlag) ?? cases.find((c) => c.kind !== 'honest')!;
    // The undecided case belongs to a real signed-in player (the page also shows their linked accounts).
    const login = await fetch(`${platform.url}/api/auth/dev/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle: 'fmjplayer', device: 'fraud-model-phone-01' }),
    });
    assert.equal(login.status, 200, await login.clone().text());
    const openPlayer = ((await login.json()) as { player: { id: string } }).player.id;
    const db = new DatabaseSync(dbPath);
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('BEGIN');
    const now = Date.now();
    for (const c of cases) {
      const open = c === openCase;
      const status = open ? 'open' : c.kind === 'honest' ? 'approved' : 'rejected';
      db.prepare(
        `INSERT INTO risk_cases (id, player_id, kind, status, score, amount_fen, summary, evidence, created_at_ms, updated_at_ms, decided_by)
         VALUES (?, ?, 'signal', ?, ?, NULL, ?, '{}', ?, ?, ?)`,
      ).run(
        id(c.caseId),
        open ? openPlayer : id(c.input.playerId),
        status,
        c.input.ruleScore,
        `review ${c.kind}`,
        now,
        now,
        open ? null : 'reviewer',
      );
      db.prepare('INSERT INTO risk_case_features (case_id, features, rules_flag, created_at_ms) VALUES (?, ?, ?, ?)').run(
        id(c.caseId),
        JSON.stringify(fraudFeatures(c.input, floor)),
        c.rulesFlag ? 1 : 0,
        now,
      );
    }
    db.exec('COMMIT');
    db.close();

    await page.goto(`${platform.url}/admin/`);
    await page.getByTestId('login-page').waitFor();
    await page.getByTestId('username').fill(ADMIN.username);
    await page.getByTestId('password').fill(ADMIN.password);
    await page.getByTestId('totp').fill(totp(base32Decode(ADMIN.totpSecret), Date.now()));
    await page.getByTestId('sign-in').click();
    await page.getByTestId('ledger-page').waitFor();

    await page.getByTestId('nav-fraud-model').click();
    await page.getByTestId('fraud-models-page').waitFor();
    await page.getByText('还没有模型版本').waitFor();
    await page.getByTestId('model-train').click();
    const v1 = page.locator('[data-testid="model-version"][data-version="1"]');
    await v1.waitFor({ timeout: TRAIN_TIMEOUT_MS });
    assert.equal(await v1.getAttribute('data-status'), 'trained');
    const rules = v1.getByTestId('model-rules');
    const combined = v1.getByTestId('model-combined');
    assert.match(await rules.innerText(), /单用规则[\s\S]*%[\s\S]*件（欺诈 \d+，正常 \d+）/);
    assert.ok(
      Number(await combined.getAttribute('data-recall')) > Number(await rules.getAttribute('data-recall')),
      'rules + model find more fraud on the held-back cases',
    );
    assert.equal(await v1.getByTestId('model-proof').getAttribute('data-beats'), 'true');
    // Shadow first: the decide button waits for a reason like every switch.
    assert.equal(await v1.getByTestId('model-decide').isDisabled(), true);
    await page.getByTestId('model-reason').fill('先以影子模式观察');
    await v1.getByTestId('model-shadow').click();
    await page.locator('[data-testid="model-version"][data-version="1"][data-status="shadow"]').waitFor();
    await noOverflow('models page at 375 px');
    await screenshot(page, 'fraud-model-1-models-zh-375');

    // The undecided case: the rules' verdict, the model's score in shadow, the features behind it.
    await page.goto(`${platform.url}/admin/#/risk/${id(openCase.caseId)}`);
    await page.getByTestId('risk-case-page').waitFor();
    const score = page.getByTestId('case-model-score');
    await score.waitFor();
    assert.equal(await score.getAttribute('data-mode'), 'shadow');
    assert.match(await score.innerText(), /模型 v1 评分 \d+‰/);
    assert.match(await page.getByTestId('case-model').innerText(), /影子模式：此评分只供参考，不影响任何决定。/);
    assert.ok((await page.getByTestId('case-model-feature').count()) > 0, 'the features that drove the score');
    assert.equal(await page.getByTestId('case-status').getAttribute('data-status'), 'open', 'the score decided nothing');
    await noOverflow('case page at 375 px');
    await screenshot(page, 'fraud-model-2-case-zh-375');
    await page.getByTestId('lang-toggle').click();
    await page.getByText('Fraud model score').waitFor();
    assert.match(await page.getByTestId('case-model').innerText(), /Shadow mode: this score is for information and decides nothing\./);
    await screenshot(page, 'fraud-model-3-case-en-375');
    await page.setViewportSize({ width: 320, height: 720 });
    await noOverflow('case page at 320 px');
    await screenshot(page, 'fraud-model-4-case-en-320');

    // The proven version decides (audited on the server); in English at 320 px, then Chinese.
    await page.getByTestId('nav-fraud-model').click();
    await page.getByTestId('fraud-models-page').waitFor();
    await page.getByTestId('model-reason').fill('beats the rules on held-back cases');
    await page.locator('[data-testid="model-version"][data-version="1"]').getByTestId('model-decide').click();
    await page.locator('[data-testid="model-version"][data-version="1"][data-status="decide"]').waitFor();
    assert.match(await page.getByTestId('model-status').innerText(), /deciding/);
    await noOverflow('models page at 320 px');
    await screenshot(page, 'fraud-model-5-models-en-320');
    await page.getByTestId('lang-toggle').click();
    await page.getByText('参与决定').first().waitFor();
    await noOverflow('models page at 320 px in Chinese');
    await screenshot(page, 'fraud-model-6-models-zh-320');
    await page.setViewportSize({ width: 375, height: 812 });
    await page.getByTestId('lang-toggle').click();
    await page.getByText('Fraud model (a learned score beside the rules)').waitFor();
    await screenshot(page, 'fraud-model-7-models-en-375');
  });
});
