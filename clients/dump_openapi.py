"""The merged OpenAPI document of the platform, without running anything: each deployable's app is built in this
process (nothing is served, no database is opened) and merged as the gateway merges them at ``/openapi.json``.

    .venv/bin/python clients/dump_openapi.py > openapi.json

The running gateway serves the same document (``curl localhost:8000/openapi.json``); this is for a build with no
platform at hand (CI, a code generator in another repository).
"""

import copy
import importlib
import json
import sys

from gateway.main import create_app as create_gateway
from gateway.openapi import merge
from qz_common.settings import PlatformSettings

SERVICES = ("expropriation", "medinsurance", "science", "dogs")


def merged_document() -> dict[str, object]:
    platform = PlatformSettings(dev_mode=True)  # dev keys: only the document is wanted, never a request
    services = {name: importlib.import_module(f"{name}.main").create_app(platform=platform) for name in SERVICES}
    gateway = create_gateway(platform=platform)
    return merge(copy.deepcopy(gateway.openapi()), {name: app.openapi() for name, app in services.items()})


if __name__ == "__main__":
    json.dump(merged_document(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
