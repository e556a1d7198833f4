import { grantTokens } from '../oauth/grants.js';
import { findApplication } from '../store/oauth.js';
import { openStore } from '../store/index.js';
import { findUser } from '../store/users.js';
import { CliError, dbLocation, serverUrl } from './common.js';

export interface TokenIssueOptions {
  db?: string;
  app: string;
  user: string;
  url?: string;
  json?: boolean;
}

/** `roster token issue`: a token pair for a user of an application, without the browser. */
export async function tokenIssue(o: TokenIssueOptions): Promise<void> {
  const userId = Number(o.user);
  if (!Number.isInteger(userId) || userId <= 0) throw new CliError(`--user must be a user id, got "${o.user}"`);
  const store = await openStore(dbLocation(o.db));
  try {
    const application = await findApplication(store.db, o.app);
    if (!application) throw new CliError(`there is no application ${o.app}`);
    const user = await findUser(store.db, userId);
    if (!user) throw new CliError(`there is no user ${userId}`);
    if (user.active !== 1) throw new CliError(`user ${userId} is not active`);
    const body = await grantTokens(store.db, application, userId, serverUrl(o.url));
    if (o.json) console.log(JSON.stringify(body));
    else {
      console.log(
        [
          `access_token:  ${body.access_token}  (${body.expires_in} s)`,
          `refresh_token: ${body.refresh_token}  (180 days, once)`,
          `scope:         ${body.scope}`,
          `endpoint:      ${body.client_endpoint}`,
          '',
          `Try: curl '${body.client_endpoint}profile?auth=${body.access_token}'`,
        ].join('\n'),
      );
    }
  } finally {
    await store.close();
  }
}
