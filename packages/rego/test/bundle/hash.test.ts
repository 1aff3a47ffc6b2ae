import { createHash } from 'node:crypto';
import { BundleError, opaFileDigest } from '../../src/bundle';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * OPA hashes structured files (data.json, .manifest) as the compact JSON of the parsed document
 * with sorted keys, and everything else by bytes (v1/bundle/hash.go). Vectors marked "OPA" are
 * digests taken from OPA's own tests (v1/bundle/verify_test.go, sign_test.go).
 */
describe('opaFileDigest', () => {
  it('OPA: .manifest {"revision": "quickbrownfaux"} with MD5', () => {
    expect(opaFileDigest('/.manifest', enc('{"revision": "quickbrownfaux"}'), 'MD5')).toBe('a005c38a509dc2d5a7407b9494efb2ad');
  });

  it('OPA: data.json with unsorted keys and whitespace, MD5', () => {
    expect(opaFileDigest('/data.json', enc('{"x": {"y": true}, "a": {"b": {"z": true}}}'), 'MD5')).toBe('36669864a622563256817033b1fc53db');
  });

  it('OPA: a nested data.json holding an array, SHA-512', () => {
    expect(opaFileDigest('/a/b/c/data.json', enc('[1,2,3]'), 'SHA-512')).toBe(
      '60f7b5dc86ded48785436192a08dbfd04894d7f1b417c4f8d3714679a7f78cb3c833f16a8559a1cf1f32968747dc1d95ef34826263dacf125ded8f5c374be4c0',
    );
  });

  it('OPA: a data.json holding true, MD5', () => {
    expect(opaFileDigest('/a/b/d/data.json', enc('true'), 'MD5')).toBe('b326b5062b2f0e69046810717534cb09');
  });

  it('hashes other files by their bytes, whitespace and all', () => {
    expect(opaFileDigest('/policy.rego', enc('package example'))).toBe(sha256('package example'));
    expect(opaFileDigest('/x.json', enc('{ "b": 1, "a": 2 }'))).toBe(sha256('{ "b": 1, "a": 2 }'));
    expect(opaFileDigest('/policy.wasm', new Uint8Array([0, 97, 115, 109]))).toBe(
      createHash('sha256')
        .update(Buffer.from([0, 97, 115, 109]))
        .digest('hex'),
    );
  });

  it.each([
    ['whitespace and key order do not matter', '{ "b" : [1, 2] ,\n "a": {"d": null, "c": false} }', '{"a":{"c":false,"d":null},"b":[1,2]}'],
    [
      'number literals are kept as written (Go UseNumber)',
      '{"a": 1.0, "b": 1e2, "c": -0, "d": 123.45678911111111111111111111111111111111111111111111111}',
      '{"a":1.0,"b":1e2,"c":-0,"d":123.45678911111111111111111111111111111111111111111111111}',
    ],
    ['HTML characters are not escaped', '{"h": "<foo></foo> & more"}', '{"h":"<foo></foo> & more"}'],
    ['\\u escapes are decoded, \\/ unescaped', '{"s": "\\u0041\\/\\u00e9"}', '{"s":"A/é"}'],
    ['control characters use Go escapes', '{"c": "\\b\\f\\n\\r\\t\\u0001\\u001f"}', '{"c":"\\b\\f\\n\\r\\t\\u0001\\u001f"}'],
    ['U+2028 and U+2029 are escaped', '{"l": "a\u2028b\u2029c"}', '{"l":"a\\u2028b\\u2029c"}'],
    ['a lone surrogate becomes U+FFFD', '{"s": "\\ud800x"}', '{"s":"\uFFFDx"}'],
    ['keys sort by UTF-8 bytes (Go), not UTF-16', '{"\uFF61": 1, "\u{1F600}": 2, "a": 3}', '{"a":3,"\uFF61":1,"\u{1F600}":2}'],
    ['the last of duplicate keys wins', '{"a": 1, "a": 2}', '{"a":2}'],
    ['non-ASCII is hashed as UTF-8', '{"k": "α©™"}', '{"k":"α©™"}'],
  ])('structured JSON: %s', (_name, file, canonical) => {
    expect(opaFileDigest('/data.json', enc(file))).toBe(sha256(canonical));
  });

  it.each([
    ['a trailing comma', '{"a": 1,}', /^\/data\.json:1:9: expected a string key, found "}"/],
    ['a comment', '{"a": 1 // no\n}', /^\/data\.json:1:9: expected "," or "}" in object, found "\/"/],
    ['single quotes', "{'a': 1}", /^\/data\.json:1:2: expected a string key/],
    ['a leading zero', '[01]', /^\/data\.json:1:3: expected "," or "]" in array, found "1"/],
    ['NaN', '[NaN]', /^\/data\.json:1:2: expected a JSON value, found "N"/],
    ['trailing garbage', '{} {}', /^\/data\.json:1:4: unexpected "{" after the top-level value/],
    ['a raw newline in a string', '{"a": "x\ny"}', /^\/data\.json:1:9: control character U\+000A in string/],
    ['a bad escape', '{"a": "\\x"}', /invalid escape \\x/],
    ['an unterminated string', '{"a": "x', /unterminated string/],
  ])('rejects invalid JSON: %s', (_name, file, message) => {
    expect(() => opaFileDigest('/data.json', enc(file))).toThrow(message);
  });

  it('rejects a BOM, invalid UTF-8 and unknown algorithms', () => {
    expect(() => opaFileDigest('/data.json', new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toThrow(/byte order mark/);
    expect(() => opaFileDigest('/data.json', new Uint8Array([0x22, 0xff, 0x22]))).toThrow(/not valid UTF-8/);
    expect(() => opaFileDigest('/data.json', enc('{}'), 'MD6')).toThrow(BundleError);
    expect(() => opaFileDigest('/data.yaml', enc('a: 1'))).toThrow(/data\.yaml files are not implemented/);
  });

  it('supports every OPA hash algorithm', () => {
    for (const [opa, node] of [
      ['MD5', 'md5'],
      ['SHA-1', 'sha1'],
      ['SHA-224', 'sha224'],
      ['SHA-256', 'sha256'],
      ['SHA-384', 'sha384'],
      ['SHA-512', 'sha512'],
      ['SHA-512-224', 'sha512-224'],
      ['SHA-512-256', 'sha512-256'],
    ] as const) {
      expect(opaFileDigest('/x.rego', enc('package x'), opa)).toBe(createHash(node).update('package x').digest('hex'));
    }
  });
});
