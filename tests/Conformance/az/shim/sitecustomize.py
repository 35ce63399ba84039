# Loaded by python at start-up (PYTHONPATH) in the azure-cli conformance run only.
#
# azure-cli 2.45 with MSAL for Python 1.21 (Debian bookworm) sends instance discovery to the hard-coded
# https://login.microsoftonline.com/common/discovery/instance whatever the cloud: once when it builds an authority
# and once for authority aliases in acquire_token_silent; neither version has a switch for it. A private cloud (here:
# the sandbox) is where that question must go, so both requests are sent to the sandbox's own
# /common/discovery/instance, which answers as Entra does. Nothing else in azure-cli or MSAL is changed.
import json
import os

try:
    import msal.application as _application

    _endpoint = os.environ["SANDBOX_URL"].rstrip("/") + "/common/discovery/instance"
    _original_init = _application.ClientApplication.__init__

    def _init(self, *args, **kwargs):
        if kwargs.get("instance_discovery") in (None, True):
            kwargs["instance_discovery"] = _endpoint
        return _original_init(self, *args, **kwargs)

    def _get_instance_metadata(self):
        answer = self.http_client.get(
            _endpoint,
            params={"api-version": "1.1", "authorization_endpoint": os.environ["SANDBOX_URL"].rstrip("/") + "/common/oauth2/authorize"},
            headers={"Accept": "application/json"})
        answer.raise_for_status()
        return json.loads(answer.text)["metadata"]

    _application.ClientApplication.__init__ = _init
    _application.ClientApplication._get_instance_metadata = _get_instance_metadata
except ImportError:
    pass
