// Which writer errors leave a write's outcome unknown (the request may or may not have reached Zendesk).

const UNKNOWN_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);
/** nothing was sent: safe to call fatal (the writer has already retried) */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function code(err: unknown): string | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/**
 * True for an error named OutcomeUnknownError (what the Zendesk writer throws), a timeout or abort, and network
 * errors after the request was sent (reset, broken pipe, socket closed). False for anything else, including
 * connection refused and DNS failures, where nothing was sent.
 */
export function isOutcomeUnknown(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'OutcomeUnknownError' || err.name === 'AbortError' || err.name === 'TimeoutError') return true;
  let cur: unknown = err;
  for (let depth = 0; depth < 4 && cur; depth++) {
    const c = code(cur);
    if (c && NOT_SENT_CODES.has(c)) return false;
    if (c && UNKNOWN_CODES.has(c)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return err instanceof TypeError && /fetch failed|network|socket/i.test(err.message);
}

/** The writer's error as a line for the operator, with anything credential-like removed. */
export function errorMessage(err: unknown): string {
  const text = err instanceof Error ? (err.name && err.name !== 'Error' && err.name !== 'ZdsfError' ? `${err.name}: ${err.message}` : err.message) : String(err);
  return text.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9+/=._~-]{6,}/g, '$1 [REDACTED]').replace(/(token|password|secret)=([^&\s]+)/gi, '$1=[REDACTED]');
}
