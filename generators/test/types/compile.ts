/** Test helper: type-check generated files with the TypeScript compiler API (strict, noEmit). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';

export interface CompiledDiagnostic {
  readonly file: string;
  /** 1-based line of the diagnostic's start. */
  readonly line: number;
  readonly code: number;
  readonly message: string;
}

const ROOT = path.resolve(__dirname, '../../..');

/** Write `files` (name -> text) to a fresh temp dir and type-check them all together. */
export function typeCheck(files: ReadonlyMap<string, string>): CompiledDiagnostic[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contracts-types-'));
  try {
    const names: string[] = [];
    for (const [name, text] of files) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      names.push(file);
    }
    const program = ts.createProgram(names, {
      strict: true,
      noEmit: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
      skipLibCheck: true,
    });
    return ts.getPreEmitDiagnostics(program).map((d) => ({
      file: d.file ? path.basename(d.file.fileName) : '',
      line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
      code: d.code,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
