// Text a client sends is refused when it holds control characters: a NUL breaks PostgreSQL text
// columns (and would be stored silently by SQLite), and no name, note or code a person types
// contains one. Bodies may hold tabs and line breaks; paths, queries and headers may not.
/** Text in a body may hold tabs and line breaks; no other C0 or C1 control character, and never NUL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
export const BODY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** Path and query text is one line: no control character at all. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused
export const LINE_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_DEPTH_MAX = 40;

/** The path of the first string holding a forbidden control character (keys included), or null. */
export function controlCharacterAt(value: unknown, forbidden: RegExp, path: string, depth: number): string | null {
  if (typeof value === 'string') return forbidden.test(value) ? path || '/' : null;
  if (typeof value !== 'object' || value === null || depth > CONTROL_DEPTH_MAX) return null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const at = controlCharacterAt(v, forbidden, `${path}/${i}`, depth + 1);
      if (at !== null) return at;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    if (forbidden.test(k)) return `${path}/${k.replace(forbidden, '?')}`;
    const at = controlCharacterAt(v, forbidden, `${path}/${k}`, depth + 1);
    if (at !== null) return at;
  }
  return null;
}
