// The oidc-provider instance: one confidential client for the portal, the
// demo accounts, claims (including `groups`), PKCE, logout pages and the
// development-only loopback redirect rule.
import Provider from 'oidc-provider';

import * as views from './views.mjs';

export const PORTAL_CLIENT_ID = 'aigov-portal';

/** The public client of command-line tools (`aigov kubeconfig`, kubectl). */
export const CLI_CLIENT_ID = 'aigov-cli';

/** The OAuth 2.0 device authorization grant (RFC 8628). */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** Hosts treated as loopback for the development redirect rule. */
export const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Custom client metadata that switches the loopback rule on for a client. */
export const LOOPBACK_METADATA = 'dev_loopback_any_port';

/**
 * The development loopback rule (RFC 8252, section 7.3 style): an `http`
 * redirect to a loopback host matches a registered loopback redirect when
 * everything except the port is equal. Any port is accepted because tests
 * run the portal on random free ports. `registered` is the client's list.
 */
export function loopbackAnyPortMatch(value, registered) {
  const candidate = URL.parse(value);
  if (!candidate || candidate.protocol !== 'http:' || !LOOPBACK_HOSTS.has(candidate.hostname)) {
    return false;
  }
  if (candidate.username || candidate.password || candidate.hash || value.includes('#')) {
    return false;
  }
  return registered.some((uri) => {
    const allowed = URL.parse(uri);
    return allowed
      && allowed.protocol === 'http:'
      && LOOPBACK_HOSTS.has(allowed.hostname)
      && allowed.hostname === candidate.hostname
      && allowed.pathname === candidate.pathname
      && allowed.search === candidate.search;
  });
}

/**
 * Installs the loopback rule through the Client model's redirect checks, the
 * extension point oidc-provider documents for custom redirect matching. The
 * exact-match check of the library runs first; the rule only applies to
 * clients registered with `dev_loopback_any_port: true`.
 */
function installLoopbackRule(provider) {
  const { redirectUriAllowed, postLogoutRedirectUriAllowed } = provider.Client.prototype;
  provider.Client.prototype.redirectUriAllowed = function devRedirectUriAllowed(value) {
    if (redirectUriAllowed.call(this, value)) return true;
    return this[LOOPBACK_METADATA] === true && loopbackAnyPortMatch(value, this.redirectUris);
  };
  provider.Client.prototype.postLogoutRedirectUriAllowed = function devPostLogoutRedirectUriAllowed(value) {
    if (postLogoutRedirectUriAllowed.call(this, value)) return true;
    return this[LOOPBACK_METADATA] === true && loopbackAnyPortMatch(value, this.postLogoutRedirectUris ?? []);
  };
}

function splitList(value) {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export function portalClient({ secret, extraRedirectUris = [], extraPostLogoutRedirectUris = [] }) {
  const loopbacks = ['127.0.0.1', 'localhost'];
  return {
    client_id: PORTAL_CLIENT_ID,
    client_secret: secret,
    client_name: 'aigov portal',
    application_type: 'web',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
    scope: 'openid profile email groups offline_access',
    redirect_uris: [
      ...loopbacks.map((h) => `http://${h}:3000/auth/callback`),
      ...extraRedirectUris,
    ],
    post_logout_redirect_uris: [
      ...loopbacks.flatMap((h) => [`http://${h}:3000/`, `http://${h}:3000/auth/logged-out`]),
      ...extraPostLogoutRedirectUris,
    ],
    [LOOPBACK_METADATA]: true,
  };
}

/**
 * The command-line client: public (no secret; PKCE is required of every
 * client), redirecting to a loopback port of its own choosing, or the
 * device flow where no browser can come back to it.
 */
export function cliClient() {
  return {
    client_id: CLI_CLIENT_ID,
    client_name: 'aigov command line',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
    scope: 'openid profile email groups offline_access',
    redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback'],
    [LOOPBACK_METADATA]: true,
  };
}

export function clientFromEnv(env, secret) {
  return portalClient({
    secret,
    extraRedirectUris: splitList(env.AIGOV_IDP_REDIRECT_URIS),
    extraPostLogoutRedirectUris: splitList(env.AIGOV_IDP_POST_LOGOUT_REDIRECT_URIS),
  });
}

function accountFor(user) {
  return {
    accountId: user.sub,
    // `use` is "id_token" or "userinfo"; both carry the same claims, filtered
    // by oidc-provider to what the granted scopes allow.
    async claims() {
      return {
        sub: user.sub,
        name: user.name,
        preferred_username: user.username,
        email: user.email,
        email_verified: user.email_verified,
        groups: [...user.groups],
      };
    },
  };
}

/**
 * Creates the provider. `options`: issuer, users, client (from portalClient),
 * signingKeys (private JWKs, the first one signs), cookieKeys, adapter
 * (storage, see store.mjs), tokenTtl.
 */
export function createProvider({
  issuer, users, client, signingKeys, cookieKeys, adapter, tokenTtl = 3600,
}) {
  const bySub = new Map(users.map((u) => [u.sub, u]));
  const clientName = (ctx) => ctx.oidc?.client?.clientName || ctx.oidc?.client?.clientId;

  const provider = new Provider(issuer, {
    adapter,
    clients: [client, cliClient()],
    clientDefaults: {
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: 'RS256',
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    extraClientMetadata: {
      properties: [LOOPBACK_METADATA],
      validator(_ctx, key, value) {
        if (key === LOOPBACK_METADATA && value !== undefined && typeof value !== 'boolean') {
          throw new Error(`${LOOPBACK_METADATA} must be a boolean`);
        }
      },
    },
    jwks: { keys: signingKeys },
    cookies: {
      keys: cookieKeys,
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    claims: {
      acr: null,
      auth_time: null,
      sid: null,
      iss: null,
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    // Put the claims of the granted scopes (groups included) into the ID
    // token as well as userinfo.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientBasedCORS: () => false,
    async findAccount(_ctx, sub) {
      const user = bySub.get(sub);
      return user ? accountFor(user) : undefined;
    },
    async issueRefreshToken(_ctx, c) {
      return c.grantTypeAllowed('refresh_token');
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      deviceFlow: {
        enabled: true,
        charset: 'base-20',
        mask: '****-****',
        async userCodeInputSource(ctx, form, out, err) {
          ctx.set('Content-Security-Policy', views.PAGE_CSP);
          ctx.type = 'html';
          ctx.body = views.deviceCodePage({ form, error: err ? (out?.error_description ?? err.message) : undefined });
        },
        async userCodeConfirmSource(ctx, form, client, deviceInfo, userCode) {
          ctx.set('Content-Security-Policy', views.PAGE_CSP);
          ctx.type = 'html';
          ctx.body = views.deviceConfirmPage({ form, clientName: client.clientName || client.clientId, userCode });
        },
        async successSource(ctx) {
          ctx.set('Content-Security-Policy', views.PAGE_CSP);
          ctx.type = 'html';
          ctx.body = views.deviceDonePage({ clientName: clientName(ctx) });
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.set('Content-Security-Policy', views.PAGE_CSP);
          ctx.type = 'html';
          ctx.body = views.logoutPage({ form, clientName: clientName(ctx) });
        },
        async postLogoutSuccessSource(ctx) {
          ctx.set('Content-Security-Policy', views.PAGE_CSP);
          ctx.type = 'html';
          ctx.body = views.loggedOutPage({ clientName: clientName(ctx) });
        },
      },
    },
    async renderError(ctx, out) {
      ctx.set('Content-Security-Policy', views.PAGE_CSP);
      ctx.type = 'html';
      ctx.body = views.errorPage({ title: 'Sign-in error', details: out });
    },
    ttl: {
      AccessToken: tokenTtl,
      IdToken: tokenTtl,
      AuthorizationCode: 60,
      Interaction: 60 * 60,
      Session: 14 * 24 * 60 * 60,
      Grant: 14 * 24 * 60 * 60,
      RefreshToken: 24 * 60 * 60,
    },
  });

  installLoopbackRule(provider);
  provider.on('server_error', (_ctx, err) => {
    console.error('dev-idp: server error:', err);
  });
  return provider;
}
