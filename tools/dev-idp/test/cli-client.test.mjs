// The public client of command-line tools: PKCE with a loopback redirect
// on any port, refresh, and the device flow, against a real provider.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { createLocalJWKSet, jwtVerify } from 'jose';

import {
  CookieJar, authorizeUrl, follow, jwks, pkcePair, startProvider, submitLogin,
} from './helpers.mjs';

const CLI = 'aigov-cli';
const SCOPE = 'openid profile email groups offline_access';

async function token(idp, params) {
  const response = await idp.fetch(new URL('/token', idp.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLI, ...params }).toString(),
  });
  return { status: response.status, body: await response.json() };
}

async function claimsOf(idp, idToken) {
  const { payload } = await jwtVerify(idToken, createLocalJWKSet(await jwks(idp)), {
    issuer: idp.issuer, audience: CLI,
  });
  return payload;
}

/** The browser part of the device flow: sign in, enter the code, confirm. */
async function approveDevice(idp, jar, verificationUri, userCode, username) {
  let result = await follow(idp, jar, verificationUri);
  let html = await result.response.text();
  const inputForm = /<form[^>]*id="op.deviceInputForm"[^>]*action="([^"]+)"/.exec(html)
    ?? /<form[^>]*action="([^"]+)"[^>]*id="op.deviceInputForm"/.exec(html);
  assert.ok(inputForm, html);
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)[1];
  result = await follow(idp, jar, new URL(inputForm[1], result.url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, user_code: userCode }).toString(),
  });
  html = await result.response.text();
  if (html.includes('name="password"')) {
    result = await submitLogin(idp, jar, result.url, html, username, username);
    html = await result.response.text();
  }
  assert.match(html, new RegExp(userCode.replace('-', '-?')), 'the confirmation names the code');
  const confirm = /<form[^>]*action="([^"]+)"/.exec(html)[1];
  const fields = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
  );
  assert.equal(fields.user_code !== undefined, true, html);
  result = await follow(idp, jar, new URL(confirm.replaceAll('&amp;', '&'), result.url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, confirm: 'yes' }).toString(),
  });
  html = await result.response.text();
  if (html.includes('name="password"')) {
    result = await submitLogin(idp, jar, result.url, html, username, username);
    html = await result.response.text();
  }
  return html;
}

describe('command-line client', () => {
  let idp;
  before(async () => { idp = await startProvider(); });
  after(async () => { await idp?.stop(); });

  test('discovery offers the device flow', async () => {
    const response = await idp.fetch(new URL('/.well-known/openid-configuration', idp.url));
    const discovery = await response.json();
    assert.equal(discovery.device_authorization_endpoint, `${idp.issuer}/device/auth`);
  });

  test('a loopback redirect on any port, no secret, PKCE; the ID token names the person and groups; refresh works', async () => {
    const jar = new CookieJar();
    const pkce = pkcePair();
    const redirectUri = 'http://127.0.0.1:53127/callback';
    let result = await follow(idp, jar, authorizeUrl(idp, {
      clientId: CLI, redirectUri, scope: SCOPE, challenge: pkce.challenge, extra: { prompt: 'consent' },
    }));
    result = await submitLogin(idp, jar, result.url, await result.response.text(), 'alice', 'alice');
    const callback = new URL(result.location);
    assert.equal(callback.origin + callback.pathname, 'http://127.0.0.1:53127/callback');
    const code = callback.searchParams.get('code');
    const first = await token(idp, {
      grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pkce.verifier,
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const claims = await claimsOf(idp, first.body.id_token);
    assert.equal(claims.preferred_username, 'alice');
    assert.deepEqual(claims.groups, ['fraud-team']);
    assert.ok(first.body.refresh_token, 'a refresh token for the command line');

    const refreshed = await token(idp, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal((await claimsOf(idp, refreshed.body.id_token)).preferred_username, 'alice');
  });

  test('without PKCE the command-line client is refused', async () => {
    const jar = new CookieJar();
    const result = await follow(idp, jar, authorizeUrl(idp, {
      clientId: CLI, redirectUri: 'http://127.0.0.1:53127/callback', scope: SCOPE,
    }));
    const refused = result.location ? new URL(result.location).searchParams.get('error') : await result.response.text();
    assert.match(refused, /invalid_request|code_challenge/);
  });

  test('device flow: the terminal polls, the person signs in elsewhere and enters the code', async () => {
    const response = await idp.fetch(new URL('/device/auth', idp.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLI, scope: SCOPE }).toString(),
    });
    assert.equal(response.status, 200);
    const device = await response.json();
    assert.ok(device.user_code && device.device_code && device.verification_uri);

    const pending = await token(idp, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code });
    assert.equal(pending.body.error, 'authorization_pending');

    const done = await approveDevice(idp, new CookieJar(), device.verification_uri, device.user_code, 'bob');
    assert.match(done, /signed in/i);
    const granted = await token(idp, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    const claims = await claimsOf(idp, granted.body.id_token);
    assert.equal(claims.preferred_username, 'bob');
    assert.deepEqual([...claims.groups].sort(), ['fraud-leads', 'fraud-team']);
  });
});
