// Small helpers every part of the Zendesk emulator answers with: JSON responses, Zendesk's error bodies,
// the outcome of a write (a record, or the validation errors Zendesk would list), and request parsing.
import type { SandboxRequest, SandboxResponse } from '../http.js';
import { isRecord, type ZdErrorDetails } from './records.js';

export type Action = 'create' | 'update' | 'delete';

/** what a resource rule returns: the record written, or why not (the status and details Zendesk answers) */
export type Outcome<T> =
  | { ok: true; value: T; action: Action }
  | { ok: false; status: 404 | 422; error: string; details: ZdErrorDetails };

export const json = (status: number, body: unknown, headers?: Record<string, string>): SandboxResponse => ({ status, body, headers });
export const notFound = (): SandboxResponse => json(404, { error: 'RecordNotFound', description: 'Not found' });
export const badRequest = (error: string, description: string): SandboxResponse => json(400, { error, description });
export const invalid = (details: ZdErrorDetails): SandboxResponse =>
  json(422, { error: 'RecordInvalid', description: 'Record validation errors', details });

export function fail(status: 404 | 422, error: string, attribute: string, description: string): Outcome<never> {
  return { ok: false, status, error, details: { [attribute]: [{ description, error }] } };
}

/** the outcome's record rendered, or its 404 / 422 */
export function outcomeResponse<T>(o: Outcome<T>, render: (v: T) => SandboxResponse): SandboxResponse {
  if (o.ok) return render(o.value);
  return o.status === 404 ? notFound() : invalid(o.details);
}

/** a trimmed string, or null for null / undefined / blank */
export function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}

/** the values of a comma-separated query parameter (`ids=1,2,3`) */
export function ids(param: string | null): string[] {
  return param ? param.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** the object under `key` of a request body (`{ "organization": { ... } }`) */
export function body(req: SandboxRequest, key: string): Record<string, unknown> | undefined {
  const b = req.body;
  return isRecord(b) && isRecord(b[key]) ? b[key] : undefined;
}

export const missing = (key: string): SandboxResponse => badRequest('InvalidParameter', `The request body must be {"${key}": { ... }}.`);
