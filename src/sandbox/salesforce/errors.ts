// Salesforce-shaped API errors: the REST API answers `[{ "message": "...", "errorCode": "..." }]`
// with a 4xx status; jsforce turns that into an error whose name is the errorCode.

export class SfApiError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = 'SfApiError';
  }

  toBody(): { message: string; errorCode: string }[] {
    return [{ message: this.message, errorCode: this.errorCode }];
  }
}

const CUSTOM_FIELD_HINT =
  "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.";
const CUSTOM_REL_HINT =
  "If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.";
const CUSTOM_OBJECT_HINT =
  "If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.";

/**
 * Salesforce prefixes query errors with the offending line, a caret and `ERROR at Row:r:Column:c`.
 * We locate the first whole-word occurrence of `token` in the query (case-insensitive); when it cannot
 * be found the prefix is left out.
 */
export function locate(soql: string, token: string | undefined): string {
  if (!token) return '';
  const escaped = token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(^|[^A-Za-z0-9_.])(${escaped})(?![A-Za-z0-9_])`, 'i').exec(soql);
  if (!match) return '';
  const index = match.index + match[1].length;
  const before = soql.slice(0, index);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = index - lineStart + 1;
  const lineEnd = soql.indexOf('\n', index);
  const line = soql.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  return `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n`;
}

export function noSuchColumn(soql: string, field: string, entity: string, token?: string): SfApiError {
  return new SfApiError(
    'INVALID_FIELD',
    `${locate(soql, token ?? field)}No such column '${field}' on entity '${entity}'. ${CUSTOM_FIELD_HINT}`,
  );
}

export function unknownRelationshipInPath(soql: string, relationship: string, token?: string): SfApiError {
  return new SfApiError(
    'INVALID_FIELD',
    `${locate(soql, token ?? relationship)}Didn't understand relationship '${relationship}' in field path. ${CUSTOM_REL_HINT}`,
  );
}

export function unknownChildRelationship(soql: string, relationship: string): SfApiError {
  return new SfApiError(
    'INVALID_TYPE',
    `${locate(soql, relationship)}Didn't understand relationship '${relationship}' in FROM part of query call. ${CUSTOM_REL_HINT}`,
  );
}

export function unknownObject(soql: string, object: string): SfApiError {
  return new SfApiError('INVALID_TYPE', `${locate(soql, object)}sObject type '${object}' is not supported. ${CUSTOM_OBJECT_HINT}`);
}

export function malformed(message: string): SfApiError {
  return new SfApiError('MALFORMED_QUERY', message);
}
