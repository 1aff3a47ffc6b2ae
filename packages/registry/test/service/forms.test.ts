/** The normalized form behind `?normalize=true`: equal however written, different when it means something else. */
import { normalizedText } from '../../src/service';

const avro = (json: unknown, referenced: unknown[] = []): string => normalizedText('AVRO', json, referenced);

describe('Avro normalized form', () => {
  it('spells names in full and drops namespace, whitespace and attribute order', () => {
    const a = { type: 'record', name: 'User', namespace: 'ex', fields: [{ name: 'id', type: { type: 'long' } }] };
    const b = { fields: [{ type: 'long', name: 'id' }], name: 'ex.User', type: 'record' };
    expect(avro(a)).toBe('{"name":"ex.User","type":"record","fields":[{"name":"id","type":"long"}]}');
    expect(avro(b)).toBe(avro(a));
  });

  it('writes a named type once and by full name after, resolving short names in the enclosing namespace', () => {
    const schema = {
      type: 'record',
      name: 'Pair',
      namespace: 'ex',
      fields: [
        { name: 'left', type: { type: 'enum', name: 'Side', symbols: ['A', 'B'], default: 'A' } },
        { name: 'right', type: 'Side' },
        { name: 'next', type: ['null', 'Pair'], default: null },
      ],
    };
    expect(avro(schema)).toBe(
      '{"name":"ex.Pair","type":"record","fields":[' +
        '{"name":"left","type":{"name":"ex.Side","type":"enum","symbols":["A","B"],"default":"A"}},' +
        '{"name":"right","type":"ex.Side"},' +
        '{"name":"next","type":["null","ex.Pair"],"default":null}]}',
    );
  });

  it('keeps what matters to a registry: docs, defaults, aliases (sorted), order, logical types, properties', () => {
    const field = {
      name: 'p',
      type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 },
      doc: 'price',
      aliases: ['z', 'a'],
      order: 'DESCENDING',
      x: 1,
    };
    const text = avro({ type: 'record', name: 'R', fields: [field] });
    expect(text).toBe(
      '{"name":"R","type":"record","fields":[{"name":"p","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2},' +
        '"order":"descending","doc":"price","aliases":["a","z"],"x":1}]}',
    );
    expect(avro({ type: 'record', name: 'R', fields: [{ ...field, order: 'ascending' }] })).not.toContain('order');
    expect(avro({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int', default: 1 }] })).not.toBe(
      avro({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int', default: 2 }] }),
    );
  });

  it('keeps a null-namespace type inside a namespaced one in the null namespace', () => {
    const schema = { type: 'record', name: 'Outer', namespace: 'ex', fields: [{ name: 'i', type: { type: 'fixed', name: 'Raw', namespace: '', size: 4 } }] };
    expect(avro(schema)).toBe('{"name":"ex.Outer","type":"record","fields":[{"name":"i","type":{"name":"Raw","namespace":"","type":"fixed","size":4}}]}');
  });

  it('writes types defined in references by name', () => {
    const instrument = { type: 'record', name: 'Instrument', namespace: 'dc', fields: [{ name: 's', type: 'string' }] };
    const order = { type: 'record', name: 'Order', namespace: 'dc', fields: [{ name: 'i', type: 'Instrument' }] };
    expect(avro(order, [instrument])).toBe('{"name":"dc.Order","type":"record","fields":[{"name":"i","type":"dc.Instrument"}]}');
  });
});

describe('JSON Schema normalized form', () => {
  it('is the document with sorted keys', () => {
    expect(normalizedText('JSON', { type: 'object', properties: { b: {}, a: {} } }, [])).toBe('{"properties":{"a":{},"b":{}},"type":"object"}');
  });
});
