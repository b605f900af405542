import { createRequire } from 'node:module';
import type { parseQuery as ParseQuery } from '@jetstreamapp/soql-parser-js';
import { cachedProblem, rememberProblem } from './soql-cache.js';
import { isPlainSoqlCondition } from './soql-fast.js';

// The parser is loaded on first use only (it costs ~0.5 s of CPU to load), and not at all when every condition is
// a plain one (soql-fast.ts) or its verdict is in the cache (soql-cache.ts).
let parser: typeof ParseQuery | undefined;
function parseQuery(query: string): ReturnType<typeof ParseQuery> {
  parser ??= (createRequire(import.meta.url)('@jetstreamapp/soql-parser-js') as { parseQuery: typeof ParseQuery }).parseQuery;
  return parser(query);
}

const TOKENS: Record<string, string> = { R_PAREN: ')', RParen: ')', L_PAREN: '(', LParen: '(', COMMA: ',', COLON: ':', EQUAL: '=', EOF: 'the end' };
const CLAUSES: Record<string, string> = {
  orderBy: 'ORDER BY',
  limit: 'LIMIT',
  offset: 'OFFSET',
  groupBy: 'GROUP BY',
  having: 'HAVING',
  for: 'FOR',
  update: 'UPDATE',
  withSecurityEnforced: 'WITH SECURITY_ENFORCED',
  withAccessLevel: 'WITH',
  withDataCategory: 'WITH DATA CATEGORY',
  usingScope: 'USING SCOPE',
};

/**
 * Checks a SOQL condition offline by parsing `SELECT Id FROM <object> WHERE <condition>`.
 * Returns a short reason when it does not parse, undefined when it does.
 */
export function soqlConditionProblem(condition: string, object: string): string | undefined {
  if (isPlainSoqlCondition(condition, object)) return undefined; // no parser needed (soql-fast.ts)
  const query = `SELECT Id FROM ${object} WHERE ${condition}`;
  const cached = cachedProblem(query);
  if (cached !== undefined) return cached ?? undefined;
  const problem = parseProblem(condition, object);
  rememberProblem(query, problem ?? null);
  return problem;
}

/** Whether the real parser has been loaded in this process (tests of the fast paths). */
export function soqlParserLoaded(): boolean {
  return parser !== undefined;
}

/** The real parser's verdict, with no fast path or cache (soql-fast.ts's test compares the two). */
export function parseProblem(condition: string, object: string): string | undefined {
  const prefix = `SELECT Id FROM ${object} WHERE `;
  let parsed: Record<string, unknown>;
  try {
    parsed = parseQuery(prefix + condition) as unknown as Record<string, unknown>;
  } catch (err) {
    return `SOQL condition does not parse: ${explain(err instanceof Error ? err.message : String(err), prefix.length)}`;
  }
  const extra = Object.keys(parsed).filter((k) => k in CLAUSES && parsed[k] !== undefined);
  if (extra.length > 0) {
    return `must be a condition only (the part after WHERE), not ${extra.map((k) => CLAUSES[k]).join(', ')}`;
  }
  if (!parsed.where) return 'SOQL condition is empty';
  return undefined;
}

function explain(message: string, offsetBase: number): string {
  const token = (t: string) => TOKENS[t] ?? t;
  let m = /Expecting (?:a )?token (?:of )?type (?:of )?--> (\w+) <-- but found --> '([\s\S]*)' <--/.exec(message);
  if (m) return m[2] === '' ? `expected "${token(m[1])}" but the condition ends` : `expected "${token(m[1])}" but found "${m[2]}"`;
  m = /Redundant input, expecting EOF but found: ([\s\S]*)$/.exec(message);
  if (m) return `unexpected "${m[1].trim()}" (unbalanced parentheses?)`;
  m = /unexpected character: ->([\s\S])<- at offset: (\d+)/.exec(message);
  if (m) return `unexpected character "${m[1]}" at character ${Number(m[2]) - offsetBase + 1} of the condition${m[1] === "'" ? ' (unterminated string?)' : ''}`;
  m = /but found: '([\s\S]*)'\s*$/.exec(message);
  if (m) return m[1] === '' ? 'the condition ends too early' : `unexpected "${m[1]}"`;
  return message.split('\n')[0];
}
