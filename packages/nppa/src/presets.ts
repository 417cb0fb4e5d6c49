// The preset data of NPPA's interface tests (接口测试预制数据), as published with the official
// training material and repeated by every open-source client (README.md lists them). The same
// presets serve every operator; the test codes are per operator and expire an hour after issue.

export interface PresetIdentity {
  readonly ai: string;
  readonly name: string;
  readonly idNum: string;
}

/** Check: these succeed (testcase01); query of their ai succeeds too (testcase04). */
export const PRESET_CHECK_OK: readonly PresetIdentity[] = [
  { ai: '100000000000000001', name: '某一一', idNum: '110000190101010001' },
  { ai: '100000000000000002', name: '某一二', idNum: '110000190101020007' },
  { ai: '100000000000000003', name: '某一三', idNum: '110000190101030002' },
  { ai: '100000000000000004', name: '某一四', idNum: '110000190101040008' },
  { ai: '100000000000000005', name: '某一五', idNum: '11000019010101001X' },
  { ai: '100000000000000006', name: '某一六', idNum: '110000190101020015' },
  { ai: '100000000000000007', name: '某一七', idNum: '110000190101030010' },
  { ai: '100000000000000008', name: '某一八', idNum: '110000190101040016' },
];

/** Check: these stay in progress (testcase02); query of their ai is in progress too (testcase05). */
export const PRESET_CHECK_IN_PROGRESS: readonly PresetIdentity[] = [
  { ai: '200000000000000001', name: '某二一', idNum: '110000190201010009' },
  { ai: '200000000000000002', name: '某二二', idNum: '110000190201020004' },
  { ai: '200000000000000003', name: '某二三', idNum: '11000019020103000X' },
  { ai: '200000000000000004', name: '某二四', idNum: '110000190201040005' },
  { ai: '200000000000000005', name: '某二五', idNum: '110000190201010017' },
  { ai: '200000000000000006', name: '某二六', idNum: '110000190201020012' },
  { ai: '200000000000000007', name: '某二七', idNum: '110000190201030018' },
  { ai: '200000000000000008', name: '某二八', idNum: '110000190201040013' },
];

/**
 * Check: "all data that is not a success or in-progress preset fails" (testcase03). These are the
 * mismatched combinations open-source test suites send: a preset ai with another preset's number.
 */
export const PRESET_CHECK_FAILED: readonly PresetIdentity[] = [
  { ai: '200000000000000001', name: '某二一', idNum: '110000190201020004' },
  { ai: '200000000000000008', name: '某二七', idNum: '110000190201040005' },
  { ai: '200000000000000004', name: '某二二', idNum: '110000190201040005' },
];

/** Query: these ai have failed (testcase06). */
export const PRESET_QUERY_FAILED_AI: readonly string[] = [
  '300000000000000001',
  '300000000000000002',
  '300000000000000003',
  '300000000000000004',
  '300000000000000005',
  '300000000000000006',
  '300000000000000007',
  '300000000000000008',
];

/** Reports: these pi are known verified users (testcase08). */
export const PRESET_PI: readonly string[] = [
  '1fffbjzos82bs9cnyj1dna7d6d29zg4esnh99u',
  '1fffbkmd9ebtwi7u7f4oswm9li6twjydqs7qjv',
  '1fffblf892i0p1zh6wlec2quukxtw29v4yismp',
  '1fffbmr55j92gttv5wxspm0mgvw8x3p0n7cy0j',
  '1fffbjqfba5y6uwr55cdak6faokhm4s02qkyue',
  '1fffbkrwndszes1sngfx3v6pdqh87fi4zhz9ur',
  '1fffbl6st3fbp199i8zh5ggcp84fgo3rj7pn1y',
  '1fffbmzwmr1k3y8bri2linqbhnvmu510u5jj6z',
];

export type ScenarioId =
  | 'testcase01'
  | 'testcase02'
  | 'testcase03'
  | 'testcase04'
  | 'testcase05'
  | 'testcase06'
  | 'testcase07'
  | 'testcase08';

export interface OfficialScenario {
  readonly id: ScenarioId;
  readonly operation: 'check' | 'query' | 'loginout';
  /** What a correct client sees: an identity status, or every record accepted. */
  readonly expect: 'ok' | 'pending' | 'failed' | 'accepted';
  readonly title: string;
}

/** The eight official interface tests, in the order NPPA's console lists them. */
export const OFFICIAL_SCENARIOS: readonly OfficialScenario[] = [
  { id: 'testcase01', operation: 'check', expect: 'ok', title: '实名认证 — 认证成功 (identity check succeeds)' },
  { id: 'testcase02', operation: 'check', expect: 'pending', title: '实名认证 — 认证中 (identity check in progress)' },
  { id: 'testcase03', operation: 'check', expect: 'failed', title: '实名认证 — 认证失败 (identity check fails)' },
  { id: 'testcase04', operation: 'query', expect: 'ok', title: '实名认证结果查询 — 认证成功 (query: succeeded)' },
  { id: 'testcase05', operation: 'query', expect: 'pending', title: '实名认证结果查询 — 认证中 (query: in progress)' },
  { id: 'testcase06', operation: 'query', expect: 'failed', title: '实名认证结果查询 — 认证失败 (query: failed)' },
  { id: 'testcase07', operation: 'loginout', expect: 'accepted', title: '行为数据上报 — 游客模式 (report: guest)' },
  { id: 'testcase08', operation: 'loginout', expect: 'accepted', title: '行为数据上报 — 已认证用户 (report: verified user)' },
];
