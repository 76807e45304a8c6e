#!/usr/bin/env node
// Command line of the development identity provider. See ../README.md.
//
//   node src/server.mjs [serve] [--port N] [--host ADDR] [--issuer URL] [--state-dir DIR] [--users FILE]
//   node src/server.mjs rotate-keys [--state-dir DIR]    rotate the keys of a stopped provider
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { startIdp } from './app.mjs';
import { rotateSigningKeys } from './state.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const toolDir = path.resolve(here, '..');
const repoDir = path.resolve(toolDir, '../..');

const USAGE = `usage: node src/server.mjs [serve] [options]
       node src/server.mjs rotate-keys [--state-dir DIR]

options (environment variable in brackets):
  --port N          HTTPS port, 0 for any free port [AIGOV_IDP_PORT] (default 9443)
  --host ADDR       address to listen on [AIGOV_IDP_HOST] (default 127.0.0.1)
  --issuer URL      issuer URL [AIGOV_IDP_ISSUER] (default https://127.0.0.1:<port>)
  --state-dir DIR   keys, certificates and secrets [AIGOV_IDP_STATE_DIR] (default <repo>/.dev/idp)
  --users FILE      demo accounts [AIGOV_IDP_USERS_FILE] (default users.json next to src/)

more environment: AIGOV_IDP_CLIENT_SECRET, AIGOV_IDP_REDIRECT_URIS,
AIGOV_IDP_POST_LOGOUT_REDIRECT_URIS, AIGOV_IDP_TOKEN_TTL`;

function fail(message) {
  console.error(`dev-idp: ${message}`);
  process.exit(1);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      issuer: { type: 'string' },
      'state-dir': { type: 'string' },
      users: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (err) {
  console.error(USAGE);
  fail(err.message);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const env = process.env;
const command = positionals[0] ?? 'serve';
const stateDir = path.resolve(values['state-dir'] ?? env.AIGOV_IDP_STATE_DIR ?? path.join(repoDir, '.dev/idp'));

if (command === 'rotate-keys') {
  const keys = await rotateSigningKeys(stateDir);
  console.log(JSON.stringify({ signingKid: keys[0].kid, publishedKids: keys.map((k) => k.kid) }));
  process.exit(0);
}
if (command !== 'serve') {
  console.error(USAGE);
  fail(`unknown command ${command}`);
}

const portText = values.port ?? env.AIGOV_IDP_PORT ?? '9443';
const port = Number.parseInt(portText, 10);
if (!/^\d+$/.test(portText) || port < 0 || port > 65535) fail(`invalid port ${portText}`);
const host = values.host ?? env.AIGOV_IDP_HOST ?? '127.0.0.1';
const usersFile = path.resolve(values.users ?? env.AIGOV_IDP_USERS_FILE ?? path.join(toolDir, 'users.json'));

let idp;
try {
  idp = await startIdp({
    port, host, issuer: values.issuer ?? env.AIGOV_IDP_ISSUER, stateDir, usersFile, env,
  });
} catch (err) {
  if (err.code === 'EADDRINUSE') {
    fail(`port ${port} on ${host} is already in use by another process; stop it or choose another port with --port / AIGOV_IDP_PORT`);
  }
  if (err.code === 'EACCES') fail(`not allowed to listen on ${host}:${port}`);
  throw err;
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`dev-idp: ${signal}, stopping`);
    await idp.close();
    process.exit(0);
  });
}
