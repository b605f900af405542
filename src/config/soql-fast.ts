// A quick recogniser of the plain SOQL conditions most configs use (issue 15): `Field = 'x'`, `Field IN ('a', 'b')`,
// `Rel.Field LIKE 'US%'`, `Flag = false`, joined by AND or by OR, nested in parentheses. Loading the real parser
// (@jetstreamapp/soql-parser-js) costs about half a second of CPU, which `zdsf validate` in a pre-commit hook would
// pay on a cold cache. This only ever says "valid" for a narrow grammar the real parser accepts too (a test checks
// both on a corpus); anything else (NOT, functions, fiscal date literals, bind variables, keywords as names, a mix of AND
// and OR at one level, odd escapes) returns false and goes to the real parser, which gives the error message.
//
//   condition := group ( AND group )*  |  group ( OR group )*
//   group     := '(' condition ')'  |  NAME op value  |  NAME [NOT] IN '(' value ( ',' value )* ')'
//   op        := = | != | < | <= | > | >= | LIKE (a string)
//   value     := 'string' | number | date | datetime | date literal (TODAY, LAST_N_DAYS:30 …) | true | false | null
//   NAME      := identifier ( '.' identifier )*, no SOQL keyword

const KEYWORDS = new Set(
  (
    'and or not in like includes excludes select from where group by order limit offset having null true false with using ' +
    'scope typeof when then else end asc desc nulls first last rollup cube format update tracking viewstat for view reference ' +
    'data category above below at above_or_below security_enforced user_mode system_mode'
  ).split(' '),
);

type Token = { kind: 'name' | 'string' | 'number' | 'date' | 'op' | 'punct'; text: string };

/** date literals: TODAY, LAST_MONTH, LAST_N_DAYS:30, N_YEARS_AGO:3 … (the fiscal ones are left to the parser) */
const DATE_LITERAL =
  /^(?:TODAY|YESTERDAY|TOMORROW|(?:LAST|THIS|NEXT)_(?:WEEK|MONTH|QUARTER|YEAR)|(?:LAST|NEXT)_90_DAYS|(?:LAST|NEXT)_N_(?:DAYS|WEEKS|MONTHS|QUARTERS|YEARS):\d+|N_(?:DAYS|WEEKS|MONTHS|QUARTERS|YEARS)_AGO:\d+)(?![\w.:])/i;
/** 2024-01-31 and 2024-01-31T12:00:00Z / …+01:00 */
const DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2}))?(?![\w.:+-])/;

/** Tokens of the condition, or undefined when it holds anything outside the narrow grammar. */
function tokenize(s: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ kind: 'punct', text: c });
      i++;
      continue;
    }
    const op = /^(<=|>=|!=|=|<|>)/.exec(s.slice(i, i + 2));
    if (op) {
      out.push({ kind: 'op', text: op[1] });
      i += op[1].length;
      continue;
    }
    if (c === "'") {
      // escapes SOQL defines: \' \" \\ \n \r \t \b \f, and \_ \% for LIKE
      const m = /^'(?:[^'\\\n\r]|\\['"\\nrtbf_%])*'/.exec(s.slice(i));
      if (!m) return undefined;
      out.push({ kind: 'string', text: m[0] });
      i += m[0].length;
      continue;
    }
    const date = DATE.exec(s.slice(i)) ?? DATE_LITERAL.exec(s.slice(i));
    if (date) {
      out.push({ kind: 'date', text: date[0] });
      i += date[0].length;
      continue;
    }
    const num = /^\d+(?:\.\d+)?(?![\w.])/.exec(s.slice(i));
    if (num) {
      out.push({ kind: 'number', text: num[0] });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*(?![\w.])/.exec(s.slice(i));
    if (name) {
      out.push({ kind: 'name', text: name[0] });
      i += name[0].length;
      continue;
    }
    return undefined;
  }
  return out;
}

const word = (t: Token | undefined, w: string): boolean => t?.kind === 'name' && t.text.toLowerCase() === w;
const isField = (t: Token | undefined): boolean => t?.kind === 'name' && t.text.split('.').every((p) => !KEYWORDS.has(p.toLowerCase()));
const isValue = (t: Token | undefined): boolean =>
  t?.kind === 'string' || t?.kind === 'number' || t?.kind === 'date' || word(t, 'true') || word(t, 'false') || word(t, 'null');

/** True only when `condition` is in the narrow grammar above (then the real parser accepts it too). */
export function isPlainSoqlCondition(condition: string, object: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(object) || KEYWORDS.has(object.toLowerCase())) return false;
  const tokens = tokenize(condition);
  if (!tokens || tokens.length === 0) return false;
  let i = 0;
  const group = (): boolean => {
    if (tokens[i]?.text === '(' && tokens[i].kind === 'punct') {
      i++;
      if (!cond()) return false;
      if (tokens[i]?.text !== ')' || tokens[i].kind !== 'punct') return false;
      i++;
      return true;
    }
    if (!isField(tokens[i])) return false;
    i++;
    const t = tokens[i];
    if (t?.kind === 'op') {
      i++;
      if (!isValue(tokens[i])) return false;
      i++;
      return true;
    }
    if (word(t, 'like')) {
      i++;
      if (tokens[i]?.kind !== 'string') return false;
      i++;
      return true;
    }
    if (word(t, 'not')) i++;
    if (!word(tokens[i], 'in') || tokens[i + 1]?.text !== '(' || tokens[i + 1].kind !== 'punct') return false;
    i += 2;
    for (;;) {
      const v = tokens[i];
      if (v?.kind !== 'string' && v?.kind !== 'number') return false;
      i++;
      if (tokens[i]?.kind === 'punct' && tokens[i].text === ',') {
        i++;
        continue;
      }
      if (tokens[i]?.kind === 'punct' && tokens[i].text === ')') {
        i++;
        return true;
      }
      return false;
    }
  };
  const cond = (): boolean => {
    if (!group()) return false;
    let joiner: string | undefined;
    while (word(tokens[i], 'and') || word(tokens[i], 'or')) {
      const j = tokens[i].text.toLowerCase();
      if (joiner && j !== joiner) return false; // a mix needs parentheses (and the parser's verdict)
      joiner = j;
      i++;
      if (!group()) return false;
    }
    return true;
  };
  return cond() && i === tokens.length;
}
