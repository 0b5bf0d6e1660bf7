"""Every request body's example (api/examples.py), posted to its operation: the API must understand it.

An example may name a record that an empty database lacks (a 404 for a path, a 422 ``reference_not_found`` for a
body field), act in a district its caller is not bound to (403) or on a record whose state forbids the step (409):
those are answers about the data, not about the example. Any other 422 or a 5xx is the example's fault. File
uploads (multipart) are tested with real files elsewhere and are not JSON examples; what exists only at run time
(the id of an uploaded photo, a vaccination current on the day of the request) a test supplies as ``completed``
fields.

While they run, :class:`RecordedAnswers` keeps each operation's first successful answer; the examples tests call the
operations no example reaches too, then check the deployable's ``openapi_answers.json``, which it shows as each
operation's example on answers (qz_common.answers). ``QZ_RECORD_ANSWERS=1`` rewrites the file from the run.
"""

import json
import os
import re
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
from fastapi.testclient import TestClient

from qz_common.answers import answers_path, operation_key

ACCEPTED = {403, 404, 409}
# A 422 about the data, not the example: the record a body field cites is not in the database.
CITES_A_MISSING_RECORD = "reference_not_found"
METHODS = ("post", "put", "patch")
ALL = ("get", "post", "put", "patch", "delete")


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


class RecordedAnswers:
    """Every answer ``client`` receives while recording, kept per operation of ``document``: the first successful one
    (a JSON body, or the text of a CSV), for the document's examples on answers (qz_common.answers)."""

    def __init__(self, client: TestClient, document: Mapping[str, Any]) -> None:
        self.document = document
        self.answers: dict[str, dict[str, Any]] = {}
        templates = [(method, path) for path, item in document["paths"].items() for method in item if method in ALL]
        # A literal segment wins over a parameter (/v1/vouchers/expire before /v1/vouchers/{voucher_id}).
        templates.sort(key=lambda operation: operation[1].count("{"))
        self.templates = [
            (method, re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "$"), operation_key(method, path))
            for method, path in templates
        ]
        self.listen(client)

    def listen(self, client: TestClient) -> None:
        """Record the answers ``client`` receives too (another client of the same service)."""
        hooks = client.event_hooks
        hooks["response"].append(self._record)
        client.event_hooks = hooks

    def _record(self, response: httpx.Response) -> None:
        method, path = response.request.method.lower(), response.request.url.path
        key = next((key for m, pattern, key in self.templates if m == method and pattern.match(path)), None)
        if key is None or key in self.answers or not 200 <= response.status_code < 300:
            return
        response.read()
        media_type = response.headers.get("content-type", "").split(";")[0]
        if media_type == "application/json":
            self.answers[key] = {"status": response.status_code, "body": response.json()}
        elif media_type.startswith("text/"):
            self.answers[key] = {"status": response.status_code, "body": response.text}

    def call_the_rest(self, client: TestClient, path_values: Mapping[str, str] | None = None) -> None:
        """Each operation not answered yet, called once: its request example as the body, path parameters from
        ``path_values`` (else 1)."""
        examples = {operation_key(method, path): example for method, path, example in request_examples(self.document)}
        for path, item in self.document["paths"].items():
            for method in (m for m in item if m in ALL and operation_key(m, path) not in self.answers):
                url = re.sub(r"\{(\w+)\}", lambda m: (path_values or {}).get(m.group(1), "1"), path)
                client.request(method, url, json=examples.get(operation_key(method, path)))

    def unanswered(self) -> list[str]:
        """The operations with a JSON or text answer documented and none recorded."""
        return [
            operation_key(method, path)
            for path, item in self.document["paths"].items()
            for method, operation in item.items()
            if method in ALL
            and operation_key(method, path) not in self.answers
            and any(
                media == "application/json" or media.startswith("text/")
                for code, response in operation["responses"].items()
                if code.startswith("2")
                for media in response.get("content", {})
            )
        ]

    def stale(self, package: str) -> list[str]:
        """Where ``package``'s recorded answers differ from this run's: an operation missing on either side, another
        status, or a field added, removed or retyped (values differ from run to run: ids, times). With
        ``QZ_RECORD_ANSWERS=1`` the file is rewritten instead: the answers that differ, and only those, from this run
        (the others keep their recorded values, so the file's diff shows what changed)."""
        path = answers_path(package)
        assert path is not None, package
        recorded = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        differences = {
            key: found
            for key in sorted(recorded.keys() | self.answers.keys())
            if (found := _answer_differences(recorded.get(key), self.answers.get(key)))
        }
        if os.environ.get("QZ_RECORD_ANSWERS"):
            kept = {key: self.answers[key] if key in differences else recorded[key] for key in sorted(self.answers)}
            path.write_text(json.dumps(kept, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            return []
        return [f"{key}: {difference}" for key, found in differences.items() for difference in found]


def _answer_differences(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    if old is None or new is None:
        return ["not recorded" if old is None else "no longer answered"]
    if old["status"] != new["status"]:
        return [f"status {old['status']} → {new['status']}"]
    return list(_shape_differences(old["body"], new["body"], "body"))


def _shape_differences(old: Any, new: Any, at: str) -> Iterator[str]:
    if old is None or new is None:  # a field without a value in one run: nothing to compare
        return
    if isinstance(old, dict) and isinstance(new, dict):
        yield from (f"{at}.{key} {'removed' if key in old else 'added'}" for key in sorted(old.keys() ^ new.keys()))
        for key in old.keys() & new.keys():
            yield from _shape_differences(old[key], new[key], f"{at}.{key}")
    elif isinstance(old, list) and isinstance(new, list):
        if old and new:
            yield from _shape_differences(old[0], new[0], f"{at}[0]")
    elif type(old) is not type(new):
        yield f"{at}: {type(old).__name__} → {type(new).__name__}"
