/**
 * The proxy of compose.yaml, for real: Debian's nginx with deploy/nginx.conf (its two upstream
 * names pointed at two bot processes on one PostgreSQL database, test/support/replicas.ts), the
 * bot's webhooks at the proxy. Deliveries reach an instance, and keep reaching one when the other
 * is killed (SIGKILL): nginx skips it, Webex sees only 200s.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, postgresAvailable, stopOwnPostgres } from '../support/postgresServer.js';
import { REPLICA_ADMIN, REPLICA_BOT_EMAIL, startReplicas, waitFor, type Replicas } from '../support/replicas.js';

const NGINX = '/usr/sbin/nginx';
const SITE = fileURLToPath(new URL('../../deploy/nginx.conf', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('e2e: two instances behind nginx with deploy/nginx.conf', function () {
  this.timeout(120_000);
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let replicas: Replicas | undefined;
  let nginx: ChildProcess | undefined;
  let dir = '';

  before(function () {
    if (!postgresAvailable()) this.skip();
    if (!existsSync(NGINX)) {
      if (process.env.CI) throw new Error(`No nginx at ${NGINX} and CI is set: apt-get install nginx-light (.ci/run does).`);
      console.warn('    skipped: no nginx; apt-get install nginx-light');
      this.skip();
    }
  });

  after(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx!.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await replicas?.stop();
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
    await stopOwnPostgres();
  });

  it('deliveries through the proxy reach an instance, and the survivor when one is killed', async () => {
    const proxyPort = await freePort();
    database = await createTestDatabase('replicas_proxy');
    let opsId = '';
    replicas = await startReplicas(
      { databaseUrl: database.url, instances: 2, fanout: 'one', run: 'sources', webhookUrl: `http://127.0.0.1:${proxyPort}/webex/webhook`, env: { WEBEX_GO_LICENSES: '100' } },
      (fake) => {
        opsId = fake.createGroupSpace('Webex Go admins', [REPLICA_ADMIN]).id;
        for (let i = 0; i < 40; i++) fake.addPerson({ email: `user${i}@example.com` });
      },
    );
    const [bot1, bot2] = replicas.instances as [Replicas['instances'][0], Replicas['instances'][0]];
    dir = await mkdtemp(join(tmpdir(), 'webex-go-nginx-'));
    const site = readFileSync(SITE, 'utf8')
      .replace('server bot1:3000', `server 127.0.0.1:${bot1.port}`)
      .replace('server bot2:3000', `server 127.0.0.1:${bot2.port}`)
      .replace('listen 80;', `listen 127.0.0.1:${proxyPort};`);
    assert.notEqual(site, readFileSync(SITE, 'utf8'));
    writeFileSync(join(dir, 'site.conf'), site);
    writeFileSync(
      join(dir, 'nginx.conf'),
      [
        'daemon off;',
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log;`,
        'events {}',
        'http {',
        `  access_log ${dir}/access.log;`,
        `  client_body_temp_path ${dir}/body;`,
        `  proxy_temp_path ${dir}/proxy;`,
        `  include ${dir}/site.conf;`,
        '}',
      ].join('\n'),
    );
    const check = spawnSync(NGINX, ['-t', '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    nginx = spawn(NGINX, ['-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${proxyPort}/healthz`).then((r) => r.status, () => 0)) === 200, 'the proxy answering /healthz', 10_000);

    const { fake } = replicas;
    const answers = () => fake.messages().filter((m) => m.roomId === opsId && m.personEmail === REPLICA_BOT_EMAIL).length;
    const assign = (from: number, to: number) => {
      for (let i = from; i < to; i++) fake.postMessage({ roomId: opsId, fromEmail: REPLICA_ADMIN, text: `assign user${i}@example.com`, mentionBot: true });
    };
    assign(0, 20);
    await waitFor(() => answers() >= 20, '20 answers through the proxy', 60_000);
    assert.equal(replicas.forwarded.size, 0, 'the front of the harness forwarded nothing: nginx did');

    bot2.child.kill('SIGKILL');
    await bot2.exited;
    assign(20, 40);
    await waitFor(() => answers() >= 40, '20 more answers with one instance dead', 60_000);
    await fake.idle();
    const statuses = readFileSync(join(dir, 'access.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => /" (\d{3}) /.exec(line)?.[1]);
    assert.ok(statuses.length >= 40);
    assert.deepEqual([...new Set(statuses)], ['200'], 'Webex got a 200 for every delivery');
  });
});
