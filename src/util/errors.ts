import { redactText } from './redact.js';

/** An error meant for the operator: its message is complete and actionable, printed without a stack trace. */
export class ZdsfError extends Error {
  constructor(
    message: string,
    /** machine-readable code, e.g. config_invalid, stale_plan, unreachable, unauthorized */
    readonly code: string = 'error',
  ) {
    super(redactText(message)); // no secret in any message (issue 14)
    this.name = 'ZdsfError';
  }
}
