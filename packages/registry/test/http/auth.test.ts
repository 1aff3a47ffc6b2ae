/** Authentication (Basic, Bearer), per-prefix authorization, the auth file and the hash helpers. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AuthConfigError,
  Authenticator,
  generateToken,
  hashSecret,
  loadAuthConfig,
  parseHash,
  validateAuthConfig,
  verifySecret,
  type AuthConfig,
} from '../../src/auth';
import { AVRO_RECORD, startHarness, type Answer, type Harness } from './helpers';

const basic = (user: string, password: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

const ciToken = generateToken();
const adminToken = generateToken('scrypt');

// Hashed once for the whole file (scrypt is deliberately slow).
const config: AuthConfig = {
  users: [
    { name: 'admin', passwordHash: hashSecret('admin-pw'), admin: true },
    { name: 'order', passwordHash: hashSecret('order-pw'), permissions: [{ prefix: 'order.', access: ['read', 'write'] }] },
    {
      name: 'reader',
      passwordHash: hashSecret('reader-pw', 'sha256'),
      permissions: [
        { prefix: 'order.', access: ['read'] },
        { prefix: 'risk.', access: ['read'] },
      ],
    },
    { name: 'global', passwordHash: hashSecret('global-pw', 'sha256'), permissions: [{ prefix: '', access: ['read', 'write'] }] },
    { name: 'writer', passwordHash: hashSecret('writer-pw', 'sha256'), permissions: [{ prefix: 'risk.', access: ['write'] }] },
  ],
  tokens: [
    { name: 'ci', tokenHash: ciToken.hash, permissions: [{ prefix: '', access: ['read'] }] },
    { name: 'root', tokenHash: adminToken.hash, admin: true },
  ],
};

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ auth: config });
  const admin = basic('admin', 'admin-pw');
  for (const subject of ['order.fill-value', 'risk.limit-value', 'other-value']) {
    expect(
      (await h.call('POST', `/subjects/${subject}/versions`, { body: { schema: AVRO_RECORD.replace('Fill', subject.replace(/[.-]/g, '_')) }, headers: admin }))
        .status,
    ).toBe(200);
  }
});

afterAll(async () => {
  await h.close();
});

function expectStatus(r: Answer, status: number, code?: number): void {
  expect([r.status, code === undefined ? undefined : (r.body as { error_code?: number }).error_code]).toEqual([status, code]);
}

describe('authentication', () => {
  it('no credentials: 401/40101 with a Basic challenge, on every route including unknown ones', async () => {
    for (const [method, p] of [
      ['GET', '/'],
      ['GET', '/subjects'],
      ['GET', '/schemas/ids/1'],
      ['GET', '/config'],
      ['GET', '/nope'],
    ] as const) {
      const r = await h.call(method, p);
      expectStatus(r, 401, 40101);
      expect(r.headers.get('www-authenticate')).toMatch(/^Basic realm="schema-registry"/);
    }
  });

  it('is checked before the body is read', async () => {
    const r = await h.call('POST', '/subjects/order.fill-value/versions', { raw: '{not json' });
    expectStatus(r, 401, 40101);
  });

  it.each([
    ['wrong password', basic('order', 'nope')],
    ['unknown user', basic('ghost', 'order-pw')],
    ['empty password', basic('order', '')],
    ['no colon', { authorization: `Basic ${Buffer.from('order').toString('base64')}` }],
    ['not base64', { authorization: 'Basic !!!' }],
    ['empty Basic', { authorization: 'Basic ' }],
    ['unknown scheme', { authorization: 'Digest abc' }],
    ['wrong token', bearer('not-a-token')],
    ['password as token', bearer('order-pw')],
    ['token as password', basic('ci', ciToken.token)],
  ])('%s: 401', async (_label, headers) => {
    const r = await h.call('GET', '/subjects', { headers });
    expectStatus(r, 401, 40101);
    expect(r.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it('Basic and Bearer credentials work, the scheme case-insensitively', async () => {
    expectStatus(await h.call('GET', '/subjects', { headers: basic('order', 'order-pw') }), 200);
    expectStatus(
      await h.call('GET', '/subjects', { headers: { authorization: basic('order', 'order-pw')['authorization']?.replace('Basic', 'basic') ?? '' } }),
      200,
    );
    expectStatus(await h.call('GET', '/subjects', { headers: bearer(ciToken.token) }), 200);
    expectStatus(await h.call('GET', '/subjects', { headers: bearer(adminToken.token) }), 200);
  });

  it('a password containing ":" works (split at the first colon)', async () => {
    const other = await startHarness({ auth: { users: [{ name: 'u', passwordHash: hashSecret('a:b:c', 'sha256'), admin: true }] } });
    try {
      expectStatus(await other.call('GET', '/subjects', { headers: basic('u', 'a:b:c') }), 200);
      expectStatus(await other.call('GET', '/subjects', { headers: basic('u', 'a:b') }), 401, 40101);
    } finally {
      await other.close();
    }
  });

  it('a cached credential stays valid and a wrong one is not cached', async () => {
    for (let i = 0; i < 3; i++) {
      expectStatus(await h.call('GET', '/schemas/types', { headers: basic('order', 'order-pw') }), 200);
      expectStatus(await h.call('GET', '/schemas/types', { headers: basic('order', 'order-pwx') }), 401, 40101);
    }
  });
});

describe('authorization', () => {
  it('subject routes follow the prefix: read', async () => {
    const reader = basic('reader', 'reader-pw');
    expectStatus(await h.call('GET', '/subjects/order.fill-value/versions', { headers: reader }), 200);
    expectStatus(await h.call('GET', '/subjects/risk.limit-value/versions/latest', { headers: reader }), 200);
    expectStatus(await h.call('GET', '/subjects/other-value/versions', { headers: reader }), 403, 40301);
    expectStatus(await h.call('GET', '/subjects/other-value/versions/1/schema', { headers: reader }), 403, 40301);
    expectStatus(await h.call('POST', '/subjects/order.fill-value', { body: { schema: 'x' }, headers: reader }), 404, 40403);
    expectStatus(await h.call('POST', '/subjects/other-value', { body: { schema: 'x' }, headers: reader }), 403, 40301);
    expectStatus(await h.call('POST', '/compatibility/subjects/order.fill-value/versions', { body: { schema: '"int"' }, headers: reader }), 200);
    expectStatus(await h.call('POST', '/compatibility/subjects/other-value/versions', { body: { schema: '"int"' }, headers: reader }), 403, 40301);
  });

  it('subject routes follow the prefix: write', async () => {
    const reader = basic('reader', 'reader-pw');
    const order = basic('order', 'order-pw');
    expectStatus(await h.call('POST', '/subjects/order.fill-value/versions', { body: { schema: '"int"' }, headers: reader }), 403, 40301);
    expectStatus(await h.call('POST', '/subjects/order.new-value/versions', { body: { schema: '"int"' }, headers: order }), 200);
    expectStatus(await h.call('POST', '/subjects/risk.new-value/versions', { body: { schema: '"int"' }, headers: order }), 403, 40301);
    expectStatus(await h.call('DELETE', '/subjects/order.new-value/versions/1', { headers: reader }), 403, 40301);
    expectStatus(await h.call('DELETE', '/subjects/order.new-value/versions/1', { headers: order }), 200);
    expectStatus(await h.call('DELETE', '/subjects/risk.limit-value', { headers: order }), 403, 40301);
    expectStatus(await h.call('PUT', '/config/order.fill-value', { body: { compatibility: 'FULL' }, headers: order }), 200);
    expectStatus(await h.call('PUT', '/config/risk.limit-value', { body: { compatibility: 'FULL' }, headers: order }), 403, 40301);
    expectStatus(await h.call('PUT', '/mode/order.fill-value', { body: { mode: 'READWRITE' }, headers: order }), 200);
    expectStatus(await h.call('DELETE', '/mode/order.fill-value', { headers: reader }), 403, 40301);
  });

  it('write does not imply read', async () => {
    const writer = basic('writer', 'writer-pw');
    expectStatus(await h.call('POST', '/subjects/risk.w-value/versions', { body: { schema: '"int"' }, headers: writer }), 200);
    expectStatus(await h.call('GET', '/subjects/risk.w-value/versions', { headers: writer }), 403, 40301);
  });

  it('a 403 comes before body validation', async () => {
    expectStatus(await h.call('POST', '/subjects/other-value/versions', { raw: '{"schema": 1}', headers: basic('reader', 'reader-pw') }), 403, 40301);
  });

  it('global /config and /mode need admin or a permission on ""', async () => {
    const order = basic('order', 'order-pw');
    const global = basic('global', 'global-pw');
    const ci = bearer(ciToken.token);
    expectStatus(await h.call('GET', '/config', { headers: order }), 403, 40301);
    expectStatus(await h.call('GET', '/mode', { headers: order }), 403, 40301);
    expectStatus(await h.call('PUT', '/config', { body: { compatibility: 'FULL' }, headers: order }), 403, 40301);
    expectStatus(await h.call('GET', '/config', { headers: ci }), 200);
    expectStatus(await h.call('PUT', '/config', { body: { compatibility: 'FULL' }, headers: ci }), 403, 40301);
    expectStatus(await h.call('DELETE', '/mode', { headers: ci }), 403, 40301);
    expectStatus(await h.call('PUT', '/config', { body: { compatibility: 'BACKWARD' }, headers: global }), 200);
    expectStatus(await h.call('PUT', '/mode', { body: { mode: 'READWRITE' }, headers: basic('admin', 'admin-pw') }), 200);
    expectStatus(await h.call('DELETE', '/config', { headers: bearer(adminToken.token) }), 200);
  });

  it('GET /subjects shows only readable subjects', async () => {
    // (order.new-value's only version was soft-deleted above.)
    expect((await h.call('GET', '/subjects', { headers: basic('reader', 'reader-pw') })).body).toEqual([
      'order.fill-value',
      'risk.limit-value',
      'risk.w-value',
    ]);
    expect((await h.call('GET', '/subjects', { headers: basic('writer', 'writer-pw') })).body).toEqual([]);
    expect((await h.call('GET', '/subjects', { headers: bearer(ciToken.token) })).body).toEqual([
      'order.fill-value',
      'other-value',
      'risk.limit-value',
      'risk.w-value',
    ]);
  });

  it('schemas by id need read on a subject the schema is registered under', async () => {
    const order = basic('order', 'order-pw');
    const ids = new Map<string, number>();
    for (const subject of ['order.fill-value', 'other-value']) {
      ids.set(subject, ((await h.call('GET', `/subjects/${subject}/versions/1`, { headers: bearer(adminToken.token) })).body as { id: number }).id);
    }
    const mine = ids.get('order.fill-value');
    const theirs = ids.get('other-value');
    expectStatus(await h.call('GET', `/schemas/ids/${mine}`, { headers: order }), 200);
    expectStatus(await h.call('GET', `/schemas/ids/${mine}/schema`, { headers: order }), 200);
    expectStatus(await h.call('GET', `/schemas/ids/${theirs}`, { headers: order }), 403, 40301);
    // Naming a readable subject does not open another subject's schema.
    expectStatus(await h.call('GET', `/schemas/ids/${theirs}?subject=order.fill-value`, { headers: order }), 403, 40301);
    expectStatus(await h.call('GET', `/schemas/ids/${theirs}/schema`, { headers: order }), 403, 40301);
    expectStatus(await h.call('GET', `/schemas/ids/${theirs}/subjects`, { headers: order }), 403, 40301);
    expectStatus(await h.call('GET', `/schemas/ids/${theirs}/versions`, { headers: order }), 403, 40301);
    expectStatus(await h.call('GET', `/schemas/ids/${theirs}`, { headers: bearer(ciToken.token) }), 200);
    expectStatus(await h.call('GET', '/schemas/ids/9999', { headers: order }), 404, 40403);
  });

  it('schema id listings are filtered to readable subjects', async () => {
    const admin = bearer(adminToken.token);
    await h.call('POST', '/subjects/order.copy-value/versions', { body: { schema: '"string"' }, headers: admin });
    const { id } = (await h.call('POST', '/subjects/other.copy-value/versions', { body: { schema: '"string"' }, headers: admin })).body as { id: number };
    const order = basic('order', 'order-pw');
    expect((await h.call('GET', `/schemas/ids/${id}/subjects`, { headers: order })).body).toEqual(['order.copy-value']);
    expect((await h.call('GET', `/schemas/ids/${id}/versions`, { headers: order })).body).toEqual([{ subject: 'order.copy-value', version: 1 }]);
    expect((await h.call('GET', `/schemas/ids/${id}/subjects`, { headers: admin })).body).toEqual(['order.copy-value', 'other.copy-value']);
  });

  it('GET / and /schemas/types need only authentication', async () => {
    expectStatus(await h.call('GET', '/', { headers: basic('writer', 'writer-pw') }), 200);
    expectStatus(await h.call('GET', '/schemas/types', { headers: basic('writer', 'writer-pw') }), 200);
  });
});

describe('the auth file', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-auth-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('loads YAML and serves with it (startRegistryServer({auth: file}))', async () => {
    const hash = hashSecret('pw', 'sha256');
    const file = write(
      'auth.yaml',
      [
        'realm: test-realm',
        'users:',
        '  - name: alice',
        `    passwordHash: "${hash}"`,
        '    permissions:',
        '      - prefix: "order."',
        '        access: [read, write]',
        '',
      ].join('\n'),
    );
    const served = await startHarness({ auth: file });
    try {
      const denied = await served.call('GET', '/subjects');
      expect(denied.headers.get('www-authenticate')).toBe('Basic realm="test-realm", charset="UTF-8"');
      expectStatus(await served.call('POST', '/subjects/order.x/versions', { body: { schema: '"int"' }, headers: basic('alice', 'pw') }), 200);
      expectStatus(await served.call('POST', '/subjects/risk.x/versions', { body: { schema: '"int"' }, headers: basic('alice', 'pw') }), 403, 40301);
    } finally {
      await served.close();
    }
  });

  it('loads JSON', () => {
    const file = write('auth.json', JSON.stringify({ tokens: [{ name: 'ci', tokenHash: ciToken.hash, permissions: [{ prefix: '', access: ['read'] }] }] }));
    const loaded = loadAuthConfig(file);
    expect(loaded.tokens.map((t) => [t.name, t.kind, t.admin])).toEqual([['ci', 'token', false]]);
  });

  it.each([
    ['users: [\n  - name: a\n    passwordHash: x\n   bad indent', '', /not valid YAML\/JSON at line/],
    ['[]', '', /expected a mapping/],
    ['users: {}', 'users', /expected a list/],
    ['user: []', 'user', /unknown key/],
    ['users:\n  - passwordHash: "sha256:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="\n    admin: true', 'users[0].name', /required/],
    ['users:\n  - name: a\n    password: secret\n    admin: true', 'users[0].password', /unknown key/],
    ['users:\n  - name: a\n    passwordHash: plaintext\n    admin: true', 'users[0].passwordHash', /expected a hash/],
    [
      'users:\n  - name: a\n    passwordHash: "scrypt:1000:8:1:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAA=="\n    admin: true',
      'users[0].passwordHash',
      /power of two/,
    ],
    [
      'users:\n  - name: "a:b"\n    passwordHash: "sha256:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="\n    admin: true',
      'users[0].name',
      /cannot contain ":"/,
    ],
    [
      'users:\n  - name: a\n    passwordHash: "sha256:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="\n    admin: "yes"',
      'users[0].admin',
      /true or false/,
    ],
    ['users:\n  - name: a\n    passwordHash: "sha256:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="', 'users[0]', /neither admin/],
    [
      'users:\n  - name: a\n    passwordHash: "sha256:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="\n    permissions:\n      - prefix: x\n        access: [read, delete]',
      'users[0].permissions[0].access[1]',
      /read or write/,
    ],
    [
      'users:\n  - name: a\n    passwordHash: "sha256:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="\n    permissions:\n      - access: [read]',
      'users[0].permissions[0].prefix',
      /required/,
    ],
    [
      'users:\n  - name: a\n    passwordHash: "sha256:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="\n    permissions:\n      - prefix: x\n        access: read',
      'users[0].permissions[0].access',
      /non-empty list/,
    ],
    ['tokens:\n  - name: t\n    tokenHash: "sha256:AAAA:AAAA"\n    admin: true', 'tokens[0].tokenHash', /shorter than 16 bytes/],
    [
      'tokens:\n  - {name: t, tokenHash: "sha256:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", admin: true}\n  - {name: t, tokenHash: "sha256:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", admin: true}',
      'tokens[1].name',
      /duplicate/,
    ],
    ['users: []', '', /no users and no tokens/],
    ['realm: "a\\"b"\nusers: []', 'realm', /quotes/],
  ])('rejects %j at key %j', (text, key, problem) => {
    const file = write('bad.yaml', text);
    let caught: unknown;
    try {
      loadAuthConfig(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AuthConfigError);
    const error = caught as AuthConfigError;
    expect([error.file, error.key]).toEqual([file, key]);
    expect(error.problem).toMatch(problem);
    expect(error.message).toContain(file);
    if (key !== '') expect(error.message).toContain(key);
  });

  it('a missing file names the file', () => {
    expect(() => loadAuthConfig(path.join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read the auth file \(ENOENT\)/);
  });

  it('buildRegistryApp refuses a malformed auth file at start', async () => {
    const file = write('broken.yaml', 'users: 3');
    await expect(startHarness({ auth: file })).rejects.toThrow(AuthConfigError);
  });

  it('validateAuthConfig names its source', () => {
    expect(() => validateAuthConfig({ users: 'x' }, 'inline')).toThrow('inline: users: expected a list');
  });
});

describe('hashes', () => {
  it('hashSecret / verifySecret round-trip for both algorithms, with random salts', async () => {
    for (const algorithm of ['scrypt', 'sha256'] as const) {
      const a = hashSecret('s3cret', algorithm);
      const b = hashSecret('s3cret', algorithm);
      expect(a).not.toBe(b);
      expect(a.startsWith(`${algorithm}:`)).toBe(true);
      expect(await verifySecret('s3cret', a)).toBe(true);
      expect(await verifySecret('s3cret ', a)).toBe(false);
      expect(await verifySecret('', a)).toBe(false);
      expect(parseHash(a).algorithm).toBe(algorithm);
    }
  });

  it('generateToken gives a high-entropy token and its hash', async () => {
    const { token, hash } = generateToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await verifySecret(token, hash)).toBe(true);
  });

  it('the Authenticator can be built once and shared', async () => {
    const auth = new Authenticator({ users: [{ name: 'u', passwordHash: hashSecret('p', 'sha256'), permissions: [{ prefix: 'a', access: ['read'] }] }] });
    const principal = await auth.authenticate(basic('u', 'p')['authorization']);
    expect(principal?.can('abc', 'read')).toBe(true);
    expect(principal?.can('abc', 'write')).toBe(false);
    expect(principal?.can('b', 'read')).toBe(false);
    expect(principal?.canAll('read')).toBe(false);
    expect(auth.cached(basic('u', 'p')['authorization'])).toBe(principal);
    expect(await auth.authenticate(undefined)).toBeNull();
  });
});
