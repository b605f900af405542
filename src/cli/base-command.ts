import { Command, Errors } from '@oclif/core';
import { ZdsfError } from '../util/errors.js';
import type { RunTimings } from './timings.js';
import { redactText } from '../util/redact.js';

/**
 * Every zdsf command extends this. oclif exits 2 on an error without an explicit code, which
 * collides with `--detailed-exitcode` (2 = changes): here every error exits 1, with its message
 * and no stack trace (set ZDSF_DEBUG=1 for one).
 */
export abstract class BaseCommand extends Command {
  /** set by commands run with --timings: printed to stderr once the command ends, however it ends */
  protected timings?: RunTimings;

  protected override async finally(err: Error | undefined): Promise<unknown> {
    this.timings?.report();
    return super.finally(err);
  }

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    const message = err instanceof ZdsfError ? err.fullMessage : err instanceof Errors.CLIError ? err.message : `${err.name}: ${err.message}`;
    process.stderr.write(`Error: ${redactText(message.replace(/^Error: /, ''))}\n`);
    if (process.env.ZDSF_DEBUG && err.stack) process.stderr.write(`${redactText(err.stack)}\n`);
    this.exit(1);
  }
}
