// The mini-game runtime has no TextEncoder, and @fairground/rules builds one when it loads (for
// its UTF-8 hashing). This module is imported first, so the rules find a UTF-8 encoder either way.
// Only `encode` is provided: it is all the rules call.
class Utf8Encoder {
  readonly encoding = 'utf-8';
  encode(s: string): Uint8Array {
    const out: number[] = [];
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        } else c = 0xfffd;
      } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return new Uint8Array(out);
  }
}

const g = GameGlobal as { TextEncoder?: unknown };
if (typeof g.TextEncoder !== 'function') g.TextEncoder = Utf8Encoder;
// Modules compiled for the mini-game see `globalThis` as GameGlobal on current base libraries;
// older ones lack `globalThis`, so the rules' bare `TextEncoder` must be found on GameGlobal.
