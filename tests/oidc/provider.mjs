// A real, standards-compliant OpenID Connect provider (panva/oidc-provider) for the identity-verification
// test suite. Test-only: it has a one-click login form and /__test__/ endpoints that forge ID tokens.
//
//   node provider.mjs <config.json>
//
// config.json (written by tests/oidc/harness.py):
//   {"port": 0 | int, "issuer": "http://127.0.0.1:<port>", "signing_jwks": {"keys": [private RSA JWK]},
//    "accounts": {id: {claim: value}}, "scopes": [...], "claims": {scope: [claim, ...]}, "acr_values": [...]}
//
// Prints "READY <issuer>" on stdout once listening; everything else goes to stderr.

import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';

import { CompactEncrypt, CompactSign, decodeProtectedHeader, importJWK } from 'jose';
import Provider, { errors } from 'oidc-provider';

const TAMPER_MODES = new Set([
  'wrong_nonce', 'wrong_issuer', 'wrong_audience', 'expired', 'unsigned', 'foreign_key', 'hs256', 'acr_low',
]);
const MAX_BODY = 64 * 1024;

function log(...args) {
  console.error(new Date().toISOString(), '[oidc-provider]', ...args);
}

function fail(message) {
  log('FATAL', message);
  process.exit(2);
}

// --- configuration -----------------------------------------------------------------------------------

const configPath = process.argv[2];
if (!configPath) fail('usage: node provider.mjs <config.json>');
let config;
try {
  config = JSON.parse(readFileSync(configPath, 'utf8'));
} catch (err) {
  fail(`cannot read ${configPath}: ${err.message}`);
}

const accounts = config.accounts || {};
const acrValues = config.acr_values || [];
const signingJwk = config.signing_jwks?.keys?.[0];
if (!signingJwk?.d || !signingJwk.kid) fail('signing_jwks must hold one private RSA JWK with a kid');

// The login form picks an account by its key ("jan"); the session (and so `sub`) uses the account's sub claim.
const subOf = (key) => String(accounts[key].sub ?? key);
const accountBySub = new Map(Object.keys(accounts).map((key) => [subOf(key), key]));

const signingKey = await importJWK(signingJwk, signingJwk.alg || 'RS256');
const signingPublicKey = crypto.createPublicKey({
  key: { kty: signingJwk.kty, n: signingJwk.n, e: signingJwk.e }, format: 'jwk',
});
// What a naive verifier would feed to HMAC when it trusts the token's "alg" header (algorithm confusion).
const signingPublicPem = signingPublicKey.export({ type: 'spki', format: 'pem' });

// --- small helpers -------------------------------------------------------------------------------------

const htmlEscape = (value) => String(value).replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

const b64url = (value) => Buffer.from(value).toString('base64url');

async function readBody(ctx) {
  const chunks = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += chunk.length;
    if (size > MAX_BODY) ctx.throw(413, 'request body too large');
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks).toString('utf8');
  if (ctx.is('application/json')) {
    try {
      return JSON.parse(raw || '{}');
    } catch {
      ctx.throw(400, 'invalid JSON body');
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

function page(title, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${htmlEscape(title)}</title></head>
<body><h1>${htmlEscape(title)}</h1>
${body}
</body></html>
`;
}

// --- the provider --------------------------------------------------------------------------------------

function findAccount(ctx, sub) {
  const key = accountBySub.get(sub) ?? (accounts[sub] ? sub : undefined);
  if (key === undefined) return undefined;
  return {
    accountId: subOf(key),
    // oidc-provider masks these with the granted scopes and the `claims` parameter for each use.
    async claims() {
      return { ...accounts[key], sub: subOf(key) };
    },
  };
}

// acr and auth_time ride on the openid scope so every ID token carries them, as itsme and FAS do.
const claims = {
  acr: null, auth_time: null, sid: null, iss: null, openid: ['sub', 'acr', 'auth_time'],
  ...(config.claims || {}),
};

const supportedScopes = new Set([
  'openid', ...(config.scopes || []),
  ...Object.entries(claims).filter(([, value]) => Array.isArray(value)).map(([scope]) => scope),
]);

function providerConfiguration() {
  return {
    acrValues,
    claims,
    scopes: [...supportedScopes],
    findAccount,
    jwks: { keys: [signingJwk] },
    responseTypes: ['code'],
    clientAuthMethods: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
      token_endpoint_auth_method: 'client_secret_basic',
    },
    // itsme requires aud = the token endpoint; oidc-provider also accepts the issuer unless told otherwise.
    async assertJwtClientAuthClaimsAndHeader(ctx, assertion) {
      const tokenEndpoint = ctx.oidc.urlFor('token');
      const audiences = Array.isArray(assertion.aud) ? assertion.aud : [assertion.aud];
      if (ctx.oidc.route === 'token' && !audiences.includes(tokenEndpoint)) {
        throw new errors.InvalidClientAuth(`client assertion aud must be the token endpoint ${tokenEndpoint}`);
      }
    },
    cookies: {
      keys: [crypto.randomBytes(32).toString('base64url')],
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    enabledJWA: {
      clientAuthSigningAlgValues: ['RS256', 'PS256', 'ES256'],
      idTokenSigningAlgValues: ['RS256'],
      userinfoSigningAlgValues: ['RS256'],
      idTokenEncryptionAlgValues: ['RSA-OAEP', 'RSA-OAEP-256'],
      idTokenEncryptionEncValues: ['A128CBC-HS256', 'A256GCM'],
      userinfoEncryptionAlgValues: ['RSA-OAEP', 'RSA-OAEP-256'],
      userinfoEncryptionEncValues: ['A128CBC-HS256', 'A256GCM'],
    },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: false },
      encryption: { enabled: true },
      jwtUserinfo: { enabled: true },
      claimsParameter: { enabled: true },
      userinfo: { enabled: true },
      revocation: { enabled: false },
      introspection: { enabled: false },
    },
    pkce: { required: () => true },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 300,
      IdToken: 3600,
      Interaction: 3600,
      Session: 3600,
      Grant: 3600,
    },
    async renderError(ctx, out, error) {
      const status = error?.status ?? error?.statusCode ?? 500;
      log('render error:', out.error, out.error_description || '', status >= 500 ? error?.stack ?? error : '');
      ctx.type = 'html';
      ctx.body = page('Error', `<p id="error">${htmlEscape(out.error)}</p>
<p id="error_description">${htmlEscape(out.error_description || '')}</p>`);
    },
  };
}

// --- interactions (one-click login with auto-consent) ----------------------------------------------------

function requestedAcr(params) {
  const fromParam = typeof params.acr_values === 'string' ? params.acr_values.split(' ').filter(Boolean)[0] : undefined;
  if (fromParam && acrValues.includes(fromParam)) return fromParam;
  try {
    const acr = params.claims ? JSON.parse(params.claims)?.id_token?.acr : undefined;
    const wanted = acr?.value ?? acr?.values?.[0];
    if (wanted && acrValues.includes(wanted)) return wanted;
  } catch { /* the authorization endpoint already validated the claims parameter */ }
  return acrValues[0];
}

// Everything the request asks for, so that no consent prompt follows the login.
function requestedGrant(params) {
  const scopes = (params.scope || 'openid').split(' ').filter(Boolean);
  let requestedClaims = [];
  if (params.claims) {
    try {
      const parsed = JSON.parse(params.claims);
      requestedClaims = [...Object.keys(parsed.id_token || {}), ...Object.keys(parsed.userinfo || {})];
    } catch { /* validated earlier */ }
  }
  return { scopes: scopes.filter((scope) => supportedScopes.has(scope)), claims: requestedClaims };
}

async function saveGrant(provider, details, accountId) {
  const grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const target = grant ?? new provider.Grant({ accountId, clientId: details.params.client_id });
  const { scopes, claims: requestedClaims } = requestedGrant(details.params);
  target.addOIDCScope(scopes.join(' '));
  if (requestedClaims.length) target.addOIDCClaims([...new Set(requestedClaims)]);
  const missing = details.prompt?.details || {};
  if (missing.missingOIDCScope) target.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) target.addOIDCClaims(missing.missingOIDCClaims);
  if (missing.missingResourceScopes) {
    for (const [indicator, scope] of Object.entries(missing.missingResourceScopes)) {
      target.addResourceScope(indicator, scope.join(' '));
    }
  }
  return target.save();
}

function loginForm(uid, details, client) {
  const defaultAcr = requestedAcr(details.params);
  const accountOptions = Object.entries(accounts).map(([key, claimsOf]) => {
    const name = [claimsOf.given_name, claimsOf.family_name].filter(Boolean).join(' ');
    return `<option value="${htmlEscape(key)}">${htmlEscape(key)}${name ? ` (${htmlEscape(name)})` : ''}</option>`;
  }).join('\n      ');
  const acrOptions = acrValues.map((acr) => (
    `<option value="${htmlEscape(acr)}"${acr === defaultAcr ? ' selected' : ''}>${htmlEscape(acr)}</option>`
  )).join('\n      ');
  return page('Test identity provider', `<p>Client: <code id="client_id">${htmlEscape(client?.clientId ?? details.params.client_id)}</code></p>
<form method="post" action="/interaction/${htmlEscape(uid)}">
  <label>Account
    <select name="account">
      ${accountOptions}
    </select>
  </label>
  <label>Assurance level (acr)
    <select name="acr">
      ${acrOptions}
    </select>
  </label>
  <button type="submit" name="action" value="login">Log in</button>
  <button type="submit" name="action" value="cancel">Cancel</button>
</form>`);
}

function interactionRoutes(provider) {
  return async (ctx, next) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(ctx.path);
    if (!match) return next();
    const uid = match[1];
    ctx.set('cache-control', 'no-store');
    try {
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      if (details.uid !== uid) ctx.throw(400, 'interaction cookie does not match the URL');

      if (ctx.method === 'GET') {
        if (details.prompt.name === 'consent') {
          // Only reached if a login was already there (e.g. prompt=consent): approve without asking.
          const grantId = await saveGrant(provider, details, details.session?.accountId);
          const consent = details.grantId ? {} : { grantId };
          return provider.interactionFinished(ctx.req, ctx.res, { consent }, { mergeWithLastSubmission: true });
        }
        const client = await provider.Client.find(details.params.client_id);
        ctx.type = 'html';
        ctx.body = loginForm(uid, details, client);
        return undefined;
      }

      if (ctx.method !== 'POST') ctx.throw(405, 'method not allowed');
      const form = await readBody(ctx);
      if (form.action === 'cancel') {
        return provider.interactionFinished(ctx.req, ctx.res, {
          error: 'access_denied', error_description: 'The user cancelled.',
        }, { mergeWithLastSubmission: false });
      }
      if (form.action !== 'login') ctx.throw(400, 'action must be login or cancel');
      if (!Object.hasOwn(accounts, form.account ?? '')) ctx.throw(400, `unknown account ${form.account}`);
      const acr = form.acr || requestedAcr(details.params);
      if (acr !== undefined && !acrValues.includes(acr)) ctx.throw(400, `unknown acr ${acr}`);

      const accountId = subOf(form.account);
      const grantId = await saveGrant(provider, { ...details, grantId: undefined, prompt: {} }, accountId);
      const result = {
        login: { accountId, ...(acr ? { acr } : {}), remember: false },
        consent: { grantId },
      };
      return provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    } catch (err) {
      const status = err.status || err.statusCode || 500;
      if (status >= 500) log('interaction failed:', err.stack || err);
      else log('interaction refused:', err.message);
      ctx.status = status;
      ctx.type = 'html';
      ctx.body = page('Error', `<p id="error">${htmlEscape(err.error || 'invalid_request')}</p>
<p id="error_description">${htmlEscape(err.error_description || err.message)}</p>`);
      return undefined;
    }
  };
}

// --- ID token tampering (test control) ------------------------------------------------------------------

const tampering = new Map(); // client_id -> mode, consumed by the next token response for that client
const idTokenPayloads = new WeakMap(); // koa ctx -> the payload object oidc-provider signed (claims after sign)

function captureIdTokenPayloads(provider) {
  const proto = provider.IdToken.prototype;
  const original = proto.payload;
  proto.payload = async function payload(...args) {
    const result = await original.apply(this, args);
    // JWT.sign fills in iss/aud/exp/iat/sub on this very object, so after issue() it holds the final claims.
    if (this.ctx && this.ctx.oidc?.route === 'token') idTokenPayloads.set(this.ctx, result);
    return result;
  };
}

async function signRs256(payload, key, kid) {
  return new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'RS256', kid })
    .sign(key);
}

async function forgeJws(mode, payload) {
  const now = Math.floor(Date.now() / 1000);
  const claimsOut = structuredClone(payload);
  switch (mode) {
    case 'wrong_nonce':
      claimsOut.nonce = crypto.randomBytes(16).toString('base64url');
      break;
    case 'wrong_issuer':
      claimsOut.iss = 'https://evil.example';
      break;
    case 'wrong_audience':
      claimsOut.aud = 'someone-else';
      break;
    case 'expired': {
      const lifetime = Math.max(60, (payload.exp ?? now + 3600) - (payload.iat ?? now));
      claimsOut.exp = now - 3600;
      claimsOut.iat = claimsOut.exp - lifetime;
      if (typeof claimsOut.auth_time === 'number') claimsOut.auth_time = claimsOut.iat;
      break;
    }
    case 'acr_low':
      claimsOut.acr = acrValues[0];
      break;
    default:
      break;
  }
  switch (mode) {
    case 'unsigned':
      return `${b64url(JSON.stringify({ alg: 'none' }))}.${b64url(JSON.stringify(claimsOut))}.`;
    case 'foreign_key': {
      const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
      return signRs256(claimsOut, privateKey, signingJwk.kid);
    }
    case 'hs256': {
      const signingInput = `${b64url(JSON.stringify({ alg: 'HS256', kid: signingJwk.kid }))}.${b64url(JSON.stringify(claimsOut))}`;
      const mac = crypto.createHmac('sha256', Buffer.from(signingPublicPem, 'utf8')).update(signingInput).digest();
      return `${signingInput}.${mac.toString('base64url')}`;
    }
    default:
      return signRs256(claimsOut, signingKey, signingJwk.kid);
  }
}

async function encryptForClient(client, jws, originalJwe) {
  const header = decodeProtectedHeader(originalJwe);
  const keys = client.jwks?.keys ?? [];
  const jwk = keys.find((k) => header.kid && k.kid === header.kid)
    ?? keys.find((k) => k.kty === 'RSA' && (k.use === 'enc' || !k.use) && (!k.alg || k.alg === header.alg));
  if (!jwk) throw new Error(`client ${client.clientId} has no inline encryption key to re-encrypt the forged ID token`);
  const key = await importJWK(jwk, header.alg);
  // Same header as oidc-provider's own JWE, including the replicated iss and aud (RFC 7519 section 5.3).
  const replicated = Object.fromEntries(['iss', 'aud'].filter((name) => name in header).map((name) => [name, header[name]]));
  return new CompactEncrypt(Buffer.from(jws))
    .setProtectedHeader({
      alg: header.alg, enc: header.enc, cty: 'JWT', ...(jwk.kid ? { kid: jwk.kid } : {}), ...replicated,
    })
    .encrypt(key);
}

function tamperTokenResponses() {
  return async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'token' || ctx.status !== 200 || typeof ctx.body?.id_token !== 'string') return;
    const client = ctx.oidc.client;
    const mode = client && tampering.get(client.clientId);
    if (!mode) return;
    tampering.delete(client.clientId);
    const payload = idTokenPayloads.get(ctx);
    if (!payload) {
      log(`tamper ${mode}: no captured ID token payload for ${client.clientId}; response left untouched`);
      return;
    }
    try {
      const jws = await forgeJws(mode, payload);
      const encrypted = Boolean(client.idTokenEncryptedResponseAlg);
      ctx.body = { ...ctx.body, id_token: encrypted ? await encryptForClient(client, jws, ctx.body.id_token) : jws };
      log(`tamper ${mode}: forged the ID token for ${client.clientId}${encrypted ? ' (re-encrypted)' : ''}`);
    } catch (err) {
      log(`tamper ${mode} failed for ${client.clientId}:`, err.stack || err);
    }
  };
}

function testControlRoutes() {
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/__test__/')) return next();
    ctx.set('cache-control', 'no-store');
    try {
      if (ctx.method !== 'POST') ctx.throw(405, 'use POST');
      if (ctx.path === '/__test__/reset') {
        tampering.clear();
        ctx.body = { ok: true };
        return undefined;
      }
      if (ctx.path === '/__test__/tamper') {
        const body = await readBody(ctx);
        if (typeof body.client_id !== 'string' || !body.client_id) ctx.throw(400, 'client_id is required');
        if (!TAMPER_MODES.has(body.mode)) ctx.throw(400, `mode must be one of ${[...TAMPER_MODES].join(', ')}`);
        tampering.set(body.client_id, body.mode);
        ctx.body = { ok: true, client_id: body.client_id, mode: body.mode };
        return undefined;
      }
      ctx.throw(404, 'unknown test-control endpoint');
    } catch (err) {
      const status = err.status || 500;
      if (status >= 500) log('test control failed:', err.stack || err);
      ctx.status = status;
      ctx.body = { error: status >= 500 ? 'server_error' : 'invalid_request', error_description: err.message };
    }
    return undefined;
  };
}

// --- start ----------------------------------------------------------------------------------------------

process.on('unhandledRejection', (err) => log('unhandled rejection:', err?.stack || err));
process.on('uncaughtException', (err) => log('uncaught exception:', err?.stack || err));

const server = http.createServer();
server.on('clientError', (err, socket) => {
  log('client error:', err.message);
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
});
server.on('error', (err) => fail(`cannot listen on 127.0.0.1:${config.port}: ${err.message}`));
await new Promise((resolve) => { server.listen(config.port ?? 0, '127.0.0.1', resolve); });
const { port } = server.address();
const issuer = config.port && config.issuer ? config.issuer : `http://127.0.0.1:${port}`;

let provider;
try {
  provider = new Provider(issuer, providerConfiguration());
} catch (err) {
  fail(`invalid provider configuration: ${err.stack || err}`);
}
captureIdTokenPayloads(provider);

provider.on('server_error', (ctx, err) => log('server_error', ctx.method, ctx.path, err.stack || err));
for (const event of [
  'authorization.error', 'grant.error', 'userinfo.error', 'registration_create.error',
  'jwks.error', 'discovery.error', 'end_session.error',
]) {
  provider.on(event, (ctx, err) => log(
    event,
    ctx.method,
    ctx.path,
    `${err.error || err.name}: ${err.error_description || err.message}${err.error_detail ? ` (${err.error_detail})` : ''}`,
  ));
}
provider.on('error', (err, ctx) => log('koa error', ctx?.method, ctx?.path, err.stack || err));

provider.use(testControlRoutes());
provider.use(interactionRoutes(provider));
provider.use(tamperTokenResponses());

server.on('request', provider.callback());

const shutdown = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

process.stdout.write(`READY ${issuer}\n`);
