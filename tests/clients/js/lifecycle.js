#!/usr/bin/env node
// Drives @octokit/rest 16 (the last major with `oauthAuthorizations.*`) and
// @octokit/auth-basic through the whole GHE 2.18 token lifecycle against a running fake-ghe.
//
//   FAKE_GHE_SEED='{"octocat": [...], ...}' node lifecycle.js http://127.0.0.1:PORT/api/v3
//
// Each step checks what the client returned (node's assert) and records what it saw; the
// record is printed as one JSON object on stdout for tests/clients/test_js_clients.py, which
// then checks the fake's state. Any failed step exits 1 naming the step.
"use strict";

const assert = require("assert/strict");
const crypto = require("crypto");
const { Octokit } = require("@octokit/rest");
const { createBasicAuth } = require("@octokit/auth-basic");

const API = process.argv[2];
const SEED = JSON.parse(process.env.FAKE_GHE_SEED || "{}");
const TOKEN = /^[0-9a-f]{40}$/;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const observed = {};

// RFC 6238 TOTP, as the user's authenticator app computes it (SHA-1, 6 digits, 30 s).
function totp(secret) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of secret.replace(/=+$/, "").toUpperCase()) {
    bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = crypto.createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, "0");
}

function basicHeader(login, password) {
  return "basic " + Buffer.from(`${login}:${password}`).toString("base64");
}

async function rejected(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the request to fail, it succeeded");
}

async function step(name, fn) {
  try {
    observed[name] = await fn();
  } catch (error) {
    const where = error.request ? ` (${error.request.method} ${error.request.url})` : "";
    process.stderr.write(`step "${name}" failed${where}: ${error.stack || error}\n`);
    process.stdout.write(JSON.stringify({ ok: false, failed: name, observed }) + "\n");
    process.exit(1);
  }
}

async function octokitRest() {
  const [login, password] = SEED.octocat;
  const { client_id: clientId, client_secret: clientSecret } = SEED.app;
  const octokit = new Octokit({ baseUrl: API, auth: { username: login, password }, log: quiet });
  const oa = octokit.oauthAuthorizations;
  let personal;
  let forApp;
  let byFingerprint;

  await step("create", async () => {
    const res = await oa.createAuthorization({ scopes: ["repo"], note: "octokit script" });
    assert.equal(res.status, 201);
    assert.match(res.data.token, TOKEN);
    assert.equal(res.headers.location, res.data.url);
    personal = res.data;
    return { id: res.data.id, token: res.data.token, app: res.data.app };
  });

  await step("list", async () => {
    const res = await oa.listAuthorizations();
    assert.deepEqual(res.data.map((a) => [a.id, a.token]), [[personal.id, ""]]);
    return res.data.map((a) => a.id);
  });

  await step("get", async () => {
    const res = await oa.getAuthorization({ authorization_id: personal.id });
    assert.equal(res.data.token, "");
    assert.equal(res.data.token_last_eight, personal.token.slice(-8));
    return { status: res.status, etag: Boolean(res.headers.etag) };
  });

  await step("update", async () => {
    const added = await oa.updateAuthorization({
      authorization_id: personal.id, add_scopes: ["gist", "user"],
    });
    assert.deepEqual(added.data.scopes, ["repo", "gist", "user"]);
    const removed = await oa.updateAuthorization({
      authorization_id: personal.id, remove_scopes: ["repo"], note: "octokit renamed",
    });
    assert.deepEqual(removed.data.scopes, ["gist", "user"]);
    return { scopes: removed.data.scopes, note: removed.data.note };
  });

  await step("get_or_create_for_app", async () => {
    const created = await oa.getOrCreateAuthorizationForApp({
      client_id: clientId, client_secret: clientSecret, scopes: ["public_repo"],
    });
    assert.equal(created.status, 201);
    assert.match(created.data.token, TOKEN);
    const again = await oa.getOrCreateAuthorizationForApp({
      client_id: clientId, client_secret: clientSecret, scopes: ["gist"],
    });
    assert.equal(again.status, 200);
    assert.equal(again.data.id, created.data.id);
    assert.equal(again.data.token, "");
    assert.equal(again.headers.location, undefined);
    forApp = created.data;
    return { id: created.data.id, statuses: [created.status, again.status] };
  });

  await step("get_or_create_for_fingerprint", async () => {
    const created = await oa.getOrCreateAuthorizationForAppAndFingerprint({
      client_id: clientId, fingerprint: "js-laptop", client_secret: clientSecret, scopes: ["user"],
    });
    assert.equal(created.status, 201);
    assert.equal(created.data.fingerprint, "js-laptop");
    assert.notEqual(created.data.id, forApp.id);
    byFingerprint = created.data;
    return { id: created.data.id, fingerprint: created.data.fingerprint };
  });

  await step("grants", async () => {
    const list = await oa.listGrants();
    assert.equal(list.data.length, 1);
    const grant = await oa.getGrant({ grant_id: list.data[0].id });
    assert.equal(grant.data.app.client_id, clientId);
    return { id: grant.data.id, scopes: grant.data.scopes };
  });

  const asApp = new Octokit({ baseUrl: API, auth: { clientId, clientSecret }, log: quiet });
  const appRoutes = asApp.oauthAuthorizations;

  await step("app_check", async () => {
    const res = await appRoutes.checkAuthorization({
      client_id: clientId, access_token: forApp.token,
    });
    assert.equal(res.data.token, forApp.token);
    return { status: res.status, user: res.data.user.login };
  });

  await step("app_reset", async () => {
    const res = await appRoutes.resetAuthorization({
      client_id: clientId, access_token: forApp.token,
    });
    assert.equal(res.data.id, forApp.id);
    assert.match(res.data.token, TOKEN);
    assert.notEqual(res.data.token, forApp.token);
    const old = await rejected(
      appRoutes.checkAuthorization({ client_id: clientId, access_token: forApp.token })
    );
    assert.equal(old.status, 404);
    const previous = forApp.token;
    forApp = res.data;
    return { status: res.status, id: res.data.id, old: previous, token: res.data.token };
  });

  await step("app_revoke", async () => {
    const res = await appRoutes.revokeAuthorizationForApplication({
      client_id: clientId, access_token: forApp.token,
    });
    assert.equal(res.status, 204);
    const gone = await rejected(
      appRoutes.checkAuthorization({ client_id: clientId, access_token: forApp.token })
    );
    return { status: res.status, check_after: gone.status };
  });

  await step("app_revoke_grant", async () => {
    // @octokit/rest 16 signs only /tokens/ routes with Basic client_id:client_secret and
    // sends query parameters elsewhere; GHE 2.18 takes Basic only, so that call is a 404.
    const queryCredentials = await rejected(
      appRoutes.revokeGrantForApplication({ client_id: clientId, access_token: byFingerprint.token })
    );
    const res = await new Octokit({ baseUrl: API, log: quiet }).oauthAuthorizations
      .revokeGrantForApplication({
        client_id: clientId,
        access_token: byFingerprint.token,
        headers: { authorization: basicHeader(clientId, clientSecret) },
      });
    assert.equal(res.status, 204);
    const grants = await oa.listGrants();
    return { query_credentials: queryCredentials.status, status: res.status,
             grants_after: grants.data.length };
  });

  await step("paginate", async () => {
    for (const n of [1, 2, 3]) {
      await oa.createAuthorization({ note: `octokit page ${n}` });
    }
    const all = await octokit.paginate(oa.listAuthorizations.endpoint.merge({ per_page: 2 }));
    return all.map((a) => a.id);
  });

  await step("delete", async () => {
    const res = await oa.deleteAuthorization({ authorization_id: personal.id });
    assert.equal(res.status, 204);
    const gone = await rejected(oa.getAuthorization({ authorization_id: personal.id }));
    return { status: res.status, get_after: gone.status };
  });

  await step("token_client", async () => {
    const token = await oa.createAuthorization({ scopes: ["user", "repo"], note: "octokit token" });
    const withToken = new Octokit({ baseUrl: API, auth: `token ${token.data.token}`, log: quiet });
    const me = await withToken.users.getAuthenticated();
    const refused = await rejected(withToken.oauthAuthorizations.listAuthorizations());
    return {
      login: me.data.login,
      scopes: me.headers["x-oauth-scopes"],
      list_status: refused.status,
      list_message: refused.message,
    };
  });
}

async function twoFactor() {
  const [login, password] = SEED.hubot;
  const secret = SEED.hubot_totp_secret;

  await step("two_factor_without_on2fa", async () => {
    const octokit = new Octokit({ baseUrl: API, auth: { username: login, password }, log: quiet });
    const error = await rejected(
      octokit.oauthAuthorizations.createAuthorization({ note: "no code" })
    );
    return { status: error.status, otp: error.headers["x-github-otp"] };
  });

  await step("two_factor_on2fa", async () => {
    let asked = 0;
    const octokit = new Octokit({
      baseUrl: API,
      auth: { username: login, password, on2fa: async () => { asked += 1; return totp(secret); } },
      log: quiet,
    });
    const created = await octokit.oauthAuthorizations.createAuthorization({
      scopes: ["repo"], note: "hubot octokit",
    });
    // The code is kept for later requests, as GHE lets a code be reused within its window.
    const listed = await octokit.oauthAuthorizations.listAuthorizations();
    return { status: created.status, id: created.data.id, asked,
             listed: listed.data.map((a) => a.id) };
  });
}

async function authBasic() {
  const [login, password] = SEED.hubot;
  const secret = SEED.hubot_totp_secret;
  let asked = 0;
  const octokit = new Octokit({
    baseUrl: API,
    authStrategy: createBasicAuth,
    auth: {
      username: login,
      password,
      on2Fa: async () => { asked += 1; return totp(secret); },
      token: { scopes: ["user"], note: "auth-basic token" },
      // @octokit/rest 16 does not hand its request to the strategy; auth() needs one.
      request: new Octokit({ baseUrl: API, log: quiet }).request,
    },
    log: quiet,
  });

  await step("auth_basic_probe", async () => {
    // Probes 2FA with `PATCH /authorizations`, which must answer 404 once the code is right.
    const result = await octokit.auth({ type: "basic" });
    assert.equal(result.type, "basic");
    assert.match(result.totp, /^\d{6}$/);
    return { type: result.type, asked };
  });

  await step("auth_basic_token", async () => {
    const result = await octokit.auth();
    assert.equal(result.type, "token");
    assert.match(result.token, TOKEN);
    const me = await octokit.users.getAuthenticated();
    const listed = await octokit.oauthAuthorizations.listAuthorizations();
    return { id: result.id, token: result.token, login: me.data.login,
             scopes: me.headers["x-oauth-scopes"], listed: listed.data.map((a) => a.note), asked };
  });

  const [octocat, octocatPassword] = SEED.octocat;
  await step("auth_basic_defaults", async () => {
    // Without a note, auth-basic names the token after a random fingerprint it also sends.
    const plain = new Octokit({
      baseUrl: API,
      authStrategy: createBasicAuth,
      auth: {
        username: octocat, password: octocatPassword, on2Fa: async () => "000000",
        request: new Octokit({ baseUrl: API, log: quiet }).request,
      },
      log: quiet,
    });
    const result = await plain.auth();
    return { id: result.id, type: result.type };
  });
}

(async () => {
  assert.ok(API, "usage: node lifecycle.js API_URL");
  await octokitRest();
  await twoFactor();
  // auth-basic warns on stderr that Basic auth is deprecated; that is expected.
  await authBasic();
  process.stdout.write(JSON.stringify({ ok: true, observed }) + "\n");
})();
