// Signing key rotation while serving, and state kept across restarts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

import {
  CookieJar, authorizeUrl, exchangeCode, follow, jwks, login, pkcePair, serverScript, startProvider,
} from './helpers.mjs';

async function idTokenFor(idp, username, jar = new CookieJar()) {
  const { code, pkce } = await login(idp, jar, { username });
  const token = await exchangeCode(idp, { code, verifier: pkce.verifier });
  assert.equal(token.status, 200);
  return token.body.id_token;
}

function verify(idp, idToken, keySet) {
  return jwtVerify(idToken, createLocalJWKSet(keySet), { issuer: idp.issuer, audience: 'aigov-portal' });
}

describe('key rotation', () => {
  let idp;
  let stateDir;
  before(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigov-dev-idp-rotation-'));
    idp = await startProvider({ stateDir });
  });
  after(async () => {
    await idp?.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function rotate(token) {
    const response = await idp.fetch(new URL('/dev/rotate-keys', idp.url), {
      method: 'POST',
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: await response.json() };
  }

  test('the admin endpoint needs the token from the state directory', async () => {
    assert.equal((await rotate(undefined)).status, 401);
    assert.equal((await rotate('wrong')).status, 401);
    const get = await idp.fetch(new URL('/dev/rotate-keys', idp.url));
    assert.equal(get.status, 405);
    assert.equal((await jwks(idp)).keys.length, 1, 'nothing rotated');
  });

  test('rotation signs with a new key and keeps publishing the previous one', async () => {
    const adminToken = fs.readFileSync(path.join(stateDir, 'admin-token'), 'utf8').trim();
    const jar = new CookieJar();
    const before1 = await jwks(idp);
    assert.equal(before1.keys.length, 1);
    const oldKid = before1.keys[0].kid;
    const oldToken = await idTokenFor(idp, 'alice', jar);
    assert.equal(decodeProtectedHeader(oldToken).kid, oldKid);

    const rotated = await rotate(adminToken);
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.signingKid, oldKid);
    assert.deepEqual(rotated.body.publishedKids, [rotated.body.signingKid, oldKid]);

    const after1 = await jwks(idp);
    assert.deepEqual(after1.keys.map((k) => k.kid), [rotated.body.signingKid, oldKid]);
    for (const key of after1.keys) assert.equal(key.d, undefined);

    // Tokens issued before still verify; new ones use the new key.
    await verify(idp, oldToken, after1);
    const newToken = await idTokenFor(idp, 'bob');
    assert.equal(decodeProtectedHeader(newToken).kid, rotated.body.signingKid);
    const { payload } = await verify(idp, newToken, after1);
    assert.deepEqual(payload.groups, ['fraud-team', 'fraud-leads']);
    // ...and they do not verify against the old key set alone.
    await assert.rejects(verify(idp, newToken, before1));

    // The browser session survives the rotation.
    const again = await follow(idp, jar, authorizeUrl(idp, { challenge: pkcePair().challenge }));
    assert.ok(again.location, 'signed-in session still valid after rotation');

    // A second rotation drops the oldest key.
    const second = await rotate(adminToken);
    assert.deepEqual(second.body.publishedKids, [second.body.signingKid, rotated.body.signingKid]);
    assert.deepEqual((await jwks(idp)).keys.map((k) => k.kid), second.body.publishedKids);

    const info = await (await idp.fetch(new URL('/dev/info', idp.url))).json();
    assert.equal(info.signingKid, second.body.signingKid);
    assert.equal(info.issuer, idp.issuer);
  });

  test('keys, CA and client secret are kept across restarts; rotate-keys works offline', async () => {
    const published = (await jwks(idp)).keys.map((k) => k.kid);
    const { clientSecret } = idp;
    const ca = idp.ca;
    await idp.stop();

    const offline = JSON.parse(execFileSync(process.execPath, [serverScript, 'rotate-keys', '--state-dir', stateDir], { encoding: 'utf8' }));
    assert.deepEqual(offline.publishedKids, [offline.signingKid, published[0]]);

    idp = await startProvider({ stateDir });
    assert.equal(idp.clientSecret, clientSecret);
    assert.equal(idp.ca, ca);
    assert.deepEqual((await jwks(idp)).keys.map((k) => k.kid), offline.publishedKids);
    const token = await idTokenFor(idp, 'carol');
    assert.equal(decodeProtectedHeader(token).kid, offline.signingKid);
  });

  test('the client secret can come from the environment', async () => {
    await idp.stop();
    idp = await startProvider({ stateDir, env: { AIGOV_IDP_CLIENT_SECRET: 'from-the-environment' } });
    assert.equal(idp.clientSecret, 'from-the-environment');
    const jar = new CookieJar();
    const { code, pkce } = await login(idp, jar, { username: 'dave' });
    assert.equal((await exchangeCode(idp, { code, verifier: pkce.verifier })).status, 200);
  });
});
