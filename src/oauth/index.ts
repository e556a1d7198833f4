import type { App, RouteInstaller } from '../rest/context.js';
import { tokenAuthenticator } from './authenticate.js';
import { oauthRoutes } from './routes.js';

/**
 * OAuth 2.0 applications for a server instance: REST calls accept access tokens, and the
 * returned installer adds the sign-in page and the token endpoint to the HTTP server.
 */
export function installOAuth(app: App): RouteInstaller {
  app.authenticateToken = tokenAuthenticator(app);
  return oauthRoutes;
}
