// Object identifiers this package reads or writes, with where each is defined.
export const OID = {
  // CMS (RFC 5652) and PKCS #9 attributes.
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  // RFC 3161 TSTInfo content type; ESS signing-certificate attributes (RFC 2634, RFC 5035 / RFC 5816).
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  // Digests (RFC 5754, RFC 3370).
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // Signatures (RFC 8017, RFC 5758, RFC 8410).
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  ed25519: '1.3.101.112',
  // X.509 (RFC 5280).
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  kpTimeStamping: '1.3.6.1.5.5.7.3.8',
  // Name attributes.
  commonName: '2.5.4.3',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  emailAddress: '1.2.840.113549.1.9.1',
} as const;

/** Digest algorithms we accept, by OID, with their node:crypto name and output length. */
export const DIGESTS: ReadonlyMap<string, { readonly name: 'sha1' | 'sha256' | 'sha384' | 'sha512'; readonly bytes: number }> = new Map([
  [OID.sha1, { name: 'sha1', bytes: 20 }],
  [OID.sha256, { name: 'sha256', bytes: 32 }],
  [OID.sha384, { name: 'sha384', bytes: 48 }],
  [OID.sha512, { name: 'sha512', bytes: 64 }],
] as const);

/**
 * The policy of the local TSA: an OID under 2.25 (ITU-T X.667), made from a random UUID, so it
 * needs no registration and cannot collide with a real TSA's policy.
 */
export const SANDBOX_POLICY_OID = '2.25.60665481788620068905810057065455353276';
