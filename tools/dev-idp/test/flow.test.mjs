// Authorization code flow with PKCE against a real provider instance.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

import {
  CookieJar, authorizeUrl, exchangeCode, follow, formAction, jwks, login, pkcePair, startProvider, submitLogin, users,
} from './helpers.mjs';

describe('authorization code flow', () => {
  let idp;
  before(async () => { idp = await startProvider(); });
  after(async () => { await idp?.stop(); });

  test('discovery and JWKS answer over HTTPS trusted through the generated CA', async () => {
    const response = await idp.fetch(new URL('/.well-known/openid-configuration', idp.url));
    assert.equal(response.status, 200);
    const discovery = await response.json();
    assert.equal(discovery.issuer, idp.issuer);
    assert.match(idp.issuer, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(discovery.authorization_endpoint, `${idp.issuer}/auth`);
    assert.equal(discovery.token_endpoint, `${idp.issuer}/token`);
    assert.equal(discovery.jwks_uri, `${idp.issuer}/jwks`);
    assert.ok(discovery.end_session_endpoint);
    assert.ok(discovery.userinfo_endpoint);
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(discovery.response_types_supported, ['code']);
    assert.ok(discovery.id_token_signing_alg_values_supported.includes('RS256'));
    for (const scope of ['openid', 'profile', 'email', 'groups']) {
      assert.ok(discovery.scopes_supported.includes(scope), scope);
    }
    assert.ok(discovery.claims_supported.includes('groups'));

    const keys = await jwks(idp);
    assert.equal(keys.keys.length, 1);
    assert.equal(keys.keys[0].kty, 'RSA');
    assert.equal(keys.keys[0].alg, 'RS256');
    assert.ok(keys.keys[0].kid);
    assert.equal(keys.keys[0].d, undefined, 'private parts are not published');
  });

  test('the serving certificate is not trusted without the CA', async () => {
    await assert.rejects(fetch(new URL('/.well-known/openid-configuration', idp.url)));
  });

  test('alice signs in; the code exchange yields an ID token with her groups, verified against JWKS', async () => {
    const jar = new CookieJar();
    const { code, state, expectedState, pkce, nonce, callback } = await login(idp, jar, { username: 'alice' });
    assert.equal(callback.origin + callback.pathname, 'http://127.0.0.1:3000/auth/callback');
    assert.ok(code);
    assert.equal(state, expectedState);
    assert.equal(callback.searchParams.get('iss'), idp.issuer);

    const token = await exchangeCode(idp, { code, verifier: pkce.verifier });
    assert.equal(token.status, 200, JSON.stringify(token.body));
    assert.equal(token.body.token_type, 'Bearer');
    assert.ok(token.body.access_token);
    assert.ok(token.body.id_token);
    assert.ok(token.body.refresh_token, 'a refresh token is issued');

    const header = decodeProtectedHeader(token.body.id_token);
    assert.equal(header.alg, 'RS256');
    const { payload } = await jwtVerify(token.body.id_token, createLocalJWKSet(await jwks(idp)), {
      issuer: idp.issuer,
      audience: 'aigov-portal',
      algorithms: ['RS256'],
    });
    assert.equal(payload.sub, 'alice');
    assert.equal(payload.nonce, nonce);
    assert.equal(payload.name, 'Alice Anders');
    assert.equal(payload.preferred_username, 'alice');
    assert.equal(payload.email, 'alice@example.com');
    assert.equal(payload.email_verified, true);
    assert.deepEqual(payload.groups, ['fraud-team']);

    const userinfo = await idp.fetch(new URL('/me', idp.url), {
      headers: { authorization: `Bearer ${token.body.access_token}` },
    });
    assert.equal(userinfo.status, 200);
    const info = await userinfo.json();
    assert.equal(info.sub, 'alice');
    assert.deepEqual(info.groups, ['fraud-team']);
    assert.equal(info.email, 'alice@example.com');

    // Refresh works with the client secret.
    const refreshed = await idp.fetch(new URL('/token', idp.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`aigov-portal:${idp.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token.body.refresh_token }).toString(),
    });
    assert.equal(refreshed.status, 200, await refreshed.clone().text());
    const refreshedBody = await refreshed.json();
    const { payload: again2 } = await jwtVerify(refreshedBody.id_token, createLocalJWKSet(await jwks(idp)), {
      issuer: idp.issuer, audience: 'aigov-portal',
    });
    assert.deepEqual(again2.groups, ['fraud-team']);

    // The code is single use (reusing it also revokes what it granted).
    const again = await exchangeCode(idp, { code, verifier: pkce.verifier });
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'invalid_grant');

  });

  test('every demo user signs in with password = user name and gets the groups and email from users.json', async () => {
    const keySet = createLocalJWKSet(await jwks(idp));
    for (const user of users) {
      const jar = new CookieJar();
      const { code, pkce } = await login(idp, jar, { username: user.username, password: user.username });
      const token = await exchangeCode(idp, { code, verifier: pkce.verifier });
      assert.equal(token.status, 200);
      const { payload } = await jwtVerify(token.body.id_token, keySet, { issuer: idp.issuer, audience: 'aigov-portal' });
      assert.equal(payload.preferred_username, user.username);
      assert.equal(payload.name, user.name);
      assert.deepEqual(payload.groups, user.groups);
      assert.equal(payload.email, user.email);
      assert.equal(payload.email_verified, user.email_verified);
    }
    assert.ok(users.some((user) => user.email_verified === false), 'a user whose email is not verified');
  });

  test('a signed-in session returns straight to the client without the form', async () => {
    const jar = new CookieJar();
    await login(idp, jar, { username: 'bob' });
    const { challenge } = pkcePair();
    const result = await follow(idp, jar, authorizeUrl(idp, { challenge }));
    assert.ok(result.location, 'redirected back without a login page');
    assert.ok(new URL(result.location).searchParams.get('code'));
  });

  test('prompt=login switches users: the previous session ends, the new user gets the code', async () => {
    const jar = new CookieJar();
    await login(idp, jar, { username: 'alice' });
    const pkce = pkcePair();
    const start = await follow(idp, jar, authorizeUrl(idp, { challenge: pkce.challenge, extra: { prompt: 'login' } }));
    assert.equal(start.response.status, 200);
    const page = await start.response.text();
    let result = await submitLogin(idp, jar, start.url, page, 'dave', 'dave');
    if (!result.location) {
      // The provider ends alice's session first with a self-submitting form
      // (a "Continue" button without JavaScript).
      const html = await result.response.text();
      assert.match(html, /Continue/);
      const inputs = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      result = await follow(idp, jar, formAction(html, result.url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(inputs).toString(),
      });
    }
    assert.ok(result.location, 'back at the client');
    const code = new URL(result.location).searchParams.get('code');
    const token = await exchangeCode(idp, { code, verifier: pkce.verifier });
    assert.equal(token.status, 200);
    const { payload } = await jwtVerify(token.body.id_token, createLocalJWKSet(await jwks(idp)), { issuer: idp.issuer, audience: 'aigov-portal' });
    assert.equal(payload.sub, 'dave');
    assert.deepEqual(payload.groups, ['llm-team']);
  });

  test('a wrong password is refused and the form shows an error', async () => {
    const jar = new CookieJar();
    const { challenge } = pkcePair();
    const start = await follow(idp, jar, authorizeUrl(idp, { challenge }));
    assert.equal(start.response.status, 200);
    const page = await start.response.text();
    assert.match(page, /<label for="username">Username<\/label>/);
    assert.match(page, /<label for="password">Password<\/label>/);
    assert.match(page, /name="username"/);
    assert.match(page, /name="password"/);
    assert.match(page, /<button type="submit" class="primary">Sign in<\/button>/);

    const refused = await submitLogin(idp, jar, start.url, page, 'alice', 'wrong');
    assert.equal(refused.location, undefined, 'no redirect back to the client');
    assert.equal(refused.response.status, 401);
    const errorPage = await refused.response.text();
    assert.match(errorPage, /role="alert"[^>]*>Invalid username or password\.</);
    assert.match(errorPage, /name="password"/);
    assert.match(errorPage, /value="alice"/);

    // Unknown users are refused the same way, and input is escaped.
    const unknown = await submitLogin(idp, jar, start.url, page, '<script>x</script>', 'x');
    assert.equal(unknown.response.status, 401);
    const unknownPage = await unknown.response.text();
    assert.ok(!unknownPage.includes('<script>x</script>'));
    assert.match(unknownPage, /value="&lt;script&gt;x&lt;\/script&gt;"/);

    // The same form still accepts the right password afterwards.
    const ok = await submitLogin(idp, jar, start.url, page, 'alice', 'alice');
    assert.ok(ok.location?.startsWith('http://127.0.0.1:3000/auth/callback?'));
  });

  test('PKCE is required and checked', async () => {
    const jar = new CookieJar();
    const without = await follow(idp, jar, authorizeUrl(idp, {}));
    assert.ok(without.location, 'error is returned to the registered redirect URI');
    const params = new URL(without.location).searchParams;
    assert.equal(params.get('error'), 'invalid_request');
    assert.match(params.get('error_description'), /PKCE/);

    const { code } = await login(idp, jar, { username: 'carol' });
    const wrong = await exchangeCode(idp, { code, verifier: pkcePair().verifier });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'invalid_grant');
  });

  test('the token endpoint refuses a wrong client secret', async () => {
    const jar = new CookieJar();
    const { code, pkce } = await login(idp, jar, { username: 'dave' });
    const wrong = await exchangeCode(idp, { code, verifier: pkce.verifier, secret: 'not-the-secret' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
  });

  test('cancelling the sign-in returns access_denied to the client', async () => {
    const jar = new CookieJar();
    const { challenge } = pkcePair();
    const start = await follow(idp, jar, authorizeUrl(idp, { challenge }));
    const page = await start.response.text();
    const abort = /formaction="([^"]+)"/.exec(page)[1];
    const result = await follow(idp, jar, new URL(abort, start.url).href, { method: 'POST', body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(new URL(result.location).searchParams.get('error'), 'access_denied');
  });
});
