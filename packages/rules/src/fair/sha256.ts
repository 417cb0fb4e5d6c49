// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) in plain TypeScript with 32-bit integer
// operations only. The server and the browser verifier must run one synchronous code path that
// gives bit-identical results everywhere; node:crypto is not in browsers and WebCrypto is
// asynchronous, so neither can be that path. Tests compare this code with node:crypto.

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL_STATE = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

export const SHA256_BLOCK_BYTES = 64;
export const SHA256_DIGEST_BYTES = 32;
// A single message is limited so that its bit length stays an exact double (and far below that).
const MESSAGE_BYTES_MAX = 1 << 30;

// One compression of the 64-byte block at `offset` of `data` into `state`; `w` is scratch space.
function compress(state: Int32Array, w: Int32Array, data: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + 4 * i;
    w[i] = (data[j]! << 24) | (data[j + 1]! << 16) | (data[j + 2]! << 8) | data[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + s1 + ch + K[i]! + w[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (s0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

// Finishes a hash whose first `prefixBytes` (a multiple of 64) are already compressed into
// `state`, over `message`, writing the digest to `out`. `state` is overwritten.
function finish(state: Int32Array, w: Int32Array, prefixBytes: number, message: Uint8Array, out: Uint8Array): void {
  if (message.length > MESSAGE_BYTES_MAX) throw new RangeError(`message longer than ${MESSAGE_BYTES_MAX} bytes`);
  const fullBlocks = message.length >>> 6;
  for (let i = 0; i < fullBlocks; i++) compress(state, w, message, i * SHA256_BLOCK_BYTES);
  const rest = message.length - fullBlocks * SHA256_BLOCK_BYTES;
  // Padding: 0x80, zeros, then the 64-bit big-endian bit length; one or two blocks.
  const tail = new Uint8Array(rest < 56 ? 64 : 128);
  tail.set(message.subarray(fullBlocks * SHA256_BLOCK_BYTES));
  tail[rest] = 0x80;
  const bitLength = (prefixBytes + message.length) * 8;
  const high = Math.floor(bitLength / 4294967296);
  const low = bitLength - high * 4294967296;
  const end = tail.length;
  tail[end - 8] = high >>> 24;
  tail[end - 7] = (high >>> 16) & 0xff;
  tail[end - 6] = (high >>> 8) & 0xff;
  tail[end - 5] = high & 0xff;
  tail[end - 4] = low >>> 24;
  tail[end - 3] = (low >>> 16) & 0xff;
  tail[end - 2] = (low >>> 8) & 0xff;
  tail[end - 1] = low & 0xff;
  compress(state, w, tail, 0);
  if (end === 128) compress(state, w, tail, 64);
  for (let i = 0; i < 8; i++) {
    const v = state[i]!;
    out[4 * i] = v >>> 24;
    out[4 * i + 1] = (v >>> 16) & 0xff;
    out[4 * i + 2] = (v >>> 8) & 0xff;
    out[4 * i + 3] = v & 0xff;
  }
}

// SHA-256 of `message`: 32 bytes.
export function sha256(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(SHA256_DIGEST_BYTES);
  finish(new Int32Array(INITIAL_STATE), new Int32Array(64), 0, message, out);
  return out;
}

// HMAC-SHA256 with one key, reused for many messages: the key's inner and outer pad blocks are
// compressed once, so each message costs two or three compressions.
export class HmacSha256 {
  readonly #inner = new Int32Array(8);
  readonly #outer = new Int32Array(8);
  readonly #state = new Int32Array(8);
  readonly #w = new Int32Array(64);
  readonly #innerDigest = new Uint8Array(SHA256_DIGEST_BYTES);

  constructor(key: Uint8Array) {
    const block = new Uint8Array(SHA256_BLOCK_BYTES);
    block.set(key.length > SHA256_BLOCK_BYTES ? sha256(key) : key);
    const pad = new Uint8Array(SHA256_BLOCK_BYTES);
    for (let i = 0; i < SHA256_BLOCK_BYTES; i++) pad[i] = block[i]! ^ 0x36;
    this.#inner.set(INITIAL_STATE);
    compress(this.#inner, this.#w, pad, 0);
    for (let i = 0; i < SHA256_BLOCK_BYTES; i++) pad[i] = block[i]! ^ 0x5c;
    this.#outer.set(INITIAL_STATE);
    compress(this.#outer, this.#w, pad, 0);
  }

  // Writes HMAC(key, message) into `out` (32 bytes) and returns it.
  digest(message: Uint8Array, out: Uint8Array = new Uint8Array(SHA256_DIGEST_BYTES)): Uint8Array {
    this.#state.set(this.#inner);
    finish(this.#state, this.#w, SHA256_BLOCK_BYTES, message, this.#innerDigest);
    this.#state.set(this.#outer);
    finish(this.#state, this.#w, SHA256_BLOCK_BYTES, this.#innerDigest, out);
    return out;
  }
}

// HMAC-SHA256(key, message): 32 bytes.
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new HmacSha256(key).digest(message);
}
