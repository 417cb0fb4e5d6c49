// Yuan exist only on screens. Amounts travel as integer fen; these helpers turn them into text and
// back without ever passing through a float.
export type AssetCode = 'CNY' | 'ROOM_CARD' | 'POINTS' | 'BONUS';

/** 12345 → "123.45", -5 → "-0.05", 123456789 → "1,234,567.89": digits of the integer, never a division. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const digits = String(Math.abs(fen)).padStart(3, '0');
  const yuan = digits.slice(0, -2).replace(/\B(?=(\d{3})+$)/g, ',');
  return `${sign}${yuan}.${digits.slice(-2)}`;
}

/** "123.45" → 12345, "-0.5" → -50; null for anything that is not a yuan amount with at most two decimals. */
export function yuanToFen(text: string): number | null {
  const m = /^\s*(-?)(\d{1,12})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return null;
  return m[1] === '-' ? -fen : fen;
}

/** CNY and BONUS are money (fen); room cards and points are counts. */
export function isMoneyAsset(asset: AssetCode): boolean {
  return asset === 'CNY' || asset === 'BONUS';
}

export function formatAmount(asset: AssetCode, minorUnits: number): string {
  return isMoneyAsset(asset) ? `¥${fenToYuan(minorUnits)}` : minorUnits.toLocaleString('en-US');
}

/**
 * WeChat Pay bills state fees in thousandths of a fen (a 0.6 % fee on ¥0.99 is 5.94 fen):
 * 5940 → "¥0.0594", 600000 → "¥6.00". Yuan with as many decimals as the fee needs (two to five), by
 * digits, never a division, so an operator sees the bill's exact figure.
 */
export function formatMilliFen(milliFen: number): string {
  if (!Number.isSafeInteger(milliFen)) throw new RangeError(`not an integer amount: ${milliFen}`);
  const sign = milliFen < 0 ? '-' : '';
  const digits = String(Math.abs(milliFen)).padStart(6, '0');
  const yuan = digits.slice(0, -5).replace(/\B(?=(\d{3})+$)/g, ',');
  const decimals = digits.slice(-5).replace(/0{1,3}$/, '');
  return `${sign}¥${yuan}.${decimals.padEnd(2, '0')}`;
}
