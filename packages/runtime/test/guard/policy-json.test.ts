/** The policy JSON of contract values: Avro decimals as JSON number literals, digit for digit. */
import { contractJsonWriter, decimalLiteral, policyInputEncoder } from '../../src';
import { complianceAlert, contractSchema, fillEvent } from '../serde/contracts';

/** `value` with every string that is a decimal of the fill schema's decimal fields turned into a number. */
function numbersAt(value: unknown, decimals: ReadonlySet<string>, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => numbersAt(v, decimals, key));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbersAt(v, decimals, k)]));
  return typeof value === 'string' && decimals.has(key) ? Number(value) : value;
}

test('decimalLiteral normalizes exact decimals and refuses anything else', () => {
  expect(decimalLiteral('130000.00000000')).toBe('130000');
  expect(decimalLiteral('0.50000000')).toBe('0.5');
  expect(decimalLiteral('-0.00000001')).toBe('-0.00000001');
  expect(decimalLiteral('-007.50')).toBe('-7.5');
  expect(decimalLiteral('-0.000')).toBe('0');
  expect(decimalLiteral('9999999999.99999999')).toBe('9999999999.99999999');
  for (const bad of ['', '1.', '.5', '1e5', '+1', '1,5', ' 1', 'NaN']) expect(decimalLiteral(bad)).toBeUndefined();
});

test('an Avro contract value: decimals (nested, in arrays, nullable) become numbers, everything else stays as JSON.stringify writes it', () => {
  const write = contractJsonWriter(contractSchema('execution.event.fill.v1'));
  const fill = fillEvent();
  const text = write(fill);
  // exact digits, not rounded through a double
  expect(text).toContain('"remaining_quantity":9999999999.99999999');
  expect(text).toContain('"fee":-0.00000001');
  const decimals = new Set(['price', 'quantity', 'fee', 'cumulative_quantity', 'remaining_quantity', 'average_price']);
  decimals.add('realised_pnl_usd').add('fees_usd').add('net_realised_pnl_usd').add('arrival_price').add('slippage_usd').add('fx_rate_to_usd');
  expect(JSON.parse(text)).toEqual(numbersAt(JSON.parse(JSON.stringify(fill)), decimals));
  // a value that does not fit the schema is written as it is: the policy sees what it was given
  expect(JSON.parse(write({ ...fill, fills: 'none', remaining_quantity: '1.5e3' }))).toMatchObject({ fills: 'none', remaining_quantity: '1.5e3' });
});

test('a JSON Schema contract value is written unchanged; an input encoder converts only the listed keys', () => {
  const alert = complianceAlert();
  expect(contractJsonWriter(contractSchema('compliance.event.alert.v1'))(alert)).toBe(JSON.stringify(alert));
  const encode = policyInputEncoder({ intent: contractSchema('execution.event.fill.v1') });
  const text = encode({ intent: { average_price: '1.10' }, context: { average_price: '1.10' }, now_ms: 5, skipped: undefined });
  expect(text).toBe('{"intent":{"average_price":1.1},"context":{"average_price":"1.10"},"now_ms":5}');
  expect(encode(null)).toBe('null');
});
