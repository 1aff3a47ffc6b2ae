import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadProject, RULES } from '@dynamic-capital/contracts-model';

const ROOT = path.resolve(__dirname, '../../..');

describe("this repository's contracts", () => {
  const { graph, diagnostics } = loadProject(ROOT);

  it('validate cleanly', () => {
    expect(diagnostics).toEqual([]);
  });

  it('include every contract the blueprint needs', () => {
    expect([...graph.contracts.keys()]).toEqual(
      expect.arrayContaining([
        'market.event.tick.v1',
        'signal.event.opportunity.v1',
        'portfolio.intent.allocate.v1',
        'risk.state.context.v1',
        'order.intent.route.v1',
        'execution.event.fill.v1',
        'hedger.event.cover.v1',
        'compliance.event.alert.v1',
        'reporter.state.snapshot.v1',
        'system.halt.intent.v1',
        'orchestrator.intent.control.v1',
        'optimizer.event.tuning.v1',
        'platform.state.envelope.v1',
        'platform.dlq.record.v1',
        'platform.audit.record.v1',
      ]),
    );
  });

  it('use both formats for real', () => {
    const formats = [...graph.contracts.values()].map((c) => c.format);
    expect(formats.filter((f) => f === 'avro').length).toBeGreaterThanOrEqual(5);
    expect(formats.filter((f) => f === 'json').length).toBeGreaterThanOrEqual(5);
    const dialects = new Set([...graph.contracts.values()].map((c) => c.schema?.dialect).filter(Boolean));
    expect(dialects).toEqual(new Set(['draft-07', '2020-12']));
  });

  it('have an Avro contract with a schema reference and timestamp-millis and decimal logical types', () => {
    const fill = graph.contracts.get('execution.event.fill.v1');
    expect(fill?.schema?.references.map((r) => r.name)).toContain('dynamic_capital.common.Instrument');
    const text = JSON.stringify(fill?.schema?.document.value);
    expect(text).toContain('"logicalType":"timestamp-millis"');
    expect(text).toContain('"logicalType":"decimal"');
  });

  it('have a JSON Schema contract with a $ref into the shared definitions file', () => {
    const withShared = [...graph.contracts.values()].filter((c) => c.schema?.references.some((r) => r.file === 'schemas/shared/json/common.defs.schema.json'));
    expect(withShared.length).toBeGreaterThanOrEqual(1);
  });

  it('gate order.intent.route.v1 by policy, and carry the approving policy hash', () => {
    const route = graph.contracts.get('order.intent.route.v1');
    expect(route?.policyGated).toBe(true);
    expect(JSON.stringify(route?.schema?.document.value)).toContain('"policy_hash"');
    expect(graph.policies.get('trading_risk_v1')?.gates).toContain('order.intent.route.v1');
  });

  it('have all 13 agents of the blueprint, every agent-produced contract with a producer', () => {
    expect([...graph.agents.keys()].sort()).toEqual(
      [
        'compliance',
        'execution',
        'hedger',
        'housekeeping',
        'market-data',
        'optimizer',
        'orchestrator',
        'order',
        'policy-guard',
        'portfolio',
        'reporter',
        'risk',
        'signal',
      ].sort(),
    );
    for (const contract of graph.contracts.values()) {
      if (contract.producedBy === 'agents') expect(contract.producers.length).toBeGreaterThan(0);
    }
    for (const agent of graph.agents.values()) expect(agent.consumes).toContain('system.halt.intent.v1');
  });

  it('have the two policy packs with tests and limits', () => {
    for (const name of ['trading_risk_v1', 'authz_v1']) {
      const pack = graph.policies.get(name);
      expect(pack?.modules.some((m) => m.isTest)).toBe(true);
      expect(pack?.modules.some((m) => !m.isTest && m.packageName === pack.packageName)).toBe(true);
      expect(Object.keys(pack?.data ?? {}).length).toBeGreaterThan(0);
    }
    expect(graph.policies.get('trading_risk_v1')?.data).toHaveProperty('limits.max_order_notional_usd');
  });

  it('documents every rule in the README', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const id of Object.keys(RULES)) expect(readme).toMatch(new RegExp(`\\|\\s*\`${id}\`\\s*\\|`));
  });
});
