// Byte helpers that behave the same in every JavaScript engine: UTF-8 through the standard
// TextEncoder, hex by table.

const encoder = new TextEncoder();
const HEX = '0123456789abcdef';

// UTF-8 bytes of a string.
export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

// Lowercase hex of bytes.
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return out;
}

// Bytes of an even-length hex string (either case); null when it is not hex.
export function hexToBytes(hex: string): Uint8Array | null {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// Constant-time equality is not needed here (everything compared is public), so plain equality.
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
