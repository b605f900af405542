import type { Logger } from '../model/ports.js';
import { redactText } from '../util/redact.js';

/** Colour only on a TTY, and never with NO_COLOR set (https://no-color.org) or FORCE_COLOR=0. */
export function useColor(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return true;
  return Boolean(stream.isTTY);
}

/** Human messages and logs go to stderr, so stdout holds only the document (plan text, JSON, markdown). */
export function stderrLogger(debug = Boolean(process.env.ZDSF_DEBUG)): Logger {
  return {
    info: (m) => process.stderr.write(`${redactText(m)}\n`),
    warn: (m) => process.stderr.write(`Warning: ${redactText(m)}\n`),
    debug: (m) => {
      if (debug) process.stderr.write(`debug: ${redactText(m)}\n`);
    },
  };
}

