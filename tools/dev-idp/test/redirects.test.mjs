// Client and redirect URI checks, and RP-initiated logout.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { loopbackAnyPortMatch } from '../src/provider.mjs';
import {
  CookieJar, authorizeUrl, exchangeCode, follow, login, pkcePair, startProvider,
} from './helpers.mjs';

const EXTRA_REDIRECT = 'https://portal.example.test/auth/callback';
const EXTRA_LOGOUT = 'https://portal.example.test/auth/logged-out';

describe('redirect URIs and clients', () => {
  let idp;
  before(async () => {
    idp = await startProvider({
      env: {
        AIGOV_IDP_REDIRECT_URIS: ` ${EXTRA_REDIRECT} ,`,
        AIGOV_IDP_POST_LOGOUT_REDIRECT_URIS: EXTRA_LOGOUT,
      },
    });
  });
  after(async () => { await idp?.stop(); });

  async function authorizeWith(redirectUri, clientId) {
    const jar = new CookieJar();
    const { challenge } = pkcePair();
    return follow(idp, jar, authorizeUrl(idp, { redirectUri, challenge, clientId }));
  }

  for (const redirectUri of [
    'http://127.0.0.1:3000/auth/callback',
    'http://127.0.0.1:45678/auth/callback',
    'http://localhost:3000/auth/callback',
    'http://localhost:1024/auth/callback',
    EXTRA_REDIRECT,
  ]) {
    test(`accepts ${redirectUri} and completes the flow there`, async () => {
      const jar = new CookieJar();
      const { code, callback, pkce } = await login(idp, jar, { username: 'erin', redirectUri });
      assert.equal(`${callback.origin}${callback.pathname}`, redirectUri);
      const token = await exchangeCode(idp, { code, verifier: pkce.verifier, redirectUri });
      assert.equal(token.status, 200);
    });
  }

  for (const redirectUri of [
    'https://evil.example/auth/callback',
    'http://evil.example:3000/auth/callback',
    'http://127.0.0.2:3000/auth/callback',
    'http://127.0.0.1:3000/somewhere/else',
    'http://127.0.0.1:3000/auth/callback?next=x',
    'https://127.0.0.1:3000/auth/callback',
    'http://user@127.0.0.1:3000/auth/callback',
  ]) {
    test(`refuses ${redirectUri} without redirecting to it`, async () => {
      const result = await authorizeWith(redirectUri);
      assert.equal(result.location, undefined, `must not redirect to ${result.location}`);
      assert.equal(result.response.status, 400);
      const page = await result.response.text();
      assert.match(page, /redirect_uri/);
    });
  }

  test('refuses an unknown client', async () => {
    const result = await authorizeWith('http://127.0.0.1:3000/auth/callback', 'not-a-client');
    assert.equal(result.location, undefined);
    assert.equal(result.response.status, 400);
    assert.match(await result.response.text(), /invalid_client/);

    const token = await idp.fetch(new URL('/token', idp.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('not-a-client:whatever').toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', code_verifier: 'y'.repeat(43) }).toString(),
    });
    assert.equal(token.status, 401);
    assert.equal((await token.json()).error, 'invalid_client');
  });

  test('loopback rule keeps host, path and query exact and only ignores the port', () => {
    const registered = ['http://127.0.0.1:3000/auth/callback', 'http://localhost:3000/auth/callback'];
    assert.equal(loopbackAnyPortMatch('http://127.0.0.1:9/auth/callback', registered), true);
    assert.equal(loopbackAnyPortMatch('http://127.0.0.1/auth/callback', registered), true);
    assert.equal(loopbackAnyPortMatch('http://localhost:65535/auth/callback', registered), true);
    assert.equal(loopbackAnyPortMatch('http://localhost:4000/auth/callback/', registered), false);
    assert.equal(loopbackAnyPortMatch('http://localhost:4000/auth/callback#x', registered), false);
    assert.equal(loopbackAnyPortMatch('http://[::1]:4000/auth/callback', registered), false);
    assert.equal(loopbackAnyPortMatch('not a url', registered), false);
    assert.equal(loopbackAnyPortMatch('https://example.com/auth/callback', ['https://example.com:1/auth/callback']), false);
  });

  async function logout(postLogoutRedirectUri) {
    const jar = new CookieJar();
    const { code, pkce } = await login(idp, jar, { username: 'alice' });
    const token = await exchangeCode(idp, { code, verifier: pkce.verifier });
    const url = new URL('/session/end', idp.url);
    url.searchParams.set('id_token_hint', token.body.id_token);
    if (postLogoutRedirectUri) url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
    url.searchParams.set('state', 'st4te');
    return { jar, result: await follow(idp, jar, url.href) };
  }

  async function confirmLogout(jar, result) {
    assert.equal(result.response.status, 200);
    const page = await result.response.text();
    assert.match(page, /Sign out\?/);
    assert.match(page, /<button[^>]*name="logout" value="yes"[^>]*>Sign out<\/button>/);
    const action = /<form[^>]*id="op.logoutForm"[^>]*action="([^"]+)"|<form[^>]*action="([^"]+)"[^>]*id="op.logoutForm"/.exec(page);
    const formUrl = new URL((action[1] ?? action[2]).replaceAll('&amp;', '&'), result.url).href;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)[1];
    return follow(idp, jar, formUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
  }

  for (const target of [
    'http://127.0.0.1:3000/',
    'http://127.0.0.1:53124/',
    'http://localhost:53124/auth/logged-out',
    EXTRA_LOGOUT,
  ]) {
    test(`logout confirms and returns to ${target}, ending the session`, async () => {
      const { jar, result } = await logout(target);
      const done = await confirmLogout(jar, result);
      assert.ok(done.location, 'redirected after logout');
      const back = new URL(done.location);
      assert.equal(`${back.origin}${back.pathname}`, new URL(target).href);
      assert.equal(back.searchParams.get('state'), 'st4te');

      // The session is gone: authorizing again shows the login form.
      const again = await follow(idp, jar, authorizeUrl(idp, { challenge: pkcePair().challenge }));
      assert.equal(again.location, undefined);
      assert.match(await again.response.text(), /name="password"/);
    });
  }

  test('logout without a redirect shows a signed-out page', async () => {
    const { jar, result } = await logout(undefined);
    const done = await confirmLogout(jar, result);
    assert.equal(done.location, undefined);
    assert.equal(done.response.status, 200);
    assert.match(await done.response.text(), /Signed out/);
  });

  for (const target of ['https://evil.example/', 'http://127.0.0.1:3000/elsewhere']) {
    test(`logout refuses post_logout_redirect_uri ${target}`, async () => {
      const { result } = await logout(target);
      assert.equal(result.location, undefined);
      assert.equal(result.response.status, 400);
      assert.match(await result.response.text(), /post_logout_redirect_uri/);
    });
  }
});
