// POST /__sandbox/salesforce/changes: the control endpoint in front of SalesforceEmulator.change (changes.ts).
import type { SandboxResponse } from '../http.js';
import { parseChanges, SfChangeError } from './changes.js';
import type { SalesforceEmulator } from './index.js';

export function salesforceChanges(emulator: SalesforceEmulator, body: unknown): SandboxResponse {
  try {
    return { status: 200, body: { results: emulator.change(parseChanges(body)) } };
  } catch (err) {
    if (err instanceof SfChangeError) return { status: 400, body: { error: 'InvalidChange', description: err.message } };
    throw err;
  }
}
