// The NPPA wire protocol as data: hosts, paths, header names, field values and the documented
// errcodes. The client and the sandbox both read this table, so it is the one place a protocol
// fact is written down; README.md says where each fact comes from.

/** Production and test hosts. The identity check is HTTPS; query and reports are plain HTTP in the spec. */
export interface NppaBaseUrls {
  /** Host of `POST /idcard/authentication/check`. */
  readonly check: string;
  /** Host of `GET /idcard/authentication/query`. */
  readonly query: string;
  /** Host of `POST /behavior/collection/loginout`. */
  readonly loginout: string;
  /** Host of the interface-test endpoints `/test/…/{code}`. */
  readonly test: string;
}

export const PRODUCTION_BASE_URLS: NppaBaseUrls = {
  check: 'https://api.wlc.nppa.gov.cn',
  query: 'http://api2.wlc.nppa.gov.cn',
  loginout: 'http://api2.wlc.nppa.gov.cn',
  test: 'https://wlc.nppa.gov.cn',
};

export const PATHS = {
  check: '/idcard/authentication/check',
  query: '/idcard/authentication/query',
  loginout: '/behavior/collection/loginout',
  testCheck: '/test/authentication/check/',
  testQuery: '/test/authentication/query/',
  testLoginout: '/test/collection/loginout/',
} as const;

export type NppaOperation = 'check' | 'query' | 'loginout';

/** Header names exactly as the spec spells them (HTTP treats them case-insensitively). */
export const HEADER_APP_ID = 'appId';
export const HEADER_BIZ_ID = 'bizId';
/** Milliseconds since the epoch, as a decimal string. The spec spells it with the trailing s. */
export const HEADER_TIMESTAMPS = 'timestamps';
export const HEADER_SIGN = 'sign';

/** `data.result.status` of check and query. */
export const RESULT_STATUS_OK = 0;
export const RESULT_STATUS_IN_PROGRESS = 1;
export const RESULT_STATUS_FAILED = 2;

/** `bt`: behaviour type. */
export const BT_LOGOUT = 0;
export const BT_LOGIN = 1;
/** `ct`: who the record is about. */
export const CT_VERIFIED = 0;
export const CT_GUEST = 2;

export const ERRCODE_OK = 0;
export const ERRCODE_PARTIAL = 3001;

export interface NppaErrcodeSpec {
  readonly errcode: number;
  /** NPPA's name for the code; `errmsg` on the wire is this name with spaces (e.g. `TEST TASK NOT EXIST`). */
  readonly name: string;
  /** The spec's Chinese description. */
  readonly zh: string;
}

/** Every errcode the spec documents (1xxx system, 2xxx identity, 3xxx reports, 4xxx interface tests). */
export const NPPA_ERRCODES: readonly NppaErrcodeSpec[] = [
  { errcode: 1001, name: 'SYS ERROR', zh: '系统错误' },
  { errcode: 1002, name: 'SYS REQ RESOURCE NOT EXIST', zh: '接口请求的资源不存在' },
  { errcode: 1003, name: 'SYS REQ METHOD ERROR', zh: '接口请求方式错误' },
  { errcode: 1004, name: 'SYS REQ HEADER MISS ERROR', zh: '接口请求核心参数缺失' },
  { errcode: 1005, name: 'SYS REQ IP ERROR', zh: '接口请求IP地址非法' },
  { errcode: 1006, name: 'SYS REQ BUSY ERROR', zh: '接口请求超出流量限制' },
  { errcode: 1007, name: 'SYS REQ EXPIRE ERROR', zh: '接口请求过期' },
  { errcode: 1008, name: 'SYS REQ PARTNER ERROR', zh: '接口请求方身份非法' },
  { errcode: 1009, name: 'SYS REQ PARTNER AUTH DISABLE', zh: '接口请求方权限未启用' },
  { errcode: 1010, name: 'SYS REQ AUTH ERROR', zh: '接口请求方无该接口权限' },
  { errcode: 1011, name: 'SYS REQ PARTNER AUTH ERROR', zh: '接口请求方身份核验错误' },
  { errcode: 1012, name: 'SYS REQ PARAM CHECK ERROR', zh: '接口请求报文核验失败' },
  { errcode: 2001, name: 'BUS AUTH IDNUM ILLEGAL', zh: '身份证号格式校验失败' },
  { errcode: 2002, name: 'BUS AUTH RESOURCE LIMIT', zh: '实名认证条目已达上限' },
  { errcode: 2003, name: 'BUS AUTH CODE NO AUTH RECODE', zh: '无该编码提交的实名认证记录' },
  { errcode: 2004, name: 'BUS AUTH CODE ALREADY IN USE', zh: '编码已经被占用' },
  { errcode: 3001, name: 'BUS COLL PARTIAL ERROR', zh: '行为数据部分上报失败' },
  { errcode: 3002, name: 'BUS COLL BEHAVIOR NULL ERROR', zh: '行为数据为空' },
  { errcode: 3003, name: 'BUS COLL OVER LIMIT COUNT', zh: '行为数据超出条目数量限制' },
  { errcode: 3004, name: 'BUS COLL NO INVALID', zh: '行为数据编码错误' },
  { errcode: 3005, name: 'BUS COLL BEHAVIOR TIME ERROR', zh: '行为发生时间错误' },
  { errcode: 3006, name: 'BUS COLL PLAYER MODE INVALID', zh: '用户类型无效' },
  { errcode: 3007, name: 'BUS COLL BEHAVIOR MODE INVALID', zh: '行为类型无效' },
  { errcode: 3008, name: 'BUS COLL PLAYERID MISS', zh: '缺失PI（用户唯一标识）值' },
  { errcode: 3009, name: 'BUS COLL DEVICEID MISS', zh: '缺失DI（设备标识）值' },
  { errcode: 3010, name: 'BUS COLL PLAYERID INVALID', zh: 'PI（用户唯一标识）值无效' },
  { errcode: 4001, name: 'TEST SYS ERROR', zh: '测试系统错误' },
  { errcode: 4002, name: 'TEST TASK NOT EXIST', zh: '测试任务不存在' },
  { errcode: 4003, name: 'TEST PARAM INVALID ERROR', zh: '测试参数无效' },
];

const byErrcode = new Map(NPPA_ERRCODES.map((s) => [s.errcode, s]));

/** The spec entry of an errcode, or undefined for an undocumented one. */
export function errcodeSpec(errcode: number): NppaErrcodeSpec | undefined {
  return byErrcode.get(errcode);
}

/** The `errmsg` NPPA sends with an errcode (its name); `OK` for 0. */
export function errmsgOf(errcode: number): string {
  if (errcode === ERRCODE_OK) return 'OK';
  const spec = byErrcode.get(errcode);
  if (spec === undefined) throw new Error(`errcode ${errcode} is not in the spec table`);
  return spec.name;
}
