// The apply audit log: one JSON object a line for every write apply makes (or skips), secrets redacted.
import { closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { PRIVATE_FILE_MODE } from '../util/files.js';
import { dirname } from 'node:path';
import type { ChangeAction, ChangeType } from '../model/plan.js';
import { ZdsfError } from '../util/errors.js';
import { MASK, redactText } from '../util/redact.js';

export type AuditOutcome = 'ok' | 'failed' | 'skipped';

export interface AuditEntry {
  /** ISO time of the outcome */
  time: string;
  sync: string;
  type: ChangeType;
  action: ChangeAction;
  key: string;
  /** the record's id: the id before the write, or the id Zendesk gave a created record */
  zendesk_id: number | null;
  label?: string;
  before: Record<string, unknown> | null;
  /** what was written (ids resolved) */
  after: Record<string, unknown> | null;
  outcome: AuditOutcome;
  /** the request that carried the write, e.g. `POST /api/v2/organizations/create_many.json (batch 1 of 3)` */
  request?: string;
  /** failures: Zendesk's reason, or why apply did not send it */
  error?: string;
  /** ok / skipped: how the outcome was known (already done, found after an unknown outcome ...) */
  note?: string;
}

const SECRET_KEY = /token|password|secret|authorization|private_?key|api_?key|cookie/i;
const SECRET_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9+/=._~-]{6,}/g;
export const REDACTED = '[REDACTED]';

/** A deep copy with values under secret-looking keys, and credential-looking strings, replaced by [REDACTED]. */
export function redact(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value).split(MASK).join(REDACTED).replace(SECRET_VALUE, `$1 ${REDACTED}`);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined ? REDACTED : redact(v, seen);
  }
  return out;
}

/** One line of the log (no trailing newline). */
export function formatAuditEntry(entry: AuditEntry): string {
  return JSON.stringify(redact(entry));
}

export interface AuditLog {
  /** append one entry (synchronously, so that a killed apply leaves every line it wrote) */
  write: (entry: AuditEntry) => void;
  close: () => void;
  readonly path: string;
  readonly count: number;
}

/**
 * Opens (creating, appending) a JSON-lines audit log. `write` is bound, so `audit: log.write` can be passed to
 * applyPlan directly.
 */
export function createAuditLog(path: string): AuditLog {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'a', PRIVATE_FILE_MODE);
    fchmodSync(fd, PRIVATE_FILE_MODE); // an existing log too: it holds names and emails
  } catch (err) {
    throw new ZdsfError(`Cannot open the audit log ${path}: ${(err as Error).message}. Check the --log-file path.`, 'audit_log');
  }
  let open = true;
  let count = 0;
  return {
    path,
    get count() {
      return count;
    },
    write(entry: AuditEntry) {
      if (!open) throw new ZdsfError(`The audit log ${path} is closed.`, 'audit_log');
      writeSync(fd, `${formatAuditEntry(entry)}\n`);
      count += 1;
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}
