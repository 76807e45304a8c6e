// In-memory storage adapter for oidc-provider. One store is shared by every
// provider instance of the process, so that sessions, grants and tokens
// survive the swap to a new instance when the signing key is rotated.
// Nothing is written to disk: a restart signs everybody out.

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

const MAX_ENTRIES = 10000;

export function createSharedStore({ clockTolerance = 15 } = {}) {
  /** key -> { payload, expiresAt } */
  const entries = new Map();
  /** grantId -> Set of keys */
  const grants = new Map();
  /** session uid -> session id, user code -> id */
  const sessionUids = new Map();
  const userCodes = new Map();

  function get(key) {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  function prune() {
    if (entries.size < MAX_ENTRIES) return;
    const now = Date.now();
    for (const [key, entry] of entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) entries.delete(key);
    }
    // Still too many: drop the oldest entries.
    for (const key of entries.keys()) {
      if (entries.size < MAX_ENTRIES) break;
      entries.delete(key);
    }
  }

  class SharedMemoryAdapter {
    constructor(model) {
      this.model = model;
    }

    key(id) {
      return `${this.model}:${id}`;
    }

    async upsert(id, payload, expiresIn) {
      prune();
      const key = this.key(id);
      const expiresAt = typeof expiresIn === 'number' ? Date.now() + (expiresIn + clockTolerance) * 1000 : undefined;
      entries.set(key, { payload, expiresAt });
      if (this.model === 'Session' && payload.uid) sessionUids.set(payload.uid, id);
      if (payload.userCode) userCodes.set(payload.userCode, id);
      if (GRANTABLE.has(this.model) && payload.grantId) {
        if (!grants.has(payload.grantId)) grants.set(payload.grantId, new Set());
        grants.get(payload.grantId).add(key);
      }
    }

    async find(id) {
      return get(this.key(id));
    }

    async findByUid(uid) {
      const id = sessionUids.get(uid);
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(userCode) {
      const id = userCodes.get(userCode);
      return id === undefined ? undefined : this.find(id);
    }

    async consume(id) {
      const payload = get(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id) {
      const key = this.key(id);
      const payload = get(key);
      entries.delete(key);
      if (payload?.uid && sessionUids.get(payload.uid) === id) sessionUids.delete(payload.uid);
      if (payload?.userCode && userCodes.get(payload.userCode) === id) userCodes.delete(payload.userCode);
      if (payload?.grantId) grants.get(payload.grantId)?.delete(key);
    }

    async revokeByGrantId(grantId) {
      for (const key of grants.get(grantId) ?? []) entries.delete(key);
      grants.delete(grantId);
    }
  }

  return (model) => new SharedMemoryAdapter(model);
}
