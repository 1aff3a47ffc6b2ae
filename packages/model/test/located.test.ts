import { parseJson, parseYaml, SourceText } from '@dynamic-capital/contracts-model';

describe('source positions', () => {
  it('maps offsets to 1-based line and column', () => {
    const src = new SourceText('f', 'ab\ncd\n\nx');
    expect(src.position(0)).toEqual({ line: 1, column: 1 });
    expect(src.position(4)).toEqual({ line: 2, column: 2 });
    expect(src.position(7)).toEqual({ line: 4, column: 1 });
  });

  it('locates JSON values and keys by pointer, with escaped segments', () => {
    const result = parseJson(new SourceText('f.json', '{\n  "a/b": [1, {"c~d": true}]\n}'));
    if (!result.ok) throw new Error('should parse');
    const doc = result.document;
    expect(doc.source.position(doc.offsetOf('/a~1b'))).toEqual({ line: 2, column: 10 });
    expect(doc.source.position(doc.offsetOf('/a~1b', 'key'))).toEqual({ line: 2, column: 3 });
    expect(doc.source.position(doc.offsetOf('/a~1b/1/c~0d'))).toEqual({ line: 2, column: 22 });
    // An absent pointer falls back to its nearest present ancestor.
    expect(doc.offsetOf('/a~1b/7')).toBe(doc.offsetOf('/a~1b'));
  });

  it('reports JSON syntax errors at the offending character', () => {
    const result = parseJson(new SourceText('f.json', '{"a": 1,\n "b": }'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostic).toMatchObject({ rule: 'json-syntax', line: 2, column: 7 });
  });

  it('reports a trailing comma in an array at the comma', () => {
    const result = parseJson(new SourceText('f.json', '[1, 2,\n]'));
    if (result.ok) throw new Error('should not parse');
    expect(result.diagnostic).toMatchObject({ line: 1, column: 6, message: "trailing comma before ']'" });
  });

  it('locates YAML keys and values and reports duplicate keys', () => {
    const parsed = parseYaml(new SourceText('f.yaml', 'a:\n  b: [x, y]\na: 2\n'));
    expect(parsed.errors).toEqual([expect.objectContaining({ code: 'DUPLICATE_KEY', offset: 15 })]);
    const doc = parsed.document;
    if (!doc) throw new Error('should give a document');
    expect(doc.source.position(doc.offsetOf('/a/b/1'))).toEqual({ line: 2, column: 10 });
    expect(doc.source.position(doc.offsetOf('/a/b', 'key'))).toEqual({ line: 2, column: 3 });
  });
});
