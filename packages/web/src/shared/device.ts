// The device fingerprint this client sends when it signs in: a random id made once and kept in
// localStorage. Accounts that sign in from one device are linked by the server's risk domain and
// never matched against each other; the id says nothing else about the device.
const KEY = 'fg.device';

export function deviceFingerprint(): string | undefined {
  try {
    const kept = localStorage.getItem(KEY);
    if (kept !== null && /^[A-Za-z0-9_-]{8,64}$/.test(kept)) return kept;
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    const made = `d${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
    localStorage.setItem(KEY, made);
    return made;
  } catch {
    // Storage refused (a private window): sign in without one.
    return undefined;
  }
}
