#!/usr/bin/env bash
# azure-cli (Debian's package) against the Runner sandbox: a cloud registered from ARM's metadata and from a cloud
# config, service-principal sign-in in the partner and a customer tenant (by id and by domain), resource groups,
# locations, tags, ARM errors, and `az rest` against Graph. Prints "ok <check>" or "FAIL <check>: <why>" per check
# and exits 1 when any failed. The secret reaches az through a file (az's @file syntax), never a command line.
set -uo pipefail

az="${AZ:-az}"
here="$(cd "$(dirname "$0")" && pwd)"
export PYTHONPATH="$here/shim${PYTHONPATH:+:$PYTHONPATH}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
umask 077
printf '%s' "$SANDBOX_CLIENT_SECRET" > "$work/secret"
failed=0

redact() { sed -e "s|$SANDBOX_CLIENT_SECRET|<secret>|g"; }

# check NAME COMMAND...: runs the command (a function below); its last stderr line explains a failure.
check() {
  local name="$1"; shift
  if "$@" > "$work/out" 2> "$work/err"; then
    echo "ok $name"
  else
    failed=1
    echo "FAIL $name: $( (tail -n 3 "$work/err"; tail -n 2 "$work/out") | tr '\n' ' ' | redact)"
  fi
}

expect() { if ! eval "$1"; then echo "expected: $1" >&2; return 1; fi; }

login() { "$az" account clear && "$az" login --service-principal -u "$SANDBOX_CLIENT_ID" -p "@$work/secret" --tenant "$1" "${@:2}" -o none; }

cloud_register_from_arm_metadata() {
  "$az" cloud register --name SandboxArm --endpoint-resource-manager "$SANDBOX_URL" -o none || return 1
  local login_endpoint
  login_endpoint="$("$az" cloud show --name SandboxArm --query endpoints.activeDirectory -o tsv)" || return 1
  expect '[ "${login_endpoint%/}" = "$SANDBOX_URL" ]'
}

cloud_register_and_set() {
  cat > "$work/cloud.json" <<JSON
{
  "endpoints": {
    "activeDirectory": "$SANDBOX_URL",
    "activeDirectoryResourceId": "https://management.core.windows.net/",
    "activeDirectoryGraphResourceId": "https://graph.windows.net/",
    "resourceManager": "$SANDBOX_URL/",
    "management": "https://management.core.windows.net/",
    "microsoftGraphResourceId": "https://graph.microsoft.com/"
  },
  "suffixes": { "keyvaultDns": ".vault.azure.net" }
}
JSON
  "$az" cloud register --name Sandbox --cloud-config "@$work/cloud.json" -o none && "$az" cloud set --name Sandbox -o none
}

login_partner_tenant_without_subscriptions() {
  login "$SANDBOX_PARTNER_TENANT" --allow-no-subscriptions || return 1
  local tenant
  tenant="$("$az" account show --query tenantId -o tsv)" || return 1
  expect '[ "$tenant" = "$SANDBOX_PARTNER_TENANT" ]'
}

login_customer_tenant_by_domain() {
  login "$SANDBOX_CUSTOMER_DOMAIN" || return 1
  local tenants
  tenants="$("$az" account list --query "[].tenantId" -o tsv | sort -u)" || return 1
  expect '[ "$tenants" = "$SANDBOX_CUSTOMER_TENANT" ]'
}

login_customer_tenant_finds_its_subscriptions() {
  login "$SANDBOX_CUSTOMER_TENANT" || return 1
  local count
  count="$("$az" account list --refresh --query "length([?tenantId=='$SANDBOX_CUSTOMER_TENANT' && state=='Enabled'])" -o tsv)" || return 1
  expect '[ "$count" -ge 1 ]'
}

group_list_and_show() {
  local first
  first="$("$az" group list --query "[0].name" -o tsv)" || return 1
  expect '[ -n "$first" ]' || return 1
  local state
  state="$("$az" group show --name "$first" --query properties.provisioningState -o tsv)" || return 1
  expect '[ "$state" = "Succeeded" ]' || return 1
  local exists
  exists="$("$az" group exists --name rg-does-not-exist -o tsv)" || return 1
  expect '[ "$exists" = "false" ]'
}

group_show_missing_is_an_arm_error() {
  if "$az" group show --name rg-does-not-exist -o none 2> "$work/missing"; then
    echo "a missing group was shown" >&2
    return 1
  fi
  expect 'grep -q "ResourceGroupNotFound" "$work/missing"'
}

account_list_locations() {
  local names
  names="$("$az" account list-locations --query "[].name" -o tsv)" || return 1
  expect 'grep -qx eastus <<< "$names" && grep -qx westeurope <<< "$names"'
}

tag_list() {
  local names
  names="$("$az" tag list --query "[].tagName" -o tsv)" || return 1
  expect 'grep -qx environment <<< "$names"'
}

resource_list_by_type() {
  local all typed type
  type="$("$az" resource list --query "[0].type" -o tsv)" || return 1
  all="$("$az" resource list --query "length([?type=='$type'])" -o tsv)" || return 1
  typed="$("$az" resource list --resource-type "$type" --query "length(@)" -o tsv)" || return 1
  expect '[ "$typed" = "$all" ] && [ "$typed" -ge 1 ]'
}

rest_graph_organization() {
  local id
  id="$("$az" rest --method get --url "$SANDBOX_URL/v1.0/organization" --resource https://graph.microsoft.com/ --query "value[0].id" -o tsv)" || return 1
  expect '[ "$id" = "$SANDBOX_CUSTOMER_TENANT" ]'
}

rest_graph_users_page() {
  "$az" rest --method get --url "$SANDBOX_URL/v1.0/users?\$top=2&\$select=id,userPrincipalName" --resource https://graph.microsoft.com/ > "$work/users" || return 1
  expect 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d[\"value\"])==2 and \"@odata.nextLink\" in d and set(d[\"value\"][0])=={\"id\",\"userPrincipalName\"}" "$work/users"'
}

rest_graph_partner_admin_by_upn() {
  login "$SANDBOX_PARTNER_TENANT" --allow-no-subscriptions || return 1
  local upn
  upn="$("$az" rest --method get --url "$SANDBOX_URL/v1.0/users?\$filter=userPrincipalName eq '$SANDBOX_ADMIN_UPN'" --resource https://graph.microsoft.com/ --query "value[0].userPrincipalName" -o tsv)" || return 1
  expect '[ "$upn" = "$SANDBOX_ADMIN_UPN" ]'
}

check cloud_register_from_arm_metadata cloud_register_from_arm_metadata
check cloud_register_and_set cloud_register_and_set
check login_partner_tenant_without_subscriptions login_partner_tenant_without_subscriptions
check login_customer_tenant_by_domain login_customer_tenant_by_domain
check login_customer_tenant_finds_its_subscriptions login_customer_tenant_finds_its_subscriptions
check group_list_and_show group_list_and_show
check group_show_missing_is_an_arm_error group_show_missing_is_an_arm_error
check account_list_locations account_list_locations
check tag_list tag_list
check resource_list_by_type resource_list_by_type
check rest_graph_organization rest_graph_organization
check rest_graph_users_page rest_graph_users_page
check rest_graph_partner_admin_by_upn rest_graph_partner_admin_by_upn
exit $failed
