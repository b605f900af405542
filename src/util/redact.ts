// One redaction pass for every error text and document zdsf writes (issue 14): stdout, stderr, plan files and the
// audit log. It removes
// - the configured secret values (registered when a config is loaded), and their base64, base64url, URL-encoded
//   and JSON-escaped forms;
// - Zendesk's `email/token:secret` pair and its base64 (the Basic credentials), configured or not;
// - the value of anything that looks like an echoed Authorization header, and Bearer / Basic credentials.
// A proxy or Zendesk itself may echo the request's Authorization header in a 400, a 422 or a job result: those
// bodies reach failure reasons and error messages, so the pass runs where they are printed or saved.
//
// Secrets shorter than 8 characters are not scrubbed as plain text (they would blank ordinary words); their pairs
// and encodings still are.

export const MASK = '***';

const registered = new Set<string>();
let compiled: string[] | undefined;

const MIN_PLAIN = 8;

function encodings(secret: string): string[] {
  const out = [
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64').replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ];
  return out.filter((s) => s.length >= MIN_PLAIN);
}

/** Registers secret values (process-wide): every later redactText removes them and their encodings. */
export function registerSecrets(values: readonly (string | undefined | null)[]): void {
  for (const v of values) {
    if (typeof v !== 'string' || v.length === 0) continue;
    if (v.length >= MIN_PLAIN) registered.add(v);
    for (const e of encodings(v)) registered.add(e);
    // a PEM key or a multi-line secret: each long line too
    if (v.includes('\n')) for (const line of v.split(/\r?\n/)) if (line.length >= 16 && !line.startsWith('-----')) registered.add(line);
  }
  compiled = undefined;
}

/** Registers Zendesk's api_token pair `email/token:secret` (the decoded Basic credentials) and its encodings. */
export function registerZendeskPair(email: string, token: string): void {
  registerSecrets([`${email}/token:${token}`, token]);
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  registered.clear();
  compiled = undefined;
}

function secretList(extra: readonly string[]): string[] {
  if (!compiled) compiled = [...registered].sort((a, b) => b.length - a.length); // longest first: a pair before its token
  if (extra.length === 0) return compiled;
  const more = extra.filter((s) => typeof s === 'string' && s.length >= 4);
  return [...more, ...more.flatMap(encodings), ...compiled].sort((a, b) => b.length - a.length);
}

// `Authorization: Basic xxx`, `"authorization":"Bearer xxx"`, `authorization=xxx`
const AUTH_HEADER = /(\bauthorization\b\\?["']?\s*[:=]\s*\\?["']?)((?:basic|bearer|token)\s+)?[^\s"',;}\]\\]+/gi;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/!=-]{12,}/g;
const BASIC = /\b(Basic)\s+([A-Za-z0-9+/]{12,}={0,2})(?![A-Za-z0-9+/=])/g;
// `someone@example.com/token:abc123` (Zendesk API token credentials, decoded)
const PAIR = /[^\s"'<>(),;:/\\]+\/token:[^\s"'<>(),;\\]+/g;

function looksLikeCredentials(b64: string): boolean {
  const decoded = Buffer.from(b64, 'base64').toString('utf8');
  return decoded.includes(':') && /^[\x20-\x7e]+$/.test(decoded);
}

/** The text with every registered (and given) secret and every credential-looking value replaced by ***. */
export function redactText(text: string, extraSecrets: readonly string[] = []): string {
  if (!text) return text;
  let out = text;
  for (const s of secretList(extraSecrets)) if (out.includes(s)) out = out.split(s).join(MASK);
  return out
    .replace(AUTH_HEADER, (_m, head: string, scheme: string | undefined) => `${head}${scheme ?? ''}${MASK}`)
    .replace(BEARER, `$1 ${MASK}`)
    .replace(BASIC, (m, scheme: string, b64: string) => (looksLikeCredentials(b64) ? `${scheme} ${MASK}` : m))
    .replace(PAIR, `${MASK}/token:${MASK}`);
}

/** A deep copy of a JSON-like value with every string redacted. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v);
  return out as T;
}
