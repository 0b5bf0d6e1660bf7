"""Every request body's example (api/examples.py), posted to its operation: the API must understand it.

An example may name a record that an empty database lacks (a 404 for a path, a 422 ``reference_not_found`` for a
body field), act in a district its caller is not bound to (403) or on a record whose state forbids the step (409):
those are answers about the data, not about the example. Any other 422 or a 5xx is the example's fault. File
uploads (multipart) are tested with real files elsewhere and are not JSON examples; what exists only at run time
(the id of an uploaded photo, a vaccination current on the day of the request) a test supplies as ``completed``
fields.
"""

import re
from collections.abc import Iterator, Mapping
from typing import Any

from fastapi.testclient import TestClient

ACCEPTED = {403, 404, 409}
# A 422 about the data, not the example: the record a body field cites is not in the database.
CITES_A_MISSING_RECORD = "reference_not_found"
METHODS = ("post", "put", "patch")


def _examples(schema: Mapping[str, Any], components: Mapping[str, Any]) -> list[Any]:
    variants = schema.get("oneOf") or schema.get("anyOf") or [schema]
    found: list[Any] = []
    for variant in variants:
        if "$ref" in variant:
            found += components[variant["$ref"].rsplit("/", 1)[-1]].get("examples", [None])[:1]
        else:
            found += variant.get("examples", [None])[:1]
    return found


def request_examples(document: Mapping[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(method, path, example or None) for every JSON request body, in the document's order."""
    components = document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method in METHODS:
            body = item.get(method, {}).get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                for example in _examples(body["schema"], components):
                    yield method, path, example


def refused_examples(
    client: TestClient,
    document: Mapping[str, Any],
    path_values: Mapping[str, str] | None = None,
    completed: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[str]:
    """Each example posted to its path (parameters from ``path_values``, else 1; fields from ``completed``, by
    ``"POST /path"``); the operations whose example is missing or refused."""
    values = path_values or {}
    refused = []
    for method, path, example in request_examples(document):
        if example is None:
            refused.append(f"{method.upper()} {path}: no example")
            continue
        url = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "1"), path)
        r = client.request(method, url, json=example | dict((completed or {}).get(f"{method.upper()} {path}", {})))
        about_the_data = r.status_code == 422 and r.json().get("code") == CITES_A_MISSING_RECORD
        if not (r.status_code < 300 or r.status_code in ACCEPTED or about_the_data):
            refused.append(f"{method.upper()} {path}: {r.status_code} {r.text[:300]}")
    return refused
