// Files the development identity provider keeps in its state directory:
// secrets generated on first start and the signing keys.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { calculateJwkThumbprint } from 'jose';

/** How many signing keys stay published: the current one and the previous one. */
export const PUBLISHED_KEYS = 2;

function writeAtomic(file, contents, mode = 0o600) {
  fs.writeFileSync(`${file}.tmp`, contents, { mode });
  fs.renameSync(`${file}.tmp`, file);
}

/** Reads a secret from the state directory, generating it on first use. */
export function persistentSecret(stateDir, name, bytes = 32) {
  const file = path.join(stateDir, name);
  if (fs.existsSync(file)) {
    const value = fs.readFileSync(file, 'utf8').trim();
    if (value) return value;
  }
  const value = crypto.randomBytes(bytes).toString('base64url');
  writeAtomic(file, `${value}\n`);
  return value;
}

/** Stores a secret given from outside (e.g. the environment) so that tools reading the state directory agree. */
export function storeSecret(stateDir, name, value) {
  writeAtomic(path.join(stateDir, name), `${value}\n`);
}

export async function newSigningKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

function keysFile(stateDir) {
  return path.join(stateDir, 'jwks.json');
}

/** The private signing keys, newest (the one that signs) first. Creates one on first start. */
export async function loadSigningKeys(stateDir) {
  const file = keysFile(stateDir);
  if (fs.existsSync(file)) {
    const { keys } = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (Array.isArray(keys) && keys.length) return keys;
  }
  const keys = [await newSigningKey()];
  writeAtomic(file, `${JSON.stringify({ keys }, null, 2)}\n`);
  return keys;
}

/** Puts a new signing key first and keeps the previous one published. Returns the new key list. */
export async function rotateSigningKeys(stateDir) {
  const current = await loadSigningKeys(stateDir);
  const keys = [await newSigningKey(), ...current].slice(0, PUBLISHED_KEYS);
  writeAtomic(keysFile(stateDir), `${JSON.stringify({ keys }, null, 2)}\n`);
  return keys;
}

export { writeAtomic };
