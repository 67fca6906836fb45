/** `oidc`: signing in with external OpenID providers (docs/identity.md). Read by the gateway (the flow) and the users service (linking). */
import * as v from 'valibot';
import { named, section, setting } from './declare.ts';
import { bool, text } from './rules.ts';

/** A provider's name: it is in the route (`/v1/auth/oidc/<name>/start`) and in the redirect URI. */
export const PROVIDER_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** The `oidc` section. */
export const oidc = section({
  link_by_email: setting(bool, false,
    'a first sign-in through a provider whose verified e-mail (`email_verified: true`) is that of an existing account links to that account; `false`: it is refused (`users.external_email_taken`)'),
  providers: named(
    v.pipe(v.string(), v.regex(PROVIDER_NAME, 'a provider name: 1–32 lower-case letters, digits or dashes')),
    section({
      issuer: setting(text('the issuer URL of the provider (https; http only on loopback)'), '',
        'the provider\'s issuer URL (its discovery document is `<issuer>/.well-known/openid-configuration`)'),
      client_id: setting(text(), '', 'the client id Hearth is registered with at the provider'),
      client_secret: setting(text(), '', 'the client secret (sent with HTTP Basic, `client_secret_basic`)'),
      scopes: setting(text(), 'openid email profile', 'the scopes asked for (space-separated; `openid` and `email` are needed)'),
      label: setting(text(), '', 'the sign-in button\'s words ("" : "Sign in with <name>")'),
    }),
    'providers by name (1–32 lower-case letters, digits or dashes); the redirect URI of provider `<name>` is `<public_url>/v1/auth/oidc/<name>/callback`',
  ),
});
