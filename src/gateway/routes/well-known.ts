/**
 * `/.well-known/*`: the token signing keys (from the gateway's cache, so they are served
 * while users is down) and a discovery document in the OpenID Provider Metadata shape, so
 * generic tooling can find the issuer, keys and endpoints. The endpoints take JSON, not
 * OAuth forms.
 */
import * as v from 'valibot';
import { ACCESS_TOKEN_TYPES, AUDIENCE } from '../auth/index.ts';
import { route } from '../route-spec.ts';

const tag = 'well-known';

/** The discovery routes. */
export const wellKnownRoutes = [
  route({
    method: 'GET',
    path: '/.well-known/jwks.json',
    summary: 'The public keys access tokens are signed with (Ed25519, alg EdDSA)',
    tag,
    access: 'public',
    service: 'users',
    reply: v.object({ keys: v.array(v.looseObject({ kty: v.string(), kid: v.string() })) }),
    handle: async ({ deps }) =>
      Response.json(await deps.jwks.published(), { headers: { 'cache-control': 'public, max-age=300' } }),
  }),
  route({
    method: 'GET',
    path: '/.well-known/openid-configuration',
    summary: 'Discovery: issuer, key set and endpoints',
    tag,
    access: 'public',
    reply: v.looseObject({ issuer: v.string(), jwks_uri: v.string() }),
    handle: ({ deps }) => {
      const base = deps.settings.publicUrl;
      return Response.json(
        {
          issuer: base,
          jwks_uri: `${base}/.well-known/jwks.json`,
          token_endpoint: `${base}/v1/auth/login`,
          registration_endpoint: `${base}/v1/auth/register`,
          end_session_endpoint: `${base}/v1/auth/logout`,
          userinfo_endpoint: `${base}/v1/me`,
          hearth_refresh_endpoint: `${base}/v1/auth/refresh`,
          service_documentation: `${base}/v1/openapi.json`,
          grant_types_supported: ['password', 'refresh_token'],
          response_types_supported: ['token'],
          subject_types_supported: ['public'],
          token_endpoint_auth_methods_supported: ['none'],
          id_token_signing_alg_values_supported: ['EdDSA'],
          access_token_types_supported: ACCESS_TOKEN_TYPES,
          audience: AUDIENCE,
          claims_supported: ['sub', 'sid', 'iss', 'aud', 'iat', 'exp'],
        },
        { headers: { 'cache-control': 'public, max-age=300' } },
      );
    },
  }),
];
