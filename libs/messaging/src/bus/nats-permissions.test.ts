import { defaultCatalog } from '@crucible/contracts';
import { natsPermissions, natsServerConfig } from './nats-permissions';

const catalog = defaultCatalog();
const byUser = new Map(natsPermissions(catalog, 'p').map((p) => [p.user, p]));

describe('natsPermissions', () => {
  it('gives each service its own subjects, its readiness and its inbox, and nothing else to subscribe', () => {
    const names = byUser.get('names')!;
    expect(names.subscribe).toEqual([
      '_INBOX_names.>',
      'p.names._ready',
      'p.names.list_names',
      'p.names.mark_name_gated',
      'p.names.name_history',
      'p.names.protect_name',
      'p.names.resolve_name',
      'p.names.set_scenario_name',
      'p.names.unprotect_name',
      'p.names.unset_scenario_name',
      'p.names.update_scenario_names',
    ]);
    expect(names.replies).toBe(true);
  });

  it('lets a service publish only the calls the catalog declares for it', () => {
    // Protected names: a move under a directive is checked with governance;
    // gated names: a move of one is checked with evaluation.
    expect(byUser.get('names')!.publish).toEqual([
      'p.evaluation.check_name_gate',
      'p.governance.authorize_work',
      'p.scenarios.check_scenarios',
    ]);
    expect(byUser.get('scenarios')!.publish).toEqual([
      'p.components.get_components',
      'p.components.resolve_components',
      'p.names.resolve_name',
      'p.names.set_scenario_name',
    ]);
    expect(byUser.get('evaluation')!.publish).toContain('p.names.mark_name_gated');
    expect(byUser.get('evaluation')!.publish).toContain('p.names.resolve_name');
    expect(byUser.get('components')!.publish).toEqual([]);
  });

  it('lets the gateway publish exposed operations and readiness only, never an internal one', () => {
    const gateway = byUser.get('gateway')!;
    expect(gateway.publish).toContain('p.components.put_environment');
    expect(gateway.publish).toContain('p.scenarios._ready');
    expect(gateway.publish).not.toContain('p.components.resolve_components');
    expect(gateway.publish).not.toContain('p.scenarios.check_scenarios');
    expect(gateway.subscribe).toEqual(['_INBOX_gateway.>']);
    expect(gateway.replies).toBe(false);
  });

  it('writes a configuration that denies everything a user has no subject for', () => {
    const config = natsServerConfig(
      [...byUser.values()],
      [...byUser.keys()].map((user) => ({ user, password: `pw-${user}` })),
    );
    expect(config).toContain('user: "components"\n      password: "pw-components"');
    // components calls nobody: an empty allow list would allow everything.
    expect(config).toMatch(/user: "components"[\s\S]*?publish: \{ deny: \[">"\] \}/);
    expect(() => natsServerConfig([...byUser.values()], [])).toThrow(/no password/);
  });
});
