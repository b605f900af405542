// Plan -> terminal text, terraform-like. Colour only when asked (the command decides: TTY and no NO_COLOR).
import { Chalk } from 'chalk';
import type { Plan } from '../model/plan.js';
import { escapeControls } from '../util/escape.js';
import { guardText, type Line, summaryText, syncLines } from './lines.js';

export interface TextOptions {
  color?: boolean;
}

export function renderLine(raw: Line, paint: (sign: Line['sign'], s: string) => string): string {
  const line = { ...raw, text: escapeControls(raw.text) }; // bidi and control characters shown, not obeyed
  const pad = '  '.repeat(line.indent);
  if (line.sign === '') return line.text;
  if (line.sign === '#') return paint('#', `${pad}# ${line.text}`);
  if (line.sign === '!') return paint('!', `${pad}! ${line.text}`);
  if (line.sign === ' ') return `${pad}  ${line.text}`;
  return `${pad}${paint(line.sign, line.sign)} ${line.text}`;
}

/** The text, a line at a time (each chunk ends with a newline), so a long plan streams to the terminal. */
export function* textChunks(plan: Plan, options: TextOptions = {}): Generator<string> {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const paint = (sign: Line['sign'], s: string): string => {
    switch (sign) {
      case '+':
        return chalk.green(s);
      case '-':
        return chalk.red(s);
      case '~':
        return chalk.yellow(s);
      case '!':
        return chalk.yellow(s);
      case '#':
        return chalk.dim(s);
      default:
        return s;
    }
  };
  const several = plan.syncs.length > 1;
  for (const sync of plan.syncs) {
    yield `${chalk.bold(`Sync "${sync.name}" (Salesforce ${sync.from} -> Zendesk ${sync.to})`)}\n`;
    yield `${''}\n`;
    for (const line of syncLines(sync)) yield `${renderLine(line, paint)}\n`;
    if (several && !sync.error) {
      yield `${summaryText(sync.summary)}\n`;
      yield `${''}\n`;
    }
  }
  const failed = plan.syncs.filter((s) => s.error).length;
  if (failed > 0 && failed === plan.syncs.length) {
    // nothing was planned: "No changes" would be a lie
    yield `${chalk.red(failed === 1 ? 'Plan failed: the sync could not be planned.' : `Plan failed: none of the ${failed} syncs could be planned.`)}\n`;
  } else {
    if (failed > 0) yield `${chalk.red(`${failed} of ${plan.syncs.length} syncs could not be planned.`)}\n`;
    yield `${chalk.bold(summaryText(plan.summary))}\n`;
    const guard = guardText(plan.syncs);
    if (guard) yield `${chalk.yellow(guard)}\n`;
  }
}

export function renderText(plan: Plan, options: TextOptions = {}): string {
  return [...textChunks(plan, options)].join('');
}
