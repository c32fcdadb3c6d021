/**
 * Keeps secrets out of recordings: credentials in URLs, cookies in headers, and any literal secret value a
 * caller names (the cookie values it connected with) wherever text is stored.
 */

/** What replaces a removed secret value. */
export const REDACTED = 'REDACTED';

/**
 * URL query parameters whose values are credentials or per-user tokens. `signature` is kept on purpose: it is a
 * hash of the public parameters (recomputable by anyone, useless without the cookies) and a replay of the
 * handshake needs it.
 */
export const SECRET_QUERY_PARAMS: readonly string[] = [
  'msToken',
  'a_bogus',
  'X-Bogus',
  'X-Gnarly',
  'verifyFp',
  'fp',
  'ttwid',
  'sessionid',
  'sessionid_ss',
  'sid_tt',
  'sid_guard',
  'uid_tt',
  'uid_tt_ss',
  'odin_tt',
  'passport_csrf_token',
  'passport_csrf_token_default',
  's_v_web_id',
  '__ac_nonce',
  '__ac_signature',
  'access_token',
  'token',
];

/** Headers dropped whole (compared case-insensitively). */
export const SECRET_HEADERS: readonly string[] = [
  'cookie',
  'set-cookie',
  'set-cookie2',
  'authorization',
  'proxy-authorization',
  'x-tt-token',
  'x-tt-logid-token',
];

const secretParams = new Set(SECRET_QUERY_PARAMS.map((p) => p.toLowerCase()));
const secretHeaders = new Set(SECRET_HEADERS);

// `name=value` pairs of the secret names anywhere in free text (error messages quoting a URL or a cookie line).
const SECRET_PAIR = new RegExp(
  `(^|[?&;\\s,"'])(${SECRET_QUERY_PARAMS.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})=([^&;\\s,"']*)`,
  'gi',
);

/**
 * Replaces every literal secret in `text`, then every `name=value` pair of a secret name. Secrets shorter than
 * 4 characters are ignored (they would match by accident and carry little).
 */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4 && out.includes(s)) out = out.split(s).join(REDACTED);
  return out.replace(SECRET_PAIR, (_m, lead: string, name: string) => `${lead}${name}=${REDACTED}`);
}

/** The URL with the values of secret query parameters replaced (names kept, so the shape stays visible). */
export function scrubUrl(url: string, secrets: readonly string[] = []): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return scrubText(url, secrets);
  }
  let changed = false;
  for (const name of [...parsed.searchParams.keys()]) {
    if (secretParams.has(name.toLowerCase())) {
      parsed.searchParams.set(name, REDACTED);
      changed = true;
    }
  }
  if (parsed.username || parsed.password) {
    parsed.username = '';
    parsed.password = '';
    changed = true;
  }
  return scrubText(changed ? parsed.toString() : url, secrets);
}

/** The headers without cookies and credentials; the remaining values scrubbed of named secrets. */
export function scrubHeaders(
  headers: Readonly<Record<string, string>>,
  secrets: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (secretHeaders.has(name.toLowerCase())) continue;
    out[name] = scrubText(String(value), secrets);
  }
  return out;
}
