/**
 * `${VAR}` and `${VAR:-default}` interpolation, as in a POSIX shell: the default applies when
 * VAR is unset or empty. `$${` stands for a literal `${`.
 */

export interface Reference {
  name: string;
  /** the `:-` default, when given */
  default?: string;
  /** the variable was unset (or empty, with a default given) */
  missing: boolean;
}

export interface Interpolated {
  /** the string with every resolvable reference substituted (unresolvable ones left as written) */
  value: string;
  references: Reference[];
  /** a reference without default whose variable is unset */
  unresolved: string[];
  /** syntax errors, e.g. an unterminated `${` */
  errors: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function interpolate(input: string, env: Record<string, string | undefined>): Interpolated {
  const result: Interpolated = { value: '', references: [], unresolved: [], errors: [] };
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch === '$' && input.startsWith('$${', i)) {
      result.value += '${';
      i += 3;
      continue;
    }
    if (ch === '$' && input[i + 1] === '{') {
      const end = input.indexOf('}', i + 2);
      if (end < 0) {
        result.errors.push(`unterminated "\${" (write "$\${" for a literal "\${")`);
        result.value += input.slice(i);
        break;
      }
      const body = input.slice(i + 2, end);
      const sep = body.indexOf(':-');
      const name = sep >= 0 ? body.slice(0, sep) : body;
      const def = sep >= 0 ? body.slice(sep + 2) : undefined;
      if (!NAME.test(name)) {
        result.errors.push(
          `"\${${body}}" is not a valid reference: use \${NAME} or \${NAME:-default}, NAME made of letters, digits and _`,
        );
        result.value += input.slice(i, end + 1);
        i = end + 1;
        continue;
      }
      const raw = env[name];
      if (raw !== undefined && (raw !== '' || def === undefined)) {
        result.references.push({ name, default: def, missing: false });
        result.value += raw;
      } else if (def !== undefined) {
        result.references.push({ name, default: def, missing: true });
        result.value += def;
      } else {
        result.references.push({ name, missing: true });
        result.unresolved.push(name);
        result.value += input.slice(i, end + 1);
      }
      i = end + 1;
      continue;
    }
    result.value += ch;
    i += 1;
  }
  return result;
}

/** True when the whole string is one `${VAR}` reference, without default. */
export function isSingleReference(input: string): boolean {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(input);
}
