"""MSAL for Python against the sandbox's Entra ID: instance discovery, refresh-token, client-credentials and silent
flows in the partner tenant and a customer tenant, and the claims Entra documents for each kind of token."""
import msal
import requests

from conformance import check, claims, env, expect, run

BASE = env("SANDBOX_URL").rstrip("/")
PARTNER = env("SANDBOX_PARTNER_TENANT")
CUSTOMER = env("SANDBOX_CUSTOMER_TENANT")
CLIENT_ID = env("SANDBOX_CLIENT_ID")
SECRET = env("SANDBOX_CLIENT_SECRET")
REFRESH_TOKEN = env("SANDBOX_REFRESH_TOKEN")
ADMIN = env("SANDBOX_ADMIN_UPN")
GRAPH = "https://graph.microsoft.com"


def app(tenant, **options):
    # Instance discovery asks the sandbox, as MSAL asks login.microsoftonline.com for a cloud it does not know.
    return msal.ConfidentialClientApplication(
        CLIENT_ID, client_credential=SECRET, authority=f"{BASE}/{tenant}",
        instance_discovery=f"{BASE}/common/discovery/instance", **options)


def token_ok(result):
    expect("access_token" in result, f"no token: {result.get('error')}: {result.get('error_description', '')[:200]}")
    return result


@check
def instance_discovery_validates_the_sandbox_authority():
    application = app(PARTNER)
    expect(application.authority.token_endpoint == f"{BASE}/{PARTNER}/oauth2/v2.0/token",
           f"token endpoint {application.authority.token_endpoint}")


@check
def instance_discovery_refuses_an_unknown_host():
    answer = requests.get(f"{BASE}/common/discovery/instance",
                          params={"api-version": "1.1", "authorization_endpoint": "https://login.example.org/common/oauth2/v2.0/authorize"})
    body = answer.json()
    expect(answer.status_code == 400 and body["error"] == "invalid_instance", f"{answer.status_code} {body}")
    expect(body["error_codes"] == [50049], f"error_codes {body['error_codes']}")


@check
def domain_authority_resolves_to_the_tenant():
    application = app("relecloudpartners.onmicrosoft.com")
    expect(PARTNER in application.authority.token_endpoint, application.authority.token_endpoint)


@check
def unknown_tenant_is_refused_at_discovery():
    try:
        app("00000000-0000-0000-0000-000000000001")
    except ValueError:
        # MSAL turns the 400 (AADSTS90002) from the tenant's metadata into "Unable to get authority configuration".
        return
    raise AssertionError("an unknown tenant was accepted")


@check
def refresh_token_flow_in_the_partner_tenant():
    result = token_ok(app(PARTNER).acquire_token_by_refresh_token(REFRESH_TOKEN, scopes=[f"{GRAPH}/User.Read.All"]))
    c = claims(result["access_token"])
    expect(c["tid"] == PARTNER and c["idtyp"] == "user" and c["upn"] == ADMIN, f"claims {c}")
    expect(result["id_token_claims"]["preferred_username"] == ADMIN, "id token names the admin")
    expect(result.get("refresh_token"), "a rotated refresh token comes back")


@check
def refresh_token_flow_in_a_customer_tenant():
    result = token_ok(app(CUSTOMER).acquire_token_by_refresh_token(REFRESH_TOKEN, scopes=["https://management.azure.com/user_impersonation"]))
    c = claims(result["access_token"])
    expect(c["tid"] == CUSTOMER, f"tid {c['tid']}")
    expect(c["idp"] == f"https://sts.windows.net/{PARTNER}/", f"a GDAP agent's token names its home tenant as idp: {c.get('idp')}")


@check
def silent_flow_reuses_then_redeems_the_cached_refresh_token():
    application = app(PARTNER)
    token_ok(application.acquire_token_by_refresh_token(REFRESH_TOKEN, scopes=[f"{GRAPH}/User.Read.All"]))
    accounts = application.get_accounts(username=ADMIN)
    expect(len(accounts) == 1, f"accounts {accounts}")
    expect(accounts[0]["home_account_id"].endswith("." + PARTNER), accounts[0]["home_account_id"])
    cached = token_ok(application.acquire_token_silent([f"{GRAPH}/User.Read.All"], account=accounts[0]))
    expect(cached.get("token_source") in (None, "cache"), "the first silent call is served from the cache")
    other = token_ok(application.acquire_token_silent(["https://management.azure.com/user_impersonation"], account=accounts[0]))
    expect(claims(other["access_token"])["aud"] == "https://management.azure.com", "a new resource is redeemed with the cached refresh token")


@check
def silent_flow_in_a_customer_tenant_with_the_partner_account():
    partner = app(PARTNER)
    token_ok(partner.acquire_token_by_refresh_token(REFRESH_TOKEN, scopes=[f"{GRAPH}/User.Read.All"]))
    customer = app(CUSTOMER, token_cache=partner.token_cache)
    account = customer.get_accounts(username=ADMIN)[0]
    result = token_ok(customer.acquire_token_silent([f"{GRAPH}/User.Read.All"], account=account))
    expect(claims(result["access_token"])["tid"] == CUSTOMER, "the cached partner refresh token is redeemed in the customer tenant")


@check
def client_credentials_in_the_partner_tenant():
    result = token_ok(app(PARTNER).acquire_token_for_client(scopes=[f"{GRAPH}/.default"]))
    c = claims(result["access_token"])
    expect(c["idtyp"] == "app" and c["appid"] == CLIENT_ID, f"claims {c}")
    expect(c["oid"] != CLIENT_ID, "oid is the service principal's object id, not the application id")
    expect(c["sub"] == c["oid"], "sub is the service principal for app-only tokens")
    expect(isinstance(c.get("roles"), list) and c["roles"], "app-only tokens carry roles")
    expect("scp" not in c, "app-only tokens carry no scp")
    principals = requests.get(f"{BASE}/v1.0/servicePrincipals", params={"$filter": f"appId eq '{CLIENT_ID}'"},
                              headers={"Authorization": "Bearer " + result["access_token"]}).json()["value"]
    expect([p["id"] for p in principals] == [c["oid"]], f"the tenant's service principal for the app is the token's oid: {principals}")


@check
def client_credentials_differ_per_tenant():
    partner = claims(token_ok(app(PARTNER).acquire_token_for_client(scopes=[f"{GRAPH}/.default"]))["access_token"])
    customer = claims(token_ok(app(CUSTOMER).acquire_token_for_client(scopes=[f"{GRAPH}/.default"]))["access_token"])
    expect(customer["tid"] == CUSTOMER, f"tid {customer['tid']}")
    expect(partner["oid"] != customer["oid"], "each tenant has its own service principal")


@check
def a_wrong_secret_is_refused_with_entra_error():
    application = msal.ConfidentialClientApplication(
        CLIENT_ID, client_credential="wrong-secret", authority=f"{BASE}/{PARTNER}",
        instance_discovery=f"{BASE}/common/discovery/instance")
    result = application.acquire_token_for_client(scopes=[f"{GRAPH}/.default"])
    expect(result.get("error") == "invalid_client" and 7000215 in result.get("error_codes", []), f"{result.get('error')} {result.get('error_codes')}")


@check
def a_scope_of_an_unknown_resource_is_refused():
    result = app(PARTNER).acquire_token_for_client(scopes=["https://unknown.example.org/.default"])
    expect(result.get("error") == "invalid_resource", f"{result.get('error')}: {result.get('error_description', '')[:120]}")


if __name__ == "__main__":
    run()
