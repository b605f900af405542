import { Command, Errors } from '@oclif/core';
import { ZdsfError } from '../util/errors.js';

/**
 * Every zdsf command extends this. oclif exits 2 on an error without an explicit code, which
 * collides with `--detailed-exitcode` (2 = changes): here every error exits 1, with its message
 * and no stack trace (set ZDSF_DEBUG=1 for one).
 */
export abstract class BaseCommand extends Command {
  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    const message = err instanceof ZdsfError ? err.fullMessage : err instanceof Errors.CLIError ? err.message : `${err.name}: ${err.message}`;
    process.stderr.write(`Error: ${message.replace(/^Error: /, '')}\n`);
    if (process.env.ZDSF_DEBUG && err.stack) process.stderr.write(`${err.stack}\n`);
    this.exit(1);
  }
}
