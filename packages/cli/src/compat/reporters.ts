import { codeFrameColumns } from '@babel/code-frame';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContractVerdict, GateReport } from './gate';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const STATUS_WORD: Record<ContractVerdict['status'], string> = {
  new: 'new (no history: passes; `contracts lock` records it)',
  unchanged: 'unchanged',
  compatible: 'compatible',
  incompatible: 'INCOMPATIBLE',
};

/** Text: grouped by contract, each incompatibility with a code frame at its place in the current file. */
export function textReport(report: GateReport, root: string, color: boolean): string {
  const out: string[] = [];
  const counts = new Map<string, number>();
  for (const c of report.contracts) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  for (const c of report.contracts) {
    const mark = c.status === 'incompatible' ? (color ? '\x1b[31m✗\x1b[0m' : '✗') : '✓';
    const against = c.revisions === 0 ? '' : `, checked against ${c.checked} of ${c.revisions} revision${c.revisions === 1 ? '' : 's'}`;
    out.push(`${mark} ${c.contract} [${c.level}${against}]: ${STATUS_WORD[c.status]}`);
    if (c.findings.length === 0) continue;
    let text: string | undefined;
    try {
      text = fs.readFileSync(path.join(root, c.file), 'utf8');
    } catch {
      text = undefined;
    }
    for (const f of c.findings) {
      out.push(`  ${c.file}:${f.line}:${f.column} ${f.rule}: ${f.message}`);
      out.push(
        `    ${f.direction === 'backward' ? 'the new schema cannot read data written with' : 'readers of'} revision ${f.revision}${f.direction === 'forward' ? ' cannot read data written with the new schema' : ''} (old ${f.oldPath || '/'}, new ${f.newPath || '/'})`,
      );
      if (text)
        out.push(
          codeFrameColumns(text, { start: { line: f.line, column: f.column } }, { highlightCode: color, linesAbove: 1, linesBelow: 1 }).replace(/^/gm, '    '),
        );
      if (f.doc) out.push(`    rule: ${f.doc}`);
    }
  }
  const summary = [...counts.entries()].map(([status, n]) => `${n} ${status}`).join(', ');
  out.push(
    '',
    `compat against ${report.against}: ${report.contracts.length} contracts (${summary || 'none'}): ${report.compatible ? 'compatible' : 'INCOMPATIBLE'}`,
  );
  return out.join('\n') + '\n';
}

/** The stable JSON shape: {against, compatible, contracts: [{contract, file, format, level, status, revisions, checked, findings}]}. */
export function jsonReport(report: GateReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** SARIF 2.1.0, one result per incompatibility, for code-scanning uploads. */
export function sarifReport(report: GateReport): string {
  const rules = new Map<string, string>();
  const results: unknown[] = [];
  for (const c of report.contracts) {
    for (const f of c.findings) {
      rules.set(f.rule, f.doc || f.rule);
      results.push({
        ruleId: f.rule,
        level: 'error',
        message: { text: `${c.contract} (${c.level}, revision ${f.revision}, ${f.direction}): ${f.message}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: c.file, uriBaseId: '%SRCROOT%' }, region: { startLine: f.line, startColumn: f.column } } }],
        properties: { contract: c.contract, oldPath: f.oldPath, newPath: f.newPath },
      });
    }
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'contracts compat',
            rules: [...rules.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, doc]) => ({ id, shortDescription: { text: doc } })),
          },
        },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML: one test case per contract, failed when incompatible. */
export function junitReport(report: GateReport): string {
  const failures = report.contracts.filter((c) => c.status === 'incompatible').length;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="contracts compat" tests="${report.contracts.length}" failures="${failures}">`];
  lines.push(`  <testsuite name="compat against ${xml(report.against)}" tests="${report.contracts.length}" failures="${failures}">`);
  for (const c of report.contracts) {
    lines.push(`    <testcase classname="${xml(c.level)}" name="${xml(c.contract)}" file="${xml(c.file)}">`);
    if (c.status === 'incompatible') {
      const detail = c.findings.map((f) => `${c.file}:${f.line}:${f.column} ${f.rule}: ${f.message}`).join('\n');
      lines.push(
        `      <failure type="incompatible" message="${xml(`${c.findings.length} incompatibilit${c.findings.length === 1 ? 'y' : 'ies'}`)}">${xml(detail)}</failure>`,
      );
    } else {
      lines.push(`      <system-out>${xml(c.status)}</system-out>`);
    }
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}

/** GitHub Actions workflow commands, so incompatibilities show as annotations on the pull request. */
export function githubAnnotations(report: GateReport): string {
  const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const out: string[] = [];
  for (const c of report.contracts) {
    for (const f of c.findings) {
      out.push(
        `::error file=${escapeProperty(c.file)},line=${f.line},col=${f.column},title=${escapeProperty(`${f.rule} (${c.contract})`)}::${escapeData(f.message)}`,
      );
    }
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

export function renderReport(report: GateReport, format: ReportFormat, root: string, color: boolean): string {
  switch (format) {
    case 'text':
      return textReport(report, root, color);
    case 'json':
      return jsonReport(report);
    case 'sarif':
      return sarifReport(report);
    case 'junit':
      return junitReport(report);
  }
}
