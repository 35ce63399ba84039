#!/usr/bin/env bash
# Start-up figures for docs/startup.md: whole `runner run` processes, a cold compile (empty compile cache) and a
# cached run, ReadyToRun and JIT builds, next to `dotnet` running an empty console app, all in one session, against
# a standalone sandbox (its own process, so its start-up is not measured). Needs hyperfine (apt-get install hyperfine).
#   tools/startup-bench/measure.sh            RUNS=10 PORT=47443 WORK=/tmp/runner-startup by default
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
work=${WORK:-/tmp/runner-startup}
port=${PORT:-47443}
runs=${RUNS:-10}
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rid=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')

rm -rf "$work" && mkdir -p "$work/empty" "$work/project/jobs"
dotnet publish src/Runner.Cli -p:PublishProfile=ReadyToRun -v q -nologo
dotnet build src/Runner.Cli -c Release -o "$work/jit" -v q -nologo
dotnet build tools/startup-bench/StartupSandbox.csproj -c Release -o "$work/sandbox" -v q -nologo
cat > "$work/empty/empty.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImportDirectoryBuildProps>false</ImportDirectoryBuildProps></PropertyGroup>
</Project>
XML
echo 'return;' > "$work/empty/Program.cs"
dotnet build "$work/empty/empty.csproj" -c Release -o "$work/empty/out" -v q -nologo

r2r="$repo/artifacts/publish/runner/$rid/runner.dll"
jit="$work/jit/runner.dll"
project="$work/project"
dotnet "$work/sandbox/StartupSandbox.dll" "$project" "$port" > "$work/sandbox.log" 2>&1 &
sandbox=$!
trap 'kill $sandbox 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q '^ready' "$work/sandbox.log" 2>/dev/null && break; sleep 0.2; done
cd "$project"
dotnet "$r2r" secret set app-secret < app-secret.txt > /dev/null
dotnet "$r2r" secret set partner-refresh-token < refresh-token.txt > /dev/null
cp "$repo/jobs/hello.csx" jobs/
printf 'return Tenant.Domain;\n' > jobs/tiny.csx
tenant=contoso.onmicrosoft.com
dotnet "$r2r" run jobs/hello.csx > /dev/null   # first exchange of the refresh token, customer list cached

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --warmup 2 --runs "$runs" --export-json "$work/cached.json" \
  -n 'dotnet empty.dll' "dotnet $work/empty/out/empty.dll" \
  -n 'cached run tiny.csx, 1 tenant (ReadyToRun)' "dotnet $r2r run jobs/tiny.csx --tenant $tenant" \
  -n 'cached run tiny.csx, 1 tenant (JIT)' "dotnet $jit run jobs/tiny.csx --tenant $tenant" \
  -n 'cached run hello.csx, 10 tenants (ReadyToRun)' "dotnet $r2r run jobs/hello.csx" \
  -n 'cached run hello.csx, 10 tenants (JIT)' "dotnet $jit run jobs/hello.csx"
hyperfine -N --warmup 1 --runs "$runs" --prepare "rm -rf $project/.runner/scripts" --export-json "$work/cold.json" \
  -n 'cold compile tiny.csx, 1 tenant (ReadyToRun)' "dotnet $r2r run jobs/tiny.csx --tenant $tenant" \
  -n 'cold compile tiny.csx, 1 tenant (JIT)' "dotnet $jit run jobs/tiny.csx --tenant $tenant" \
  -n 'cold compile hello.csx, 10 tenants (ReadyToRun)' "dotnet $r2r run jobs/hello.csx" \
  -n 'cold compile hello.csx, 10 tenants (JIT)' "dotnet $jit run jobs/hello.csx"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work/cached.json" "$work/cold.json" <<'PY'
import json, sys
results = [r for f in sys.argv[1:] for r in json.load(open(f))["results"]]
empty = next(r["median"] for r in results if r["command"] == "dotnet empty.dll")
print(f"| {'what':50} | median | min | max | × empty |")
print(f"|{'-'*52}|-------:|----:|----:|--------:|")
for r in results:
    print(f"| {r['command']:50} | {r['median']*1000:.0f} ms | {r['min']*1000:.0f} ms | {r['max']*1000:.0f} ms | {r['median']/empty:.1f} |")
PY
