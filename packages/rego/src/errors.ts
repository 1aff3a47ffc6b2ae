/** Syntax error of the PARSE stage: `file:line:column: detail`. Line and column are 1-based. */
export class RegoSyntaxError extends Error {
  override readonly name = 'RegoSyntaxError';
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Human-readable descriptions of the acceptable tokens (e.g. `"if"`, `"{"`); empty when not applicable. */
  readonly expected: readonly string[];
  /** Description of the offending token (e.g. `"["`, `end of file`). */
  readonly found: string;
  /** The message without the `file:line:column: ` prefix. */
  readonly detail: string;

  constructor(file: string, line: number, column: number, detail: string, expected: readonly string[] = [], found = '') {
    super(`${file}:${line}:${column}: ${detail}`);
    this.file = file;
    this.line = line;
    this.column = column;
    this.detail = detail;
    this.expected = expected;
    this.found = found;
  }
}

/** `["a", "b", "c"]` -> `a, b or c` */
export function formatAlternatives(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}
