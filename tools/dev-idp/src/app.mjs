// The HTTPS server of the development identity provider: interaction pages
// (login, consent), the development admin endpoints, and oidc-provider for
// everything else.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';

import {
  createProvider, clientFromEnv, CLI_CLIENT_ID, PORTAL_CLIENT_ID,
} from './provider.mjs';
import {
  loadSigningKeys, persistentSecret, rotateSigningKeys, storeSecret, writeAtomic,
} from './state.mjs';
import { createSharedStore } from './store.mjs';
import { ensureCertificates } from './tls.mjs';
import * as views from './views.mjs';

/** Clients whose consent is granted without asking (first-party). */
const TRUSTED_CLIENTS = new Set([PORTAL_CLIENT_ID, CLI_CLIENT_ID]);

const MAX_BODY = 64 * 1024;

export function loadUsers(file) {
  const { users } = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const u of users) {
    for (const field of ['username', 'password', 'sub', 'name', 'email']) {
      if (typeof u[field] !== 'string' || !u[field]) throw new Error(`${file}: user entry needs a string "${field}"`);
    }
    if (!Array.isArray(u.groups)) throw new Error(`${file}: user ${u.username} needs a "groups" array`);
    u.email_verified = u.email_verified !== false;
  }
  return users;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

function sendHtml(res, status, html) {
  send(res, status, html, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': views.PAGE_CSP,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
  });
}

function sendJson(res, status, value) {
  send(res, status, `${JSON.stringify(value, null, 2)}\n`, { 'Content-Type': 'application/json' });
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function safeEqual(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/**
 * Starts the provider. Options: port (0 picks a free one), host, issuer
 * (default https://127.0.0.1:<port>), stateDir, usersFile, env (for the
 * client secret, extra redirect URIs and token TTL), log.
 * Resolves to { server, issuer, port, files, rotateKeys(), close() }.
 */
export async function startIdp({
  port = 9443,
  host = '127.0.0.1',
  issuer: issuerOption,
  stateDir,
  usersFile,
  env = process.env,
  log = (msg) => console.log(`dev-idp: ${msg}`),
}) {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const users = loadUsers(usersFile);
  const tls = ensureCertificates(stateDir);

  let clientSecret;
  if (env.AIGOV_IDP_CLIENT_SECRET) {
    clientSecret = env.AIGOV_IDP_CLIENT_SECRET;
    storeSecret(stateDir, 'client-secret', clientSecret);
  } else {
    clientSecret = persistentSecret(stateDir, 'client-secret');
  }
  const cookieKeys = [persistentSecret(stateDir, 'cookie-key')];
  const adminToken = persistentSecret(stateDir, 'admin-token');
  const tokenTtl = Number.parseInt(env.AIGOV_IDP_TOKEN_TTL ?? '', 10) || 3600;
  const client = clientFromEnv(env, clientSecret);

  const adapter = createSharedStore();
  let provider = null;
  let providerHandler = null;
  let issuer = issuerOption;

  async function buildProvider() {
    const signingKeys = await loadSigningKeys(stateDir);
    return createProvider({
      issuer, users, client, signingKeys, cookieKeys, adapter, tokenTtl,
    });
  }

  async function rotateKeys() {
    const keys = await rotateSigningKeys(stateDir);
    provider = await buildProvider();
    providerHandler = provider.callback();
    log(`signing key rotated: signing with ${keys[0].kid}, also publishing ${keys.slice(1).map((k) => k.kid).join(', ') || 'nothing else'}`);
    return { signingKid: keys[0].kid, publishedKids: keys.map((k) => k.kid) };
  }

  async function grantConsent(req, res, details) {
    const { prompt: { details: missing = {} }, params, session } = details;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    const consent = details.grantId ? {} : { grantId };
    await provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
  }

  async function clientName(clientId) {
    const c = await provider.Client.find(clientId);
    return c?.clientName || clientId;
  }

  async function handleInteraction(req, res, url) {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/.exec(url.pathname);
    if (!match) return sendHtml(res, 404, views.errorPage({ title: 'Not found', details: {} }));
    const [, uid, action] = match;

    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch (err) {
      return sendHtml(res, 400, views.errorPage({
        title: 'Sign-in session expired',
        details: { error: err.error ?? 'invalid_request', error_description: `${err.error_description ?? err.message}. Go back to the application and sign in again.` },
      }));
    }
    if (details.uid !== uid) {
      return sendHtml(res, 400, views.errorPage({ title: 'Sign-in session mismatch', details: { error_description: 'This sign-in page belongs to another sign-in attempt. Go back to the application and sign in again.' } }));
    }
    const prompt = details.prompt.name;
    const name = await clientName(details.params.client_id);

    if (req.method === 'GET' && !action) {
      if (prompt === 'login') {
        return sendHtml(res, 200, views.loginPage({
          uid, clientName: name, username: details.params.login_hint ?? '', users,
        }));
      }
      if (prompt === 'consent') {
        if (TRUSTED_CLIENTS.has(details.params.client_id)) return grantConsent(req, res, details);
        const scopes = String(details.params.scope ?? '').split(' ').filter(Boolean);
        return sendHtml(res, 200, views.consentPage({
          uid, clientName: name, account: details.session?.accountId ?? '', scopes,
        }));
      }
      return sendHtml(res, 400, views.errorPage({ title: 'Unsupported step', details: { prompt } }));
    }

    if (req.method !== 'POST' || !action) {
      return send(res, 405, 'method not allowed\n', { Allow: 'GET, POST', 'Content-Type': 'text/plain' });
    }
    const form = await readForm(req);

    if (action === 'abort') {
      return provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: 'The user cancelled the sign-in.',
      }, { mergeWithLastSubmission: false });
    }

    if (action === 'login') {
      if (prompt !== 'login') return sendHtml(res, 400, views.errorPage({ title: 'Unexpected step', details: { prompt } }));
      const username = (form.get('username') ?? '').trim();
      const password = form.get('password') ?? '';
      const user = users.find((u) => u.username === username);
      // Compare the password even for unknown users, to keep timing uniform.
      const passwordOk = safeEqual(password, user ? user.password : crypto.randomBytes(16).toString('hex'));
      if (!user || !passwordOk) {
        log(`sign-in refused for ${JSON.stringify(username)}`);
        return sendHtml(res, 401, views.loginPage({
          uid, clientName: name, username, users, error: 'Invalid username or password.',
        }));
      }
      log(`signed in: ${user.username}`);
      return provider.interactionFinished(req, res, {
        login: { accountId: user.sub, remember: true },
      }, { mergeWithLastSubmission: false });
    }

    // action === 'confirm'
    if (prompt !== 'consent') return sendHtml(res, 400, views.errorPage({ title: 'Unexpected step', details: { prompt } }));
    return grantConsent(req, res, details);
  }

  async function handleAdmin(req, res, url) {
    if (url.pathname === '/dev/info' && req.method === 'GET') {
      const keys = await loadSigningKeys(stateDir);
      return sendJson(res, 200, {
        issuer, pid: process.pid, clientId: PORTAL_CLIENT_ID, signingKid: keys[0].kid, publishedKids: keys.map((k) => k.kid),
      });
    }
    if (url.pathname === '/dev/rotate-keys') {
      if (req.method !== 'POST') return send(res, 405, 'method not allowed\n', { Allow: 'POST', 'Content-Type': 'text/plain' });
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !safeEqual(auth.slice(7).trim(), adminToken)) {
        return sendJson(res, 401, { error: 'unauthorized', error_description: 'Bearer admin token from the state directory (admin-token) required' });
      }
      return sendJson(res, 200, await rotateKeys());
    }
    return sendJson(res, 404, { error: 'not_found' });
  }

  async function handle(req, res) {
    if (!providerHandler) return send(res, 503, 'starting\n', { 'Content-Type': 'text/plain', 'Retry-After': '1' });
    const url = new URL(req.url, issuer);
    try {
      if (url.pathname.startsWith('/interaction/')) return await handleInteraction(req, res, url);
      if (url.pathname.startsWith('/dev/')) return await handleAdmin(req, res, url);
      if (url.pathname === '/') {
        res.writeHead(302, { Location: '/.well-known/openid-configuration' });
        return res.end();
      }
    } catch (err) {
      console.error('dev-idp: request failed:', err);
      if (!res.headersSent) return sendHtml(res, err.status ?? 500, views.errorPage({ details: { error: err.message } }));
      return res.end();
    }
    return providerHandler(req, res);
  }

  const server = https.createServer({ cert: tls.certPem + tls.caCertPem, key: tls.keyPem }, (req, res) => {
    handle(req, res).catch((err) => {
      console.error('dev-idp: request failed:', err);
      if (!res.headersSent) send(res, 500, 'internal error\n', { 'Content-Type': 'text/plain' });
      else res.end();
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  issuer ??= `https://127.0.0.1:${actualPort}`;
  provider = await buildProvider();
  providerHandler = provider.callback();

  const files = {
    ...tls.files,
    clientSecret: path.join(stateDir, 'client-secret'),
    adminToken: path.join(stateDir, 'admin-token'),
    jwks: path.join(stateDir, 'jwks.json'),
    env: path.join(stateDir, 'idp.env'),
    server: path.join(stateDir, 'server.json'),
  };
  const envLines = {
    AIGOV_IDP_URL: issuer,
    AIGOV_OIDC_ISSUER: issuer,
    AIGOV_OIDC_CLIENT_ID: PORTAL_CLIENT_ID,
    AIGOV_OIDC_CLI_CLIENT_ID: CLI_CLIENT_ID,
    AIGOV_OIDC_CLIENT_SECRET: clientSecret,
    AIGOV_OIDC_CA_FILE: path.resolve(tls.files.caCert),
    AIGOV_IDP_TLS_SPKI_SHA256: tls.spkiSha256,
  };
  const shellQuote = (v) => `'${String(v).replaceAll("'", "'\\''")}'`;
  writeAtomic(files.env, `${Object.entries(envLines).map(([k, v]) => `${k}=${shellQuote(v)}`).join('\n')}\n`);
  writeAtomic(files.server, `${JSON.stringify({
    pid: process.pid, port: actualPort, host, issuer, startedAt: new Date().toISOString(),
  }, null, 2)}\n`, 0o644);

  log(`listening on ${issuer} (state in ${stateDir})`);

  return {
    server,
    issuer,
    port: actualPort,
    files,
    env: envLines,
    rotateKeys,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    }),
  };
}
