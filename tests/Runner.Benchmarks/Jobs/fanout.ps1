<#
.SYNOPSIS
    The status quo the `powershell` benchmark measures Runner against: a CSP partner's PowerShell loop over its
    customers, doing what jobs/fanout.csx does for each one.

.DESCRIPTION
    The Secure Application Model as partners script it with Invoke-RestMethod alone: the partner admin's refresh
    token (from consent) and the app's secret are exchanged at Entra ID's token endpoint for an access token per
    tenant and resource. Partner Center and Graph tokens for the partner's own tenant once (the customer list, the
    GDAP relationships), then for every customer with a GDAP relationship in force a Graph and an ARM token in the
    customer's tenant, and the same three calls as jobs/fanout.csx:

        GET {graph}/v1.0/users?$select=id&$top=5                     (Graph SDK: Users.GetAsync, Top 5, Select id)
        GET {resourceManager}/subscriptions?api-version=2022-12-01   (Azure.ResourceManager 1.7.0: GetSubscriptions, first page)
        GET {partnerCenter}/v1/customers/{customerId}/subscriptions  (Runner's PartnerCenter.GetSubscriptionsAsync)

    Customers are listed as Runner lists them: every Partner Center page (GET /v1/customers?size=200, then links.next
    with its MS-ContinuationToken), and skipped unless a GDAP relationship is active or expiring and has not ended
    (GET /v1.0/tenantRelationships/delegatedAdminRelationships, every page).

    -Mode Sequential is a plain foreach; -Mode Parallel is ForEach-Object -Parallel -ThrottleLimit N (PowerShell 7).
    Invoke-RestMethod is called without -WebSession, as such scripts usually call it.

    The client secret and refresh token come from the environment (PARTNER_CLIENT_SECRET, PARTNER_REFRESH_TOKEN), never
    the command line. Certificates are validated as usual: against the sandbox, start pwsh with SSL_CERT_FILE naming a
    bundle that includes its CA.

    Writes one JSON document to -OutFile: a result per customer that ran (status Succeeded or Failed), the number
    skipped, and the script's own timings.
#>
[CmdletBinding()]
param(
    [string] $Login = 'https://login.microsoftonline.com/',
    [string] $PartnerCenter = 'https://api.partnercenter.microsoft.com/',
    [string] $Graph = 'https://graph.microsoft.com/',
    [string] $ResourceManager = 'https://management.azure.com/',
    [Parameter(Mandatory)] [string] $PartnerTenant,
    [Parameter(Mandatory)] [string] $ClientId,
    [ValidateSet('Sequential', 'Parallel')] [string] $Mode = 'Sequential',
    [ValidateRange(1, 1024)] [int] $ThrottleLimit = 32,
    [Parameter(Mandatory)] [string] $OutFile
)

$ErrorActionPreference = 'Stop'
$clock = [Diagnostics.Stopwatch]::StartNew()

if (-not $env:PARTNER_CLIENT_SECRET -or -not $env:PARTNER_REFRESH_TOKEN) {
    throw 'Set PARTNER_CLIENT_SECRET and PARTNER_REFRESH_TOKEN.'
}

$context = @{
    Login           = $Login
    ClientId        = $ClientId
    ClientSecret    = $env:PARTNER_CLIENT_SECRET
    RefreshToken    = $env:PARTNER_REFRESH_TOKEN
    Graph           = $Graph
    ResourceManager = $ResourceManager
    PartnerCenter   = $PartnerCenter
}

# One refresh-token exchange: an access token for one resource in one tenant.
function Get-AccessToken {
    param([hashtable] $Context, [string] $Tenant, [string] $Scope)
    $body = @{
        grant_type    = 'refresh_token'
        client_id     = $Context.ClientId
        client_secret = $Context.ClientSecret
        refresh_token = $Context.RefreshToken
        scope         = $Scope
    }
    (Invoke-RestMethod -Method Post -Uri "$($Context.Login)$Tenant/oauth2/v2.0/token" -Body $body).access_token
}

# The headers Partner Center asks for on every request.
function Get-PartnerCenterHeaders {
    param([string] $Token)
    @{
        Authorization      = "Bearer $Token"
        Accept             = 'application/json'
        'MS-RequestId'     = [guid]::NewGuid().ToString()
        'MS-CorrelationId' = [guid]::NewGuid().ToString()
    }
}

# One customer: two exchanges (Graph and ARM in its tenant) and the three calls of jobs/fanout.csx.
function Invoke-Customer {
    param([pscustomobject] $Customer, [hashtable] $Context)
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $tenant = $Customer.companyProfile.tenantId
    $result = [ordered]@{ tenantId = $tenant; customerId = $Customer.id; domain = $Customer.companyProfile.domain }
    try {
        $graphToken = Get-AccessToken -Context $Context -Tenant $tenant -Scope 'https://graph.microsoft.com/.default'
        $users = Invoke-RestMethod -Uri "$($Context.Graph)v1.0/users?`$select=id&`$top=5" -Headers @{ Authorization = "Bearer $graphToken" }

        $armToken = Get-AccessToken -Context $Context -Tenant $tenant -Scope 'https://management.azure.com/.default'
        # The first page only, as jobs/fanout.csx reads it.
        $azure = Invoke-RestMethod -Uri "$($Context.ResourceManager)subscriptions?api-version=2022-12-01" -Headers @{ Authorization = "Bearer $armToken" }

        $licences = Invoke-RestMethod -Uri "$($Context.PartnerCenter)v1/customers/$($Customer.id)/subscriptions" -Headers (Get-PartnerCenterHeaders $Context.PartnerCenterToken)

        $result.status = 'Succeeded'
        $result.users = @($users.value).Count
        $result.azure = @($azure.value).Count
        $result.licences = @($licences.items).Count
    }
    catch {
        $result.status = 'Failed'
        $result.error = $_.Exception.Message
    }

    $result.durationMs = $watch.ElapsedMilliseconds
    [pscustomobject]$result
}

# The partner's customers, every Partner Center page.
$context.PartnerCenterToken = Get-AccessToken -Context $context -Tenant $PartnerTenant -Scope 'https://api.partnercenter.microsoft.com/user_impersonation'
$customers = [Collections.Generic.List[object]]::new()
$uri = "$($PartnerCenter)v1/customers?size=200"
$continuation = $null
while ($uri) {
    $headers = Get-PartnerCenterHeaders $context.PartnerCenterToken
    if ($continuation) {
        $headers['MS-ContinuationToken'] = $continuation
    }

    $page = Invoke-RestMethod -Uri $uri -Headers $headers
    foreach ($customer in @($page.items)) {
        $customers.Add($customer)
    }

    $next = $page.links.next
    $continuation = if ($next) { @($next.headers | Where-Object key -EQ 'MS-ContinuationToken')[0].value } else { $null }
    $uri = if ($next -and $continuation) { "$($PartnerCenter)v1/$($next.uri.TrimStart('/'))" } else { $null }
}

# The customers with a GDAP relationship in force, from Graph in the partner's tenant.
$partnerGraphToken = Get-AccessToken -Context $context -Tenant $PartnerTenant -Scope 'https://graph.microsoft.com/.default'
$inForce = @{}
$now = [DateTimeOffset]::UtcNow
$uri = "$($Graph)v1.0/tenantRelationships/delegatedAdminRelationships"
while ($uri) {
    $page = Invoke-RestMethod -Uri $uri -Headers @{ Authorization = "Bearer $partnerGraphToken" }
    foreach ($relationship in @($page.value)) {
        if ($relationship.status -in 'active', 'expiring' -and (-not $relationship.endDateTime -or [DateTimeOffset]$relationship.endDateTime -gt $now)) {
            $inForce[[string]$relationship.customer.tenantId] = $true
        }
    }

    $uri = $page.'@odata.nextLink'
}

$active = @($customers | Where-Object { $_.companyProfile.tenantId -and $inForce.ContainsKey([string]$_.companyProfile.tenantId) })
$listMs = $clock.ElapsedMilliseconds

if ($Mode -eq 'Sequential') {
    $results = foreach ($customer in $active) {
        Invoke-Customer -Customer $customer -Context $context
    }
}
else {
    # Runspaces do not see this script's functions: hand their definitions over, the usual -Parallel idiom.
    $functions = @{
        'Get-AccessToken'          = ${function:Get-AccessToken}.ToString()
        'Get-PartnerCenterHeaders' = ${function:Get-PartnerCenterHeaders}.ToString()
        'Invoke-Customer'          = ${function:Invoke-Customer}.ToString()
    }
    $results = $active | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
        foreach ($function in ($using:functions).GetEnumerator()) {
            Set-Item -Path "function:$($function.Key)" -Value ([scriptblock]::Create($function.Value))
        }

        Invoke-Customer -Customer $_ -Context $using:context
    }
}

$results = @($results)
$fanOutMs = $clock.ElapsedMilliseconds - $listMs
[ordered]@{
    mode          = $Mode
    throttleLimit = if ($Mode -eq 'Parallel') { $ThrottleLimit } else { 1 }
    customers     = $customers.Count
    skipped       = $customers.Count - $active.Count
    listMs        = $listMs
    fanOutMs      = $fanOutMs
    durationMs    = $clock.ElapsedMilliseconds
    summary       = [ordered]@{
        succeeded = @($results | Where-Object status -EQ 'Succeeded').Count
        failed    = @($results | Where-Object status -EQ 'Failed').Count
        skipped   = $customers.Count - $active.Count
    }
    tenants       = $results
} | ConvertTo-Json -Depth 5 | Set-Content -Path $OutFile -Encoding utf8NoBOM
