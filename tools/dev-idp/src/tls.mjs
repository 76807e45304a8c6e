// Certificates for the development identity provider: a local certificate
// authority (kept in the state directory so that whoever trusts it keeps
// trusting it across restarts) and a serving certificate for 127.0.0.1 and
// localhost signed by it. Keys come from Node's crypto; node-forge builds the
// X.509 structures.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import forge from 'node-forge';

const { pki } = forge;

const DAY = 24 * 60 * 60 * 1000;
const CA_VALIDITY_DAYS = 3650;
const LEAF_VALIDITY_DAYS = 397;
const LEAF_RENEW_BEFORE_DAYS = 30;

function rsaKeyPair() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const forgeKey = pki.privateKeyFromPem(pem);
  return {
    pem,
    privateKey: forgeKey,
    publicKey: pki.setRsaPublicKey(forgeKey.n, forgeKey.e),
  };
}

function serialNumber() {
  // Positive, non-zero, 16 random bytes.
  const bytes = crypto.randomBytes(16);
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01;
  return bytes.toString('hex');
}

function writePrivate(file, contents) {
  fs.writeFileSync(`${file}.tmp`, contents, { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

function writePublic(file, contents) {
  fs.writeFileSync(`${file}.tmp`, contents, { mode: 0o644 });
  fs.renameSync(`${file}.tmp`, file);
}

function createCa() {
  const keys = rsaKeyPair();
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - DAY);
  cert.validity.notAfter = new Date(now + CA_VALIDITY_DAYS * DAY);
  const attrs = [
    { name: 'organizationName', value: 'aigov development' },
    { name: 'commonName', value: `aigov dev-idp CA ${crypto.randomBytes(4).toString('hex')}` },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: pki.certificateToPem(cert), keyPem: keys.pem };
}

function createLeaf(caCertPem, caKeyPem, hosts) {
  const caCert = pki.certificateFromPem(caCertPem);
  const caKey = pki.privateKeyFromPem(caKeyPem);
  const keys = rsaKeyPair();
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - DAY);
  cert.validity.notAfter = new Date(now + LEAF_VALIDITY_DAYS * DAY);
  cert.setSubject([
    { name: 'organizationName', value: 'aigov development' },
    { name: 'commonName', value: hosts.dns[0] ?? hosts.ips[0] },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...hosts.dns.map((value) => ({ type: 2, value })),
        ...hosts.ips.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: pki.certificateToPem(cert), keyPem: keys.pem };
}

function leafIsUsable(leafPem, caPem, hosts) {
  try {
    const leaf = new crypto.X509Certificate(leafPem);
    const ca = new crypto.X509Certificate(caPem);
    if (!leaf.verify(ca.publicKey) || !leaf.checkIssued(ca)) return false;
    if (new Date(leaf.validTo).getTime() - Date.now() < LEAF_RENEW_BEFORE_DAYS * DAY) return false;
    const san = leaf.subjectAltName ?? '';
    return hosts.dns.every((h) => san.includes(`DNS:${h}`))
      && hosts.ips.every((ip) => san.includes(`IP Address:${ip}`));
  } catch {
    return false;
  }
}

/**
 * Makes sure the state directory holds a CA and a serving certificate for
 * the given hosts, creating or renewing what is missing. Returns the paths
 * and PEM contents.
 */
export function ensureCertificates(stateDir, hosts = { dns: ['localhost'], ips: ['127.0.0.1'] }) {
  const files = {
    caCert: path.join(stateDir, 'ca.pem'),
    caKey: path.join(stateDir, 'ca-key.pem'),
    cert: path.join(stateDir, 'tls.pem'),
    key: path.join(stateDir, 'tls-key.pem'),
  };
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });

  if (!fs.existsSync(files.caCert) || !fs.existsSync(files.caKey)) {
    const ca = createCa();
    writePrivate(files.caKey, ca.keyPem);
    writePublic(files.caCert, ca.certPem);
    fs.rmSync(files.cert, { force: true });
  }
  const caCertPem = fs.readFileSync(files.caCert, 'utf8');
  const caKeyPem = fs.readFileSync(files.caKey, 'utf8');

  const leafPem = fs.existsSync(files.cert) ? fs.readFileSync(files.cert, 'utf8') : '';
  if (!leafPem || !fs.existsSync(files.key) || !leafIsUsable(leafPem, caCertPem, hosts)) {
    const leaf = createLeaf(caCertPem, caKeyPem, hosts);
    writePrivate(files.key, leaf.keyPem);
    writePublic(files.cert, leaf.certPem);
  }

  const certPem = fs.readFileSync(files.cert, 'utf8');
  const keyPem = fs.readFileSync(files.key, 'utf8');
  // SHA-256 of the serving certificate's SubjectPublicKeyInfo, base64: what
  // Chromium's --ignore-certificate-errors-spki-list expects.
  const spki = new crypto.X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  const spkiSha256 = crypto.createHash('sha256').update(spki).digest('base64');
  return { files, caCertPem, certPem, keyPem, spkiSha256 };
}
