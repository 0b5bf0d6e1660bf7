"""What integrators generate from the merged contract (issue 29): the README's "Clients" recipe, run as written.

A Python client (openapi-python-client, configured by clients/python/config.yml) is generated from the document a
running gateway serves, installed with pip and used against that gateway; TypeScript types (openapi-typescript) are
generated from the same document and compiled with ``tsc --strict``, with every request example of the document
typed against them.
"""

import datetime as dt
import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from request_examples import request_examples
from testkit import ServiceProcess

from expropriation.facts.examples import QUOTE_REQUEST

ROOT = Path(__file__).resolve().parents[2]
PYTHON_CONFIG = ROOT / "clients/python/config.yml"
DUMP = ROOT / "clients/dump_openapi.py"
DEV = {"X-API-Key": "dev-key"}
# The TypeScript tools, pinned: installed once per version pair under .venv (npm's registry is needed only then).
OPENAPI_TYPESCRIPT = "7.13.0"
TYPESCRIPT = "5.9.3"
PIP_INSTALL = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index"]
NPM_INSTALL = ["npm", "install", "--no-audit", "--no-fund"]
TYPESCRIPT_PACKAGES = [f"openapi-typescript@{OPENAPI_TYPESCRIPT}", f"typescript@{TYPESCRIPT}"]
TOOLS = str(Path(sys.executable).parent)  # openapi-python-client, and the ruff it formats its output with


def run(command: list[str], cwd: Path) -> str:
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env={**os.environ, "PATH": f"{TOOLS}:{os.environ['PATH']}"}
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(command)}:\n{output}"
    return output


@pytest.fixture(scope="module")
def live_gateway(
    gateway_db: str, service_processes: dict[str, ServiceProcess], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The gateway as its own process in front of the four services: what ``./dev up`` runs."""
    urls = {name: process.url for name, process in service_processes.items()}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GATEWAY_SERVICE_URLS", json.dumps(urls))
        process = ServiceProcess("gateway", gateway_db, tmp_path_factory.mktemp("gateway") / "gateway.log").start()
    yield process.url
    process.stop()


@pytest.fixture(scope="module")
def spec(live_gateway: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The merged document, dumped from the running gateway as the recipe's first step does."""
    with urllib.request.urlopen(f"{live_gateway}/openapi.json", timeout=30) as answer:
        document = json.load(answer)
    assert document["x-unavailable-services"] == []
    path = tmp_path_factory.mktemp("spec") / "openapi.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_offline_dump_is_the_document_the_gateway_serves(spec: Path) -> None:
    loading = importlib.util.spec_from_file_location("dump_openapi", DUMP)
    assert loading is not None and loading.loader is not None
    dump = importlib.util.module_from_spec(loading)
    loading.loader.exec_module(dump)  # in this process, whose interpreter has imported the deployables already
    offline, served = json.loads(json.dumps(dump.merged_document())), json.loads(spec.read_text(encoding="utf-8"))
    for part in ("paths", "components"):
        names = offline[part].keys() | served[part].keys()
        assert [name for name in sorted(names) if offline[part].get(name) != served[part].get(name)] == [], part
    assert offline == served


def test_the_python_client_installs_and_calls_the_gateway(
    live_gateway: str, spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = run(
        [f"{TOOLS}/openapi-python-client", "generate", "--path", str(spec), "--config", str(PYTHON_CONFIG)],
        cwd=tmp_path,
    )
    assert "warning" not in output.lower(), output
    project = tmp_path / "quzhou-rules-client"  # the configured project name, not the Chinese title
    # Its build backend (poetry-core) is pinned in deploy/: the install needs no index.
    site = tmp_path / "site"
    run(
        [*PIP_INSTALL, "--target", str(site), str(project)],
        cwd=tmp_path,
    )
    monkeypatch.syspath_prepend(str(site))
    client_module = importlib.import_module("quzhou_rules_client")
    assert Path(client_module.__file__ or "").is_relative_to(site), "the installed package, not the generated tree"
    models = importlib.import_module("quzhou_rules_client.models")
    quote_api = importlib.import_module("quzhou_rules_client.api.expropriation_quotes.expropriation_quote_household")
    score_api = importlib.import_module("quzhou_rules_client.api.medinsurance_rules.medinsurance_score_evaluation")
    calendar_api = importlib.import_module("quzhou_rules_client.api.medinsurance_calculators.medinsurance_calendar_day")
    client = client_module.Client(base_url=live_gateway, headers=DEV)

    quote = quote_api.sync(client=client, body=models.ExpropriationQuoteRequest.from_dict(QUOTE_REQUEST))
    assert isinstance(quote, models.ExpropriationQuoteOut), quote
    assert quote.resettlement_persons == 2  # both members of the example household are collective members
    assert (
        quote.total
        == httpx.post(f"{live_gateway}/api/expropriation/v1/quotes", json=QUOTE_REQUEST, headers=DEV).json()["total"]
    )
    refused = quote_api.sync(
        client=client, body=models.ExpropriationQuoteRequest.from_dict({**QUOTE_REQUEST, "district": "江山市"})
    )
    assert isinstance(refused, models.Problem) and refused.status == 422

    # The discriminated body (kind → 表1 or 表2) whose mapping the merge once left dangling.
    document = json.loads(spec.read_text(encoding="utf-8"))
    (pharmacy,) = document["components"]["schemas"]["medinsurance__PharmacyEvaluationIn"]["examples"]
    score = score_api.sync(client=client, body=models.MedinsurancePharmacyEvaluationIn.from_dict(pharmacy))
    assert isinstance(score, models.MedinsuranceEvaluationOut), score
    assert score.kind == "retail_pharmacy" and "附件4" in score.basis

    # 2023-10-07 is a Saturday worked in exchange for the 国庆 holiday (国办发明电〔2022〕16号: 10月7日（星期六）上班).
    day = calendar_api.sync(client=client, day=dt.date(2023, 10, 7))
    assert isinstance(day, models.MedinsuranceDayOut), day
    assert day.working is True


def typescript_tools() -> Path:
    """openapi-typescript and tsc at their pinned versions, installed once under .venv."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed: the TypeScript generator cannot run here")
    home = ROOT / ".venv" / f"node-openapi-typescript-{OPENAPI_TYPESCRIPT}-typescript-{TYPESCRIPT}"
    if not (home / "node_modules/.bin/tsc").exists():
        home.mkdir(parents=True, exist_ok=True)
        run(
            [*NPM_INSTALL, "--prefix", str(home), *TYPESCRIPT_PACKAGES],
            cwd=home,
        )
    return home / "node_modules/.bin"


def typed_examples(document: dict[str, Any]) -> str:
    """A TypeScript module declaring each request example of the document as its operation's request body type."""
    lines = ['import type { paths } from "./api";']
    for i, (method, path, example) in enumerate(request_examples(document)):
        if example is not None:
            body = f'NonNullable<paths[{json.dumps(path)}]["{method}"]["requestBody"]>["content"]["application/json"]'
            lines.append(f"export const request{i}: {body} = {json.dumps(example, ensure_ascii=False)};")
    return "\n".join(lines) + "\n"


def test_typescript_types_compile_and_type_every_request_example(spec: Path, tmp_path: Path) -> None:
    tools = typescript_tools()
    # --default-non-nullable false: a field with a default is optional in a request (v7 makes it required otherwise).
    run([f"{tools}/openapi-typescript", str(spec), "-o", "api.d.ts", "--default-non-nullable", "false"], cwd=tmp_path)
    document = json.loads(spec.read_text(encoding="utf-8"))
    (tmp_path / "examples.ts").write_text(typed_examples(document), encoding="utf-8")
    run([f"{tools}/tsc", "--noEmit", "--strict", "api.d.ts", "examples.ts"], cwd=tmp_path)
    assert "medinsurance__PharmacyEvaluationIn" in (tmp_path / "api.d.ts").read_text(encoding="utf-8")
