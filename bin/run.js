#!/usr/bin/env node
// zdsf's entry point. Exit codes (issue 11): 0 success; 1 any error, including an unknown command or flag;
// 2 only from `plan --detailed-exitcode` when the plan has changes (oclif alone exits 2 for an unknown
// command, which CI reads as "the plan has changes").
import { Errors, flush, handle, run } from '@oclif/core';

try {
  await run(process.argv.slice(2), import.meta.url);
  await flush();
} catch (error) {
  // only a command's own this.exit(2) (plan --detailed-exitcode) may exit 2
  if (error && typeof error === 'object' && error.oclif && error.oclif.exit === 2 && !(error instanceof Errors.ExitError)) error.oclif.exit = 1;
  await handle(error);
}
