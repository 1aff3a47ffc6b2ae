import { RULES, type RuleId } from './rules';

export type Severity = 'error' | 'warning';

/** One finding, positioned in the source text (1-based line and column). Stable JSON shape. */
export interface Diagnostic {
  /** Path relative to the project root, with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly message: string;
  /** What to do about it. */
  readonly hint: string;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** The text of one file with a line table, so offsets become line:column. */
export class SourceText {
  private readonly lineStarts: number[];

  constructor(
    /** Path relative to the project root. */
    readonly file: string,
    readonly text: string,
  ) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: clamped - (this.lineStarts[lo] ?? 0) + 1 };
  }

  /** A diagnostic at an offset of this file, with the rule's default severity. */
  diagnostic(offset: number, rule: RuleId, message: string, hint: string): Diagnostic {
    const { line, column } = this.position(offset);
    return { file: this.file, line, column, rule, severity: RULES[rule].severity, message, hint };
  }
}

/** A diagnostic about a file as a whole (missing file, unreadable file): line 1, column 1. */
export function fileDiagnostic(file: string, rule: RuleId, message: string, hint: string): Diagnostic {
  return { file, line: 1, column: 1, rule, severity: RULES[rule].severity, message, hint };
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** Closest candidate by edit distance, for "did you mean" hints; undefined when nothing is close. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
