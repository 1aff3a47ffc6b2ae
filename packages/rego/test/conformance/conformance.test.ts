/**
 * OPA's conformance cases through this compiler and the official SDK. Target: at least 90% of all
 * cases pass, and every case that does not pass fails at compile time with an `unsupported`
 * error — never a different result.
 */
import { closeAssemblyScript } from '../../src/emit/asc';
import { loadCases } from './cases';
import { runCase, type Outcome } from './harness';

afterAll(() => closeAssemblyScript());

test('OPA conformance: >= 90% pass, every other case is a compile-time "unsupported" error', async () => {
  const cases = loadCases();
  expect(cases.length).toBeGreaterThan(200);
  const byCategory = new Map<string, { pass: number; unsupported: number; wrong: number }>();
  const notPassing: string[] = [];
  const wrong: string[] = [];
  for (const c of cases) {
    const outcome: Outcome = await runCase(c);
    const row = byCategory.get(c.category) ?? { pass: 0, unsupported: 0, wrong: 0 };
    row[outcome.status]++;
    byCategory.set(c.category, row);
    if (outcome.status !== 'pass') notPassing.push(`[${outcome.status}] ${c.category}/${c.file}: ${c.note}\n    ${outcome.detail.split('\n').join('\n    ')}`);
    if (outcome.status === 'wrong') wrong.push(c.note);
  }
  const total = cases.length;
  const passed = [...byCategory.values()].reduce((n, r) => n + r.pass, 0);
  const lines = [...byCategory].map(
    ([category, r]) => `${category.padEnd(22)} pass ${String(r.pass).padStart(3)}  unsupported ${String(r.unsupported).padStart(2)}  wrong ${r.wrong}`,
  );
  console.log(`OPA conformance: ${passed}/${total} pass (${((100 * passed) / total).toFixed(1)}%)\n${lines.join('\n')}\n\n${notPassing.join('\n')}`);
  expect(wrong).toEqual([]);
  expect(passed / total).toBeGreaterThanOrEqual(0.9);
}, 900_000);
