// Server-rendered pages of the development identity provider. Every value
// that reaches the HTML goes through escapeHtml.

export function escapeHtml(value) {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Content-Security-Policy for every page rendered here (inline styles only, no scripts). */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'";

const STYLE = `
  :root { color-scheme: light dark; --accent: #1d4ed8; --error: #b91c1c; }
  * { box-sizing: border-box; }
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; line-height: 1.5;
         background: Canvas; color: CanvasText; }
  main { max-width: 26rem; margin: 3rem auto; padding: 1.5rem 2rem 2rem; border: 1px solid #8884; border-radius: .5rem; }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
  .sub { margin: 0 0 1.25rem; opacity: .8; }
  .banner { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: #92400e; background: #fef3c7;
            padding: .15rem .5rem; border-radius: .25rem; display: inline-block; margin-bottom: .75rem; }
  label { display: block; font-weight: 600; margin: .9rem 0 .25rem; }
  input[type=text], input[type=password] { width: 100%; padding: .55rem .6rem; font-size: 1rem; border: 1px solid #888; border-radius: .3rem; }
  input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  input[aria-invalid=true] { border-color: var(--error); }
  .actions { display: flex; gap: .75rem; margin-top: 1.25rem; }
  button { font-size: 1rem; padding: .55rem 1.1rem; border-radius: .3rem; border: 1px solid var(--accent); cursor: pointer; }
  button.primary { background: var(--accent); color: #fff; }
  button.secondary { background: transparent; color: inherit; border-color: #888; }
  .error { color: var(--error); border: 1px solid var(--error); border-radius: .3rem; padding: .5rem .75rem; margin: 0 0 .5rem; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; margin-top: .5rem; }
  th, td { text-align: left; padding: .2rem .4rem; border-bottom: 1px solid #8884; }
  details { margin-top: 1.5rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem .75rem; }
  dt { font-weight: 600; }
  dd { margin: 0; }
`;

export function layout({ title, body }) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · aigov dev identity provider</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<span class="banner">Development identity provider</span>
${body}
</main>
</body>
</html>
`;
}

function demoUsersTable(users) {
  const rows = users.map((u) => `<tr><td>${escapeHtml(u.username)}</td><td>${escapeHtml(u.name)}</td><td>${escapeHtml(u.groups.join(', '))}</td></tr>`).join('\n');
  return `<details>
<summary>Demo accounts (the password is the user name)</summary>
<table>
<thead><tr><th scope="col">User</th><th scope="col">Name</th><th scope="col">Groups</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</details>`;
}

export function loginPage({ uid, clientName, username = '', error, users }) {
  const invalid = error ? ' aria-invalid="true" aria-describedby="login-error"' : '';
  return layout({
    title: 'Sign in',
    body: `<h1>Sign in</h1>
<p class="sub">to continue to ${escapeHtml(clientName)}</p>
${error ? `<p class="error" id="login-error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(encodeURIComponent(uid))}/login" autocomplete="on">
<label for="username">Username</label>
<input type="text" id="username" name="username" value="${escapeHtml(username)}" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus${invalid}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${invalid}>
<div class="actions">
<button type="submit" class="primary">Sign in</button>
<button type="submit" class="secondary" formaction="/interaction/${escapeHtml(encodeURIComponent(uid))}/abort" formnovalidate>Cancel</button>
</div>
</form>
${demoUsersTable(users)}`,
  });
}

export function consentPage({ uid, clientName, account, scopes }) {
  return layout({
    title: 'Continue',
    body: `<h1>Continue to ${escapeHtml(clientName)}?</h1>
<p class="sub">Signed in as ${escapeHtml(account)}. The application asks for: ${escapeHtml(scopes.join(', '))}.</p>
<form method="post" action="/interaction/${escapeHtml(encodeURIComponent(uid))}/confirm">
<div class="actions">
<button type="submit" class="primary" autofocus>Continue</button>
<button type="submit" class="secondary" formaction="/interaction/${escapeHtml(encodeURIComponent(uid))}/abort">Cancel</button>
</div>
</form>`,
  });
}

export function logoutPage({ form, clientName }) {
  // `form` is the hidden form (with its CSRF token) generated by oidc-provider.
  return layout({
    title: 'Sign out',
    body: `<h1>Sign out?</h1>
<p class="sub">${clientName ? `You are signing out of ${escapeHtml(clientName)} and ` : 'You are signing out of '}the development identity provider.</p>
${form}
<div class="actions">
<button type="submit" class="primary" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" class="secondary" form="op.logoutForm">Stay signed in</button>
</div>`,
  });
}

export function loggedOutPage({ clientName }) {
  return layout({
    title: 'Signed out',
    body: `<h1>Signed out</h1>
<p class="sub">You have signed out${clientName ? ` of ${escapeHtml(clientName)}` : ''}. You can close this window.</p>`,
  });
}

export function errorPage({ title = 'Something went wrong', details }) {
  const entries = Object.entries(details ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return layout({
    title,
    body: `<h1>${escapeHtml(title)}</h1>
<dl>
${entries.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n')}
</dl>`,
  });
}

// The device flow (RFC 8628): `form` is the hidden form (with its CSRF
// token) generated by oidc-provider; the fields refer to it by id.
export function deviceCodePage({ form, error }) {
  return layout({
    title: 'Enter code',
    body: `<h1>Sign in on this device</h1>
<p class="sub">Enter the code your terminal shows.</p>
${error ? `<p class="error" id="code-error" role="alert">${escapeHtml(error)}</p>` : ''}
<label>Code
${form}</label>
<div class="actions">
<button type="submit" class="primary" form="op.deviceInputForm">Continue</button>
</div>`,
  });
}

export function deviceConfirmPage({ form, clientName, userCode }) {
  return layout({
    title: 'Confirm device',
    body: `<h1>Sign in ${escapeHtml(clientName)}?</h1>
<p class="sub">Only continue if your terminal shows the code <strong>${escapeHtml(userCode)}</strong>.</p>
${form}
<div class="actions">
<button type="submit" class="primary" form="op.deviceConfirmForm" autofocus>Continue</button>
<button type="submit" class="secondary" form="op.deviceConfirmForm" name="abort" value="yes">Cancel</button>
</div>`,
  });
}

export function deviceDonePage({ clientName }) {
  return layout({
    title: 'Signed in',
    body: `<h1>Signed in</h1>
<p class="sub">${clientName ? `${escapeHtml(clientName)} is signed in.` : 'The device is signed in.'} You can close this window and return to your terminal.</p>`,
  });
}
