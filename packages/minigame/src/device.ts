// The device fingerprint the mini-game sends when it signs in: a random id made once with the
// runtime's CSPRNG and kept in the game's storage. Accounts that sign in from one device are
// linked by the server's risk domain and never matched against each other.
const KEY = 'fg.device';

export function deviceFingerprint(): Promise<string | undefined> {
  const kept: unknown = wx.getStorageSync(KEY);
  if (typeof kept === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(kept)) return Promise.resolve(kept);
  return new Promise((resolve) => {
    wx.getUserCryptoManager().getRandomValues({
      length: 16,
      success: (res) => {
        const made = `d${Array.from(new Uint8Array(res.randomValues), (b) => b.toString(16).padStart(2, '0')).join('')}`;
        wx.setStorageSync(KEY, made);
        resolve(made);
      },
      // Without a CSPRNG the sign-in goes ahead without a fingerprint.
      fail: () => resolve(undefined),
    });
  });
}
