"""azure-mgmt-resource (SubscriptionClient, ResourceManagementClient) against the sandbox's Azure Resource Manager,
with a GDAP admin's token for a customer tenant, as an MSP's Python script would use it."""
import time

import msal
import requests
from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.resource import ResourceManagementClient, SubscriptionClient
from azure.mgmt.storage import StorageManagementClient

from conformance import check, env, expect, run

BASE = env("SANDBOX_URL").rstrip("/")
CUSTOMER = env("SANDBOX_CUSTOMER_TENANT")
ARM_SCOPE = "https://management.azure.com/.default"


class RefreshTokenCredential:
    """An azure-core TokenCredential that redeems the partner admin's refresh token in one tenant with MSAL."""

    def __init__(self, tenant):
        self._app = msal.ConfidentialClientApplication(
            env("SANDBOX_CLIENT_ID"), client_credential=env("SANDBOX_CLIENT_SECRET"), authority=f"{BASE}/{tenant}",
            instance_discovery=f"{BASE}/common/discovery/instance")
        self._token = None

    def get_token(self, *scopes, **kwargs):
        if self._token is None or self._token.expires_on < time.time() + 300:
            result = self._app.acquire_token_by_refresh_token(env("SANDBOX_REFRESH_TOKEN"), scopes=list(scopes))
            if "access_token" not in result:
                raise RuntimeError(f"{result.get('error')}: {result.get('error_description', '')[:200]}")
            self._token = AccessToken(result["access_token"], int(time.time()) + int(result["expires_in"]))
        return self._token


CREDENTIAL = RefreshTokenCredential(CUSTOMER)
OPTIONS = dict(base_url=BASE, credential_scopes=[ARM_SCOPE])
SUBSCRIPTIONS = SubscriptionClient(CREDENTIAL, **OPTIONS)


def subscription_id():
    subscriptions = list(SUBSCRIPTIONS.subscriptions.list())
    expect(subscriptions, "the customer has Azure subscriptions")
    return subscriptions[0].subscription_id


def resources():
    return ResourceManagementClient(CREDENTIAL, subscription_id(), **OPTIONS)


@check
def subscriptions_list_and_get():
    subscriptions = list(SUBSCRIPTIONS.subscriptions.list())
    expect(subscriptions and all(s.tenant_id == CUSTOMER for s in subscriptions), f"{[(s.subscription_id, s.tenant_id) for s in subscriptions]}")
    one = SUBSCRIPTIONS.subscriptions.get(subscriptions[0].subscription_id)
    expect(one.display_name and one.state == "Enabled", f"{one.display_name} {one.state}")
    expect(one.subscription_policies.quota_id, "subscriptionPolicies.quotaId is set")


@check
def tenants_list():
    tenants = list(SUBSCRIPTIONS.tenants.list())
    expect([t.tenant_id for t in tenants] == [CUSTOMER], f"{[t.tenant_id for t in tenants]}")
    expect(tenants[0].display_name and tenants[0].default_domain and tenants[0].domains, "displayName, defaultDomain and domains")
    expect(tenants[0].tenant_category == "Home", f"tenantCategory {tenants[0].tenant_category}")


@check
def locations_list():
    locations = list(SUBSCRIPTIONS.subscriptions.list_locations(subscription_id()))
    names = {l.name for l in locations}
    expect({"eastus", "westeurope", "uksouth"} <= names, f"{sorted(names)}")
    east = next(l for l in locations if l.name == "eastus")
    expect(east.display_name == "East US" and east.metadata.paired_region[0].name == "westus", f"{east.display_name} {east.metadata}")


@check
def resource_groups_list_get_and_exists():
    client = resources()
    groups = list(client.resource_groups.list())
    expect(groups, "resource groups")
    first = client.resource_groups.get(groups[0].name)
    expect(first.location and first.properties.provisioning_state == "Succeeded", f"{first.location} {first.properties}")
    expect(client.resource_groups.check_existence(groups[0].name) is True, "check_existence of an existing group")
    expect(client.resource_groups.check_existence("rg-does-not-exist") is False, "check_existence of a missing group")
    try:
        client.resource_groups.get("rg-does-not-exist")
    except ResourceNotFoundError as error:
        expect(error.error.code == "ResourceGroupNotFound", f"code {error.error.code}")
    else:
        raise AssertionError("a missing resource group was found")


@check
def resource_groups_filter_by_tag():
    client = resources()
    tagged = list(client.resource_groups.list(filter="tagName eq 'environment'"))
    expect(tagged and all("environment" in (g.tags or {}) for g in tagged), f"{[(g.name, g.tags) for g in tagged]}")


@check
def resources_list_follows_next_link_with_top():
    client = resources()
    every = [r.id for r in client.resources.list()]
    paged = client.resources.list(top=1).by_page()
    seen = []
    pages = 0
    for page in paged:
        pages += 1
        seen.extend(r.id for r in page)
    expect(seen == every, "$top=1 pages add up to the whole list")
    expect(pages == len(every), f"{pages} pages for {len(every)} resources")


@check
def resources_filter_by_type_and_tag():
    client = resources()
    every = list(client.resources.list())
    kind = every[0].type
    typed = list(client.resources.list(filter=f"resourceType eq '{kind}'"))
    expect(typed and all(r.type.lower() == kind.lower() for r in typed), f"{kind}: {[r.type for r in typed]}")
    expect(len(typed) == sum(1 for r in every if r.type.lower() == kind.lower()), "the filter keeps every resource of the type")
    try:
        list(client.resources.list(filter="nonsense eq 'x'"))
    except HttpResponseError as error:
        expect(error.status_code == 400 and error.error.code, f"{error.status_code} {error.error}")
    else:
        raise AssertionError("an unsupported $filter was accepted")


@check
def resources_by_resource_group():
    client = resources()
    group = list(client.resource_groups.list())[0].name
    inside = list(client.resources.list_by_resource_group(group))
    expect(all(f"/resourceGroups/{group}/".lower() in r.id.lower() for r in inside), f"{[r.id for r in inside]}")


@check
def tags_list_counts_names_and_values():
    client = resources()
    names = list(client.tags.list())
    expect(any(n.tag_name == "environment" for n in names), f"{[n.tag_name for n in names]}")
    environment = next(n for n in names if n.tag_name == "environment")
    expect(environment.count.value == sum(v.count.value for v in environment.values), "a name's count is the sum of its values' counts")
    expect(all(v.id.endswith(f"/tagNames/environment/tagValues/{v.tag_value}") for v in environment.values), "tag value ids")


@check
def tags_at_subscription_scope():
    client = resources()
    scope = f"/subscriptions/{subscription_id()}"
    client.tags.begin_create_or_update_at_scope(scope, {"properties": {"tags": {"conformance": "python"}}}).result()
    read = client.tags.get_at_scope(scope)
    expect(read.properties.tags.get("conformance") == "python", f"{read.properties.tags}")
    client.tags.begin_update_at_scope(scope, {"operation": "Delete", "properties": {"tags": {"conformance": ""}}}).result()
    expect("conformance" not in (client.tags.get_at_scope(scope).properties.tags or {}), "the tag is gone")


@check
def providers_list_and_get():
    client = resources()
    providers = list(client.providers.list())
    expect(any(p.namespace == "Microsoft.Compute" for p in providers), f"{[p.namespace for p in providers]}")
    compute = client.providers.get("Microsoft.Compute")
    expect(compute.registration_state == "Registered" and compute.resource_types, f"{compute.registration_state}")


@check
def unknown_routes_answer_an_arm_error_envelope():
    token = CREDENTIAL.get_token(ARM_SCOPE).token
    group = list(resources().resource_groups.list())[0].name
    path = f"/subscriptions/{subscription_id()}/resourcegroups/{group}/exportTemplate"
    answer = requests.post(f"{BASE}{path}?api-version=2021-04-01", json={"resources": ["*"]}, headers={"Authorization": "Bearer " + token})
    body = answer.json()
    expect(answer.status_code >= 400 and body["error"]["code"], f"{answer.status_code} {body}")
    expect(path in body["error"]["message"], f"the message names the path: {body['error']['message']}")


@check
def resource_get_by_id():
    client = resources()
    first = next(iter(client.resources.list()))
    namespace = first.type.split("/")[0]
    versions = next(t.api_versions for t in client.providers.get(namespace).resource_types if f"{namespace}/{t.resource_type}".lower() == first.type.lower())
    one = client.resources.get_by_id(first.id, versions[0])
    expect(one.id == first.id and one.properties["provisioningState"] == "Succeeded", f"{one.id} {one.properties}")


@check
def storage_and_compute_sdks_list_by_type():
    every = list(resources().resources.list())
    storage = StorageManagementClient(CREDENTIAL, subscription_id(), **OPTIONS)
    accounts = list(storage.storage_accounts.list())
    expected = [r for r in every if r.type == "Microsoft.Storage/storageAccounts"]
    expect(accounts and sorted(a.id for a in accounts) == sorted(r.id for r in expected), f"{[a.name for a in accounts]}")
    group = expected[0].id.split("/")[4]
    in_group = list(storage.storage_accounts.list_by_resource_group(group))
    expect(sorted(a.id for a in in_group) == sorted(r.id for r in expected if f"/resourceGroups/{group}/" in r.id), f"{[a.name for a in in_group]}")
    machines = list(ComputeManagementClient(CREDENTIAL, subscription_id(), **OPTIONS).virtual_machines.list_all())
    expect(sorted(m.id for m in machines) == sorted(r.id for r in every if r.type == "Microsoft.Compute/virtualMachines"), f"{[m.name for m in machines]}")


@check
def cloud_metadata_names_the_sandbox():
    old = requests.get(f"{BASE}/metadata/endpoints", params={"api-version": "2015-01-01"}).json()
    expect(old["authentication"]["loginEndpoint"].rstrip("/") == BASE, f"2015-01-01 loginEndpoint {old['authentication']['loginEndpoint']}")
    expect("https://management.core.windows.net/" in old["authentication"]["audiences"], "audiences")
    clouds = requests.get(f"{BASE}/metadata/endpoints", params={"api-version": "2022-09-01"}).json()
    expect(isinstance(clouds, list) and clouds[0]["resourceManager"].rstrip("/") == BASE, f"2022-09-01 {clouds}")
    expect(clouds[0]["microsoftGraphResourceId"] == "https://graph.microsoft.com/", "microsoftGraphResourceId")


if __name__ == "__main__":
    run()
