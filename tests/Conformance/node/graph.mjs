// Microsoft's JavaScript Graph client (@microsoft/microsoft-graph-client) with @azure/identity against the Runner
// sandbox: users with $select/$filter/$count/paging, organization, domains, subscribedSkus, service principals and
// errors, app-only (client credentials) and as the partner's GDAP admin (refresh token) in a customer tenant.
// Prints "ok <check>" or "FAIL <check>: <why>" per check; exits 1 when any failed. Secrets are never printed.
import { ClientSecretCredential } from "@azure/identity";
import { Client, GraphError, PageIterator } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`environment variable ${name} is not set (the test fixture sets it)`);
    process.exit(2);
  }
  return value;
};

const base = env("SANDBOX_URL").replace(/\/$/, "");
const partner = env("SANDBOX_PARTNER_TENANT");
const customer = env("SANDBOX_CUSTOMER_TENANT");
const clientId = env("SANDBOX_CLIENT_ID");
const admin = env("SANDBOX_ADMIN_UPN");
const graphScope = "https://graph.microsoft.com/.default";

const expect = (condition, message) => {
  if (!condition) throw new Error(message);
};

// The graph client sends its token only to Graph's hosts and the custom hosts named here.
const options = (authProvider) => ({ authProvider, baseUrl: `${base}/`, defaultVersion: "v1.0", customHosts: new Set([new URL(base).hostname]) });

const appOnly = (tenant) => {
  const credential = new ClientSecretCredential(tenant, clientId, env("SANDBOX_CLIENT_SECRET"), {
    authorityHost: base,
    // Instance discovery would ask login.microsoftonline.com, which a sovereign or private cloud (here: the
    // sandbox) is not known to; @azure/identity documents this option for such clouds.
    disableInstanceDiscovery: true,
  });
  return Client.initWithMiddleware(options(new TokenCredentialAuthenticationProvider(credential, { scopes: [graphScope] })));
};

// The partner admin's refresh token redeemed in a tenant, as the Secure Application Model does it.
const delegated = (tenant) => Client.initWithMiddleware(options({
  getAccessToken: async () => {
    const form = new URLSearchParams({
      grant_type: "refresh_token",
      client_id: clientId,
      client_secret: env("SANDBOX_CLIENT_SECRET"),
      refresh_token: env("SANDBOX_REFRESH_TOKEN"),
      scope: graphScope,
    });
    const answer = await fetch(`${base}/${tenant}/oauth2/v2.0/token`, { method: "POST", body: form });
    const body = await answer.json();
    if (!answer.ok) throw new Error(`token: ${body.error}`);
    return body.access_token;
  },
}));

const claims = (token) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());

const checks = {
  async users_select_returns_only_the_named_properties() {
    const page = await appOnly(customer).api("/users").select("id,displayName,userPrincipalName").top(5).get();
    expect(page.value.length > 0 && page.value.length <= 5, `${page.value.length} users`);
    for (const user of page.value) {
      const keys = Object.keys(user).sort().join(",");
      expect(keys === "displayName,id,userPrincipalName", `properties ${keys}`);
    }
  },

  async users_page_iterator_follows_next_link() {
    const client = appOnly(customer);
    const first = await client.api("/users").top(3).get();
    expect(first["@odata.nextLink"], "a nextLink with $top=3");
    const seen = [];
    await new PageIterator(client, first, (user) => { seen.push(user.id); return true; }).iterate();
    const all = await client.api("/users").top(999).get();
    expect(seen.length === all.value.length && new Set(seen).size === seen.length, `${seen.length} paged vs ${all.value.length}`);
  },

  async users_filter_and_count_with_consistency_level() {
    const client = appOnly(customer);
    const page = await client.api("/users").header("ConsistencyLevel", "eventual").count(true).filter("accountEnabled eq true").get();
    expect(typeof page["@odata.count"] === "number" && page["@odata.count"] >= page.value.length, `count ${page["@odata.count"]}`);
    expect(page.value.every((u) => u.accountEnabled !== false), "every user is enabled");
    const count = await client.api("/users/$count").header("ConsistencyLevel", "eventual").get();
    expect(Number(count) >= page["@odata.count"], `$count ${count}`);
  },

  async users_filter_on_user_principal_name_finds_the_partner_admin() {
    const page = await appOnly(partner).api("/users").filter(`userPrincipalName eq '${admin}'`).get();
    expect(page.value.length === 1 && page.value[0].userPrincipalName === admin, `found ${JSON.stringify(page.value.map((u) => u.userPrincipalName))}`);
  },

  async me_is_the_signed_in_partner_admin() {
    const me = await delegated(partner).api("/me").get();
    expect(me.userPrincipalName === admin, `me ${me.userPrincipalName}`);
  },

  async gdap_admin_reads_a_customer_tenant() {
    const client = delegated(customer);
    const organization = await client.api("/organization").get();
    expect(organization.value.length === 1 && organization.value[0].id === customer, `organization ${organization.value[0]?.id}`);
    const users = await client.api("/users").select("id").top(1).get();
    expect(users.value.length === 1, "users in the customer tenant");
  },

  async organization_domains_and_subscribed_skus() {
    const client = appOnly(customer);
    const organization = (await client.api("/organization").get()).value[0];
    expect(organization.id === customer && organization.displayName && organization.verifiedDomains.length > 0, "organization");
    const domains = (await client.api("/domains").get()).value;
    expect(domains.some((d) => d.isInitial) && domains.some((d) => d.isDefault), `domains ${domains.map((d) => d.id)}`);
    const skus = (await client.api("/subscribedSkus").get()).value;
    expect(skus.length > 0 && skus.every((s) => s.skuPartNumber && s.prepaidUnits && typeof s.consumedUnits === "number"), "subscribedSkus");
  },

  async app_only_token_names_the_service_principal() {
    const credential = new ClientSecretCredential(customer, clientId, env("SANDBOX_CLIENT_SECRET"), { authorityHost: base, disableInstanceDiscovery: true });
    const token = await credential.getToken(graphScope);
    const c = claims(token.token);
    expect(c.idtyp === "app" && c.oid !== clientId && c.sub === c.oid && c.tid === customer, `claims oid=${c.oid} sub=${c.sub} idtyp=${c.idtyp}`);
    const principal = await appOnly(customer).api(`/servicePrincipals(appId='${clientId}')`).get();
    expect(principal.id === c.oid, `servicePrincipal ${principal.id} vs oid ${c.oid}`);
  },

  async a_missing_user_is_a_graph_error_with_code() {
    try {
      await appOnly(customer).api("/users/00000000-0000-0000-0000-00000000abcd").get();
    } catch (error) {
      expect(error instanceof GraphError && error.statusCode === 404 && error.code === "Request_ResourceNotFound", `${error.statusCode} ${error.code}`);
      expect(error.requestId, "request-id from the error's innerError");
      return;
    }
    throw new Error("a missing user was found");
  },

  async a_bad_filter_is_a_400_graph_error() {
    try {
      await appOnly(customer).api("/users").filter("nonsense eq 'x'").get();
    } catch (error) {
      expect(error instanceof GraphError && error.statusCode === 400 && error.code, `${error.statusCode} ${error.code}`);
      return;
    }
    throw new Error("a bad $filter was accepted");
  },

  async an_unknown_route_is_a_graph_error_naming_the_path() {
    try {
      await appOnly(customer).api("/nothingHere/at/all").get();
    } catch (error) {
      expect(error instanceof GraphError && error.statusCode >= 400 && error.code, `${error.statusCode} ${error.code}`);
      expect(error.message.includes("/v1.0/nothingHere/at/all"), `message ${error.message}`);
      return;
    }
    throw new Error("an unknown route answered");
  },
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in checks));
if (unknown.length > 0) {
  console.error(`unknown check(s): ${unknown.join(", ")}`);
  process.exit(2);
}

let failed = 0;
for (const [name, run] of Object.entries(checks)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  try {
    await run();
    console.log(`ok ${name}`);
  } catch (error) {
    failed++;
    let text = `${error?.constructor?.name ?? "Error"}: ${error?.message ?? error}`;
    for (const secret of [process.env.SANDBOX_CLIENT_SECRET, process.env.SANDBOX_REFRESH_TOKEN]) {
      if (secret) text = text.split(secret).join("<secret>");
    }
    console.log(`FAIL ${name}: ${text}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
