/**
 * The HTML of the sign-in and consent page: plain, accessible, self-contained (no scripts, no
 * external assets), every value escaped.
 */

const SCOPE_TEXT: Record<string, string> = {
  im: 'read the messenger directory and your presence, and set your status',
  imbot: 'act for chat bots',
  user: 'read and change user profiles',
  user_basic: 'read user profiles with contact details',
  user_brief: 'read user profiles without contact details',
  department: 'read and change the company structure',
  sonet_group: 'read and manage workgroups',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f3f5f7}
main{max-width:26rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 1rem}
ul{padding-left:1.2rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{width:100%;padding:.55rem .6rem;font:inherit;border:1px solid #6b7580;border-radius:4px}
input:focus,button:focus{outline:3px solid #1f6feb;outline-offset:1px}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}
button{font:inherit;padding:.55rem 1.2rem;border-radius:4px;border:1px solid #1f6feb;cursor:pointer}
button.allow{background:#1f6feb;color:#fff}
button.deny{background:#fff;color:#1f6feb}
.error{color:#a40e26;background:#ffebe9;border:1px solid #a40e26;border-radius:4px;padding:.5rem .75rem}
code{word-break:break-all;font-size:1.1rem}
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export interface SignInPage {
  appName: string;
  clientId: string;
  scopes: string[];
  state: string;
  redirectUri: string;
  csrf: string;
  login?: string;
  error?: string;
}

export function signInPage(p: SignInPage): string {
  const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const scopes = p.scopes.length
    ? `<ul>${p.scopes.map((s) => `<li><strong>${escapeHtml(s)}</strong>: ${escapeHtml(SCOPE_TEXT[s] ?? 'access its methods')}</li>`).join('')}</ul>`
    : '<p>It asks for no permissions beyond knowing who you are.</p>';
  const error = p.error ? `<p class="error" id="error" role="alert">${escapeHtml(p.error)}</p>` : '';
  const described = p.error ? ' aria-describedby="error" aria-invalid="true"' : '';
  return page(
    `Sign in to allow ${p.appName}`,
    `<h1>Sign in to Roster</h1>
<p><strong>${escapeHtml(p.appName)}</strong> wants to use Roster as you. It will be able to:</p>
${scopes}
${error}
<form method="post" action="/oauth/authorize/">
${hidden('client_id', p.clientId)}
${hidden('state', p.state)}
${hidden('redirect_uri', p.redirectUri)}
${hidden('csrf', p.csrf)}
<label for="login">Login or e-mail</label>
<input id="login" name="login" type="text" autocomplete="username" required autofocus value="${escapeHtml(p.login ?? '')}"${described}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described}>
<div class="actions">
<button type="submit" class="allow" name="decision" value="allow">Sign in and allow</button>
<button type="submit" class="deny" name="decision" value="deny" formnovalidate>Deny</button>
</div>
</form>`,
  );
}

/** For applications without a redirect URI: the code is shown, to be pasted into the application. */
export function codePage(appName: string, code: string, seconds: number): string {
  return page(
    'Authorization code',
    `<h1>Access allowed</h1>
<p>Give this code to <strong>${escapeHtml(appName)}</strong>. It works once, within ${seconds} seconds.</p>
<p><code id="code">${escapeHtml(code)}</code></p>`,
  );
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p role="alert">${escapeHtml(message)}</p>`);
}
