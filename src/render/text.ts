// Plan -> terminal text, terraform-like. Colour only when asked (the command decides: TTY and no NO_COLOR).
import { Chalk } from 'chalk';
import type { Plan } from '../model/plan.js';
import { type Line, summaryText, syncLines } from './lines.js';

export interface TextOptions {
  color?: boolean;
}

export function renderLine(line: Line, paint: (sign: Line['sign'], s: string) => string): string {
  const pad = '  '.repeat(line.indent);
  if (line.sign === '') return line.text;
  if (line.sign === '#') return paint('#', `${pad}# ${line.text}`);
  if (line.sign === '!') return paint('!', `${pad}! ${line.text}`);
  if (line.sign === ' ') return `${pad}  ${line.text}`;
  return `${pad}${paint(line.sign, line.sign)} ${line.text}`;
}

export function renderText(plan: Plan, options: TextOptions = {}): string {
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
  const out: string[] = [];
  const several = plan.syncs.length > 1;
  for (const sync of plan.syncs) {
    out.push(chalk.bold(`Sync "${sync.name}" (Salesforce ${sync.from} -> Zendesk ${sync.to})`));
    out.push('');
    for (const line of syncLines(sync)) out.push(renderLine(line, paint));
    if (several && !sync.error) {
      out.push(summaryText(sync.summary));
      out.push('');
    }
  }
  const failed = plan.syncs.filter((s) => s.error).length;
  if (failed > 0 && failed === plan.syncs.length) {
    // nothing was planned: "No changes" would be a lie
    out.push(chalk.red(failed === 1 ? 'Plan failed: the sync could not be planned.' : `Plan failed: none of the ${failed} syncs could be planned.`));
  } else {
    if (failed > 0) out.push(chalk.red(`${failed} of ${plan.syncs.length} syncs could not be planned.`));
    out.push(chalk.bold(summaryText(plan.summary)));
  }
  return `${out.join('\n')}\n`;
}
