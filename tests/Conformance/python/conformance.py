"""A small harness shared by the sandbox's Python conformance checks: each check is a function; a run prints
"ok <name>" or "FAIL <name>: <why>" per check and exits 1 when any failed. Secrets come from the environment and
are never printed."""
import base64
import json
import os
import sys
import traceback

_checks = []


def check(function):
    _checks.append(function)
    return function


def env(name):
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"environment variable {name} is not set (the test fixture sets it)")
    return value


def claims(token):
    payload = token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def _redact(text):
    for name in ("SANDBOX_CLIENT_SECRET", "SANDBOX_REFRESH_TOKEN"):
        secret = os.environ.get(name)
        if secret:
            text = text.replace(secret, f"<{name}>")
    return text


def run():
    """Runs the checks named on the command line, or all of them."""
    wanted = set(sys.argv[1:])
    unknown = wanted - {c.__name__ for c in _checks}
    if unknown:
        raise SystemExit(f"unknown check(s): {', '.join(sorted(unknown))}")
    failed = 0
    for function in _checks:
        if wanted and function.__name__ not in wanted:
            continue
        try:
            function()
            print(f"ok {function.__name__}", flush=True)
        except Exception as error:  # a failing check must not stop the others
            failed += 1
            detail = "".join(traceback.format_exception_only(type(error), error)).strip()
            print(_redact(f"FAIL {function.__name__}: {detail}"), flush=True)
    sys.exit(1 if failed else 0)
