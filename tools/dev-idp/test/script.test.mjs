// scripts/dev-idp.sh: up (idempotent), env file, status, rotate-keys, a
// taken port, down. Runs on a free port with temporary directories.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { Agent, fetch } from 'undici';

import { parseEnvFile, toolDir } from './helpers.mjs';

const script = path.resolve(toolDir, '../../scripts/dev-idp.sh');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

describe('scripts/dev-idp.sh', () => {
  let devDir;
  let port;
  let env;
  const run = (args, extraEnv = {}) => spawnSync('bash', [script, ...args], {
    encoding: 'utf8', env: { ...env, ...extraEnv }, timeout: 90000,
  });

  before(async () => {
    devDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigov-dev-idp-script-'));
    port = await freePort();
    env = {
      ...process.env,
      AIGOV_DEV_DIR: devDir,
      AIGOV_IDP_PORT: String(port),
      AIGOV_IDP_SKIP_INSTALL: '1',
    };
    delete env.AIGOV_IDP_STATE_DIR;
  });

  after(() => {
    run(['down']);
    fs.rmSync(devDir, { recursive: true, force: true });
  });

  test('up starts the provider, waits for discovery and writes idp.env', async () => {
    const up = run(['up']);
    assert.equal(up.status, 0, up.stderr);
    const idpEnv = parseEnvFile(fs.readFileSync(path.join(devDir, 'idp.env'), 'utf8'));
    const url = `https://127.0.0.1:${port}`;
    assert.equal(idpEnv.AIGOV_IDP_URL, url);
    assert.equal(idpEnv.AIGOV_OIDC_ISSUER, url);
    assert.equal(idpEnv.AIGOV_OIDC_CLIENT_ID, 'aigov-portal');
    assert.equal(idpEnv.AIGOV_OIDC_CLIENT_SECRET, fs.readFileSync(path.join(devDir, 'idp/client-secret'), 'utf8').trim());
    assert.equal(idpEnv.AIGOV_OIDC_CA_FILE, path.join(devDir, 'idp/ca.pem'));
    assert.ok(path.isAbsolute(idpEnv.AIGOV_OIDC_CA_FILE));

    // The file is shell-sourceable.
    const sourced = spawnSync('bash', ['-c', `. '${path.join(devDir, 'idp.env')}' && echo "$AIGOV_OIDC_ISSUER|$AIGOV_OIDC_CLIENT_SECRET"`], { encoding: 'utf8' });
    assert.equal(sourced.stdout.trim(), `${url}|${idpEnv.AIGOV_OIDC_CLIENT_SECRET}`);

    const dispatcher = new Agent({ connect: { ca: fs.readFileSync(idpEnv.AIGOV_OIDC_CA_FILE) } });
    try {
      const discovery = await (await fetch(`${url}/.well-known/openid-configuration`, { dispatcher })).json();
      assert.equal(discovery.issuer, url);
    } finally {
      await dispatcher.close();
    }
  });

  test('up again is a no-op; status reports healthy', () => {
    const pid = JSON.parse(fs.readFileSync(path.join(devDir, 'idp/server.json'), 'utf8')).pid;
    const again = run(['up']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /already running/);
    assert.equal(JSON.parse(fs.readFileSync(path.join(devDir, 'idp/server.json'), 'utf8')).pid, pid);
    const status = run(['status']);
    assert.equal(status.status, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /healthy/);
  });

  test('rotate-keys rotates while serving', () => {
    const rotated = run(['rotate-keys']);
    assert.equal(rotated.status, 0, rotated.stderr);
    const body = JSON.parse(rotated.stdout);
    assert.equal(body.publishedKids.length, 2);
    assert.equal(body.publishedKids[0], body.signingKid);
  });

  test('up on a port taken by another process fails clearly', async () => {
    const blocker = net.createServer();
    await new Promise((resolve) => { blocker.listen(0, '127.0.0.1', resolve); });
    const taken = blocker.address().port;
    try {
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'aigov-dev-idp-script-other-'));
      const r = run(['up'], { AIGOV_DEV_DIR: other, AIGOV_IDP_PORT: String(taken) });
      fs.rmSync(other, { recursive: true, force: true });
      assert.equal(r.status, 1);
      assert.match(r.stderr, new RegExp(`port ${taken} on 127.0.0.1 is already in use by another process`));
    } finally {
      blocker.close();
    }
  });

  test('down stops it; status then fails', () => {
    const down = run(['down']);
    assert.equal(down.status, 0, down.stderr);
    assert.match(down.stderr, /stopped/);
    const status = run(['status']);
    assert.equal(status.status, 1);
    assert.match(status.stdout, /not running/);
  });
});
