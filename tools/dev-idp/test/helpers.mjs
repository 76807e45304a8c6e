// Test helpers: start a real provider process on a free port with its own
// state directory, and drive it over HTTPS with fetch (trusting the CA it
// generated), following the login form like a browser would.
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Agent, fetch as undiciFetch } from 'undici';

const here = path.dirname(fileURLToPath(import.meta.url));
export const toolDir = path.resolve(here, '..');
export const serverScript = path.join(toolDir, 'src/server.mjs');
export const users = JSON.parse(fs.readFileSync(path.join(toolDir, 'users.json'), 'utf8')).users;

export function parseEnvFile(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)='(.*)'$/.exec(line);
    if (m) out[m[1]] = m[2].replaceAll("'\\''", "'");
  }
  return out;
}

/** A cookie jar keyed by name and path, enough for one host. */
export class CookieJar {
  #cookies = new Map();

  store(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attrs] = header.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let cookiePath = '/';
      let expired = false;
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=');
        if (k.toLowerCase() === 'path') cookiePath = v;
        if (k.toLowerCase() === 'expires' && Date.parse(v) < Date.now()) expired = true;
        if (k.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
      }
      const key = `${name}\0${cookiePath}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path: cookiePath });
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    return [...this.#cookies.values()]
      .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

/**
 * Starts `node src/server.mjs --port 0` with a fresh (or given) state
 * directory. Resolves once it writes idp.env.
 */
export async function startProvider({ env = {}, stateDir } = {}) {
  const dir = stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'aigov-dev-idp-test-'));
  const child = spawn(process.execPath, [serverScript, '--port', '0', '--state-dir', dir], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });

  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`provider did not start:\n${output}`)), 30000);
    const check = () => {
      if (/listening on https:\/\//.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`provider exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');

  const idpEnv = parseEnvFile(fs.readFileSync(path.join(dir, 'idp.env'), 'utf8'));
  const ca = fs.readFileSync(idpEnv.AIGOV_OIDC_CA_FILE, 'utf8');
  const dispatcher = new Agent({ connect: { ca } });

  return {
    url: idpEnv.AIGOV_IDP_URL,
    issuer: idpEnv.AIGOV_OIDC_ISSUER,
    clientId: idpEnv.AIGOV_OIDC_CLIENT_ID,
    clientSecret: idpEnv.AIGOV_OIDC_CLIENT_SECRET,
    env: idpEnv,
    stateDir: dir,
    ca,
    output: () => output,
    fetch: (url, init = {}) => undiciFetch(url, { dispatcher, redirect: 'manual', ...init }),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => { child.once('exit', resolve); });
        child.kill('SIGTERM');
        await exited;
      }
      await dispatcher.close();
      if (!stateDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function pkcePair() {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

export function authorizeUrl(idp, {
  redirectUri = 'http://127.0.0.1:3000/auth/callback',
  clientId = idp.clientId,
  scope = 'openid profile email groups',
  state = crypto.randomBytes(8).toString('hex'),
  nonce = crypto.randomBytes(8).toString('hex'),
  challenge,
  extra = {},
} = {}) {
  const url = new URL('/auth', idp.url);
  const params = {
    client_id: clientId,
    response_type: 'code',
    scope,
    redirect_uri: redirectUri,
    state,
    nonce,
    ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

/**
 * Follows redirects on the provider's origin with the cookie jar. Stops at a
 * response that is not a redirect, or at a redirect leaving the provider
 * (e.g. to the client's redirect URI). Returns { response, url, location }.
 */
export async function follow(idp, jar, url, init = {}) {
  let current = url;
  let options = init;
  for (let i = 0; i < 20; i += 1) {
    const headers = { ...(options.headers ?? {}) };
    const cookie = jar.header(current);
    if (cookie) headers.cookie = cookie;
    const response = await idp.fetch(current, { ...options, headers });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      return { response, url: current };
    }
    const next = new URL(location, current);
    if (next.origin !== new URL(idp.url).origin) {
      await response.arrayBuffer();
      return { response, url: current, location: next.href };
    }
    await response.arrayBuffer();
    current = next.href;
    options = {};
  }
  throw new Error('too many redirects');
}

export function formAction(html, base) {
  const m = /<form[^>]*\baction="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no form in page:\n${html}`);
  return new URL(m[1].replaceAll('&amp;', '&'), base).href;
}

export async function submitLogin(idp, jar, pageUrl, html, username, password) {
  return follow(idp, jar, formAction(html, pageUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
}

/** Runs the browser part of the code flow; resolves to { code, state, callback, pkce, nonce }. */
export async function login(idp, jar, { username, password = username, redirectUri = 'http://127.0.0.1:3000/auth/callback', scope } = {}) {
  const pkce = pkcePair();
  const state = crypto.randomBytes(8).toString('hex');
  const nonce = crypto.randomBytes(8).toString('hex');
  let result = await follow(idp, jar, authorizeUrl(idp, {
    redirectUri, challenge: pkce.challenge, state, nonce, scope,
  }));
  if (!result.location) {
    const html = await result.response.text();
    result = await submitLogin(idp, jar, result.url, html, username, password);
  }
  if (!result.location) {
    throw new Error(`login did not redirect back: ${result.response.status} ${await result.response.text()}`);
  }
  const callback = new URL(result.location);
  return {
    code: callback.searchParams.get('code'),
    state: callback.searchParams.get('state'),
    expectedState: state,
    callback,
    pkce,
    nonce,
  };
}

export async function exchangeCode(idp, { code, verifier, redirectUri = 'http://127.0.0.1:3000/auth/callback', secret = idp.clientSecret }) {
  const response = await idp.fetch(new URL('/token', idp.url), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(idp.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier,
    }).toString(),
  });
  return { status: response.status, body: await response.json() };
}

export async function jwks(idp) {
  const response = await idp.fetch(new URL('/jwks', idp.url));
  return response.json();
}
