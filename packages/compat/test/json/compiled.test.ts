/** Compile once, diff many times: compiled schemas give the one-shot results and carry no state between diffs. */
import { checkLevel, prepare } from '../../src/levels';
import type { SchemaInput } from '../../src/types';
import { CORPUS_FILES, loadCorpus } from './corpus';
import {
  checkJsonCompiled,
  checkJsonReaderWriter,
  compileJson,
  diffJsonCompiled,
  diffJsonSchemas,
  SchemaLoadError,
  type CompiledJson,
  type JsonPolicy,
} from '../../src/json';

interface Pair {
  readonly original: SchemaInput;
  readonly update: SchemaInput;
}

const corpus: Pair[] = CORPUS_FILES.flatMap((file) => {
  const cases = loadCorpus(file);
  return cases.map((c) => ({ original: { schema: c.original_schema }, update: { schema: c.update_schema } }));
});

const POLICIES: readonly JsonPolicy[] = ['strict', 'lenient'];

describe('compiled JSON schemas', () => {
  it('match the one-shot results on the Confluent corpus, each schema compiled once and reused across every diff', () => {
    const compiled = corpus.map((p) => ({ original: compileJson(p.original), update: compileJson(p.update) }));
    // Every compiled schema is used many times, in both roles and interleaved with other schemas' diffs.
    for (const policy of POLICIES) {
      corpus.forEach((p, i) => {
        const c = compiled[i] as { original: CompiledJson; update: CompiledJson };
        expect(diffJsonCompiled(c.original, c.update, { policy })).toEqual(diffJsonSchemas(p.original, p.update, { policy }));
        expect(diffJsonCompiled(c.update, c.original, { policy })).toEqual(diffJsonSchemas(p.update, p.original, { policy }));
        expect(diffJsonCompiled(c.original, c.original, { policy })).toEqual(diffJsonSchemas(p.original, p.original, { policy }));
        expect(checkJsonCompiled(c.update, c.original, { policy })).toEqual(checkJsonReaderWriter(p.update, p.original, { policy }));
      });
    }
  });

  it('compares a compiled schema with itself as it compares two loads of it (recursion through not and unions)', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $defs: {
        node: {
          type: 'object',
          properties: {
            next: { $ref: '#/$defs/node' },
            other: { not: { $ref: '#/$defs/leaf' } },
            value: { anyOf: [{ type: 'string' }, { $ref: '#/$defs/leaf' }] },
          },
          additionalProperties: { $ref: '#/$defs/leaf' },
        },
        leaf: { not: { $ref: '#/$defs/node' }, maxLength: 3 },
      },
      $ref: '#/$defs/node',
    };
    const once = compileJson({ schema });
    expect(diffJsonCompiled(once, once)).toEqual(diffJsonSchemas({ schema }, { schema }));
    expect(diffJsonCompiled(once, once)).toEqual(diffJsonCompiled(once, once));
  });

  it('defer load errors to the diff, throwing the original before the update', () => {
    const missing = compileJson({ schema: { properties: { a: { $ref: 'https://example.com/missing.json' } } } });
    const badType = compileJson({ schema: { type: 'nonsense' } });
    const fine = compileJson({ schema: { type: 'string' } });
    expect(() => diffJsonCompiled(missing, fine)).toThrow(SchemaLoadError);
    expect(() => diffJsonCompiled(fine, badType)).toThrow(/Unknown type "nonsense"/);
    expect(() => diffJsonCompiled(missing, badType)).toThrow(/Cannot resolve \$ref/);
    expect(() => diffJsonCompiled(badType, missing)).toThrow(/Unknown type "nonsense"/);
    expect(() => checkJsonCompiled(missing, badType)).toThrow(/Unknown type "nonsense"/); // the writer is the original
    expect(diffJsonCompiled(fine, fine).compatible).toBe(true);
  });
});

describe('levels with JSON Schema', () => {
  const revision = (required: string[]): SchemaInput => ({
    schema: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, required, additionalProperties: false },
  });

  it('prepare compiles once and checkLevel reports what the one-shot checks report', () => {
    const history = [revision([]), revision(['a'])];
    const candidate = revision(['a', 'b']);
    const result = checkLevel(
      prepare('json', candidate),
      history.map((h) => prepare('json', h)),
      'FULL_TRANSITIVE',
    );
    const expected = history.flatMap((h, revision) =>
      checkJsonReaderWriter(candidate, h).map((f) => ({
        rule: f.rule,
        message: f.message,
        newPath: f.readerPath,
        oldPath: f.writerPath,
        revision,
        direction: 'backward',
      })),
    );
    expect(result.compatible).toBe(false);
    expect(result.incompatibilities).toEqual([...expected].sort((x, y) => y.revision - x.revision));
  });

  it('prepare accepts a schema that cannot load; checkLevel throws SchemaLoadError only when it compares it', () => {
    const broken = prepare('json', { schema: { $ref: 'missing.json' } });
    const fine = prepare('json', revision([]));
    expect(checkLevel(broken, [fine], 'NONE').compatible).toBe(true);
    expect(() => checkLevel(broken, [fine], 'BACKWARD')).toThrow(SchemaLoadError);
    expect(() => checkLevel(fine, [broken], 'FORWARD')).toThrow(SchemaLoadError);
  });
});
