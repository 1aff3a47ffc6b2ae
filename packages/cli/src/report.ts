import { codeFrameColumns } from '@babel/code-frame';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '@dynamic-capital/contracts-model';

/** Human output: `file:line:col severity [rule] message`, a code frame, and the hint. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], root: string, color: boolean): string {
  const texts = new Map<string, string | undefined>();
  const lines: string[] = [];
  for (const d of diagnostics) {
    if (!texts.has(d.file)) {
      try {
        texts.set(d.file, fs.readFileSync(path.join(root, d.file), 'utf8'));
      } catch {
        texts.set(d.file, undefined);
      }
    }
    const severity = color ? (d.severity === 'error' ? '\x1b[31merror\x1b[0m' : '\x1b[33mwarning\x1b[0m') : d.severity;
    lines.push(`${d.file}:${d.line}:${d.column} ${severity} [${d.rule}] ${d.message}`);
    const text = texts.get(d.file);
    if (text !== undefined && text.length > 0) {
      const frame = codeFrameColumns(text, { start: { line: d.line, column: d.column } }, { highlightCode: color, linesAbove: 1, linesBelow: 1 });
      lines.push(frame.replace(/^/gm, '  '));
    }
    lines.push(`  hint: ${d.hint}`, '');
  }
  return lines.join('\n');
}

export function summarize(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const files = new Set(diagnostics.map((d) => d.file)).size;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`;
}
