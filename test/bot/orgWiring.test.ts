import assert from 'node:assert/strict';
import { createApp } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DEFAULT_ORG_STATUS_MAP } from '../../src/domain/org.js';
import { LowdbRepository } from '../../src/store/lowdbRepository.js';
import { fakeMessenger } from '../support/botFakes.js';
import { ADMIN, DEFAULT_SETTINGS, tempDir } from '../support/domain.js';
import { fakeOrgAdmin } from './orgFakes.js';

describe('org mode: settings and the composition root', () => {
  it('reads the org settings, with their defaults', () => {
    const defaults = loadConfig({});
    assert.equal(defaults.webexOrgToken, undefined);
    assert.equal(defaults.lineSource, undefined);
    assert.equal(defaults.orgSyncMs, 60_000);
    assert.equal(defaults.orgActivationReadsPerSync, 20);
    assert.deepEqual(defaults.orgStatusMap, DEFAULT_ORG_STATUS_MAP);
    assert.deepEqual(defaults.webexGoLicense, { name: 'Webex Go' });
    assert.equal(defaults.orgTryActivationCodeApi, false);
    const set = loadConfig({
      WEBEX_ORG_TOKEN: 'org-token',
      WEBEX_ORG_CLIENT_ID: 'id',
      WEBEX_ORG_CLIENT_SECRET: 'secret',
      WEBEX_ORG_REFRESH_TOKEN: 'refresh',
      LINE_SOURCE: 'Registry',
      ORG_SYNC_SECONDS: '300',
      ORG_STATUS_MAP: 'offline_deep_sleep:unknown',
      WEBEX_GO_LICENSE_ID: 'lic-1',
      WEBEX_GO_SUBSCRIPTION_ID: 'sub-1',
      WEBEX_GO_LICENSE_NAME: 'Go',
      ORG_TRY_ACTIVATION_CODE_API: 'on',
    });
    assert.equal(set.webexOrgToken, 'org-token');
    assert.deepEqual(set.webexOrgRefresh, { clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh' });
    assert.equal(set.lineSource, 'registry');
    assert.equal(set.orgSyncMs, 300_000);
    assert.equal(set.orgStatusMap.offline_deep_sleep, 'unknown');
    assert.deepEqual(set.webexGoLicense, { id: 'lic-1', subscriptionId: 'sub-1', name: 'Go' });
    assert.equal(set.orgTryActivationCodeApi, true);
  });

  it('refuses org settings that cannot work, in one sentence', () => {
    assert.throws(() => loadConfig({ LINE_SOURCE: 'cloud' }), (e: unknown) => e instanceof ConfigError && /LINE_SOURCE must be org or registry/.test(e.message));
    assert.throws(() => loadConfig({ ORG_STATUS_MAP: 'connected:green' }), /ORG_STATUS_MAP: "connected:green" is not value:status/);
    assert.throws(() => loadConfig({ WEBEX_ORG_CLIENT_ID: 'id' }), /go together/);
    assert.throws(() => loadConfig({ ORG_SYNC_SECONDS: '1' }), /ORG_SYNC_SECONDS must be a whole number from 10/);
  });

  async function app(env: Record<string, string>, withOrg: boolean) {
    const { dir, remove } = await tempDir();
    const repo = await LowdbRepository.open(dir, { settings: DEFAULT_SETTINGS, admins: [ADMIN] });
    const logs: string[] = [];
    const orgAdmin = fakeOrgAdmin();
    const config = loadConfig({ PORT: '0', DATA_DIR: dir, ...env });
    try {
      const built = createApp({ config, repo, version: 'test', log: (l) => logs.push(l), messenger: fakeMessenger(), ...(withOrg ? { orgAdmin } : {}) });
      return { built, logs, orgAdmin, close: async () => (await built.stop(), await remove()) };
    } catch (error) {
      await repo.close();
      await remove();
      throw error;
    }
  }

  it('runs in org mode when given the org admin API, and prints one line per capability at start', async () => {
    const { built, logs, orgAdmin, close } = await app({}, true);
    try {
      assert.ok(built.org && built.orgSync);
      orgAdmin.capabilities.resolves({
        status: { available: true },
        delete: { available: false, reason: 'Webex answered 403: the token lacks spark-admin:devices_write', httpStatus: 403 },
        licenses: { available: true },
        callHistory: { available: true },
        language: { available: false, reason: 'Webex answered 403: the token lacks identity:people_read', httpStatus: 403 },
      });
      await built.start();
      assert.deepEqual(logs.filter((l) => l.startsWith('Org mode:')), [
        'Org mode: Device status: available',
        'Org mode: Delete devices: not available: Webex answered 403: the token lacks spark-admin:devices_write',
        'Org mode: Licenses: available',
        'Org mode: Call history: available',
        'Org mode: Languages from Webex: not available: Webex answered 403: the token lacks identity:people_read',
      ]);
      assert.equal(built.org.capabilities().delete.available, false);
    } finally {
      await close();
    }
  });

  it("runs on the bot's own registry without it, or with LINE_SOURCE=registry", async () => {
    for (const [env, withOrg] of [[{}, false], [{ LINE_SOURCE: 'registry' }, true]] as const) {
      const { built, close } = await app(env, withOrg);
      try {
        assert.equal(built.org, undefined);
        assert.equal(built.orgSync, undefined);
      } finally {
        await close();
      }
    }
  });

  it('refuses LINE_SOURCE=org without the org admin API', async () => {
    await assert.rejects(app({ LINE_SOURCE: 'org' }, false), (e: unknown) => e instanceof ConfigError && /LINE_SOURCE=org needs/.test(e.message));
  });
});
