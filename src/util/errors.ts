// Errors meant for the operator (after the Shopify CLI's AbortError): the message says what is wrong, and
// `nextSteps` what to do about it. The CLI prints both, without a stack trace (ZDSF_DEBUG=1 shows one).
// Control flow tests the class (`instanceof StalePlanError`), never a string; `code` stays for tools and logs.
// Messages go through the redaction pass (issue 14): no secret in any message.
import { redactText } from './redact.js';

export class ZdsfError extends Error {
  constructor(
    message: string,
    /** machine-readable code, e.g. config_invalid, stale_plan, unreachable, unauthorized */
    readonly code: string = 'error',
    /** what the operator should do next (printed after the message) */
    readonly nextSteps?: string,
  ) {
    super(redactText(message)); // no secret in any message (issue 14)
    this.name = new.target.name; // the subclass's own name: PlanFileError, StalePlanError, ...
  }

  /** message and next steps, as the CLI prints them */
  get fullMessage(): string {
    return this.nextSteps ? `${this.message}\n${this.nextSteps}` : this.message;
  }
}

/** A plan file that cannot be read, is not a zdsf plan, has another format version or a broken seal. */
export class PlanFileError extends ZdsfError {
  constructor(message: string, nextSteps = 'Save a new plan with `zdsf plan --out FILE` and apply that file.') {
    super(message, 'plan_file', nextSteps);
  }
}

/** The plan does not belong to this config (digest, sync names, target instance). */
export class ConfigChangedError extends ZdsfError {
  constructor(message: string) {
    super(message, 'config_changed', 'Run `zdsf plan` again with the current config and apply that plan.');
  }
}

/** The guard refused the plan: a change the config or the live records forbid. Nothing was written. */
export class PlanRefusedError extends ZdsfError {
  constructor(
    message: string,
    /** one line per offending change */
    readonly offenses: string[],
  ) {
    super(message, 'plan_refused', 'Nothing was written. Run `zdsf plan` again, review the new plan and apply that one.');
  }
}

/** Records changed in Zendesk since the plan. Nothing was written. */
export class StalePlanError extends ZdsfError {
  constructor(message: string) {
    super(message, 'stale_plan', 'Run `zdsf plan` again, review the new plan and apply that one.');
  }
}

/** Deletes refused by the guardrails (--allow-delete, max_deletes). Nothing was written. */
export class DeleteRefusedError extends ZdsfError {
  constructor(message: string) {
    super(message, 'delete_refused');
  }
}

/** The mass-change guard (max_changes) refused the plan: one attribute changes on too many records. Nothing was written. */
export class MassChangeRefusedError extends ZdsfError {
  constructor(message: string) {
    super(message, 'mass_change_refused', 'If the changes are intended, apply the same plan with --force; otherwise fix the mapping and plan again.');
  }
}

/** --sync named a sync the plan (or the config) does not have. */
export class UnknownSyncError extends ZdsfError {
  constructor(message: string) {
    super(message, 'unknown_sync');
  }
}
