"""The Dockerfile (linted by hadolint from its wheel) and docker-compose.yml (parsed: no Docker engine here)."""

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from dogs.settings import DogsSettings
from expropriation.settings import ExpropriationSettings
from gateway.main import identity_signing_key
from gateway.settings import GatewaySettings
from medinsurance.settings import MedinsuranceSettings
from qz_common.metrics import BUILD_COMMIT_VARIABLE, BUILD_VERSION_VARIABLE
from qz_common.pii import KeyRing
from qz_common.settings import PlatformSettings, ServiceSettings
from science.settings import ScienceSettings

REPO = Path(__file__).resolve().parents[2]
HADOLINT = Path(sys.executable).parent / "hadolint"
DOCKERFILE = REPO / "deploy" / "Dockerfile"
# name -> (source folder, port)
DEPLOYABLES = {
    "gateway": ("gateway", "8000"),
    "expropriation": ("services/expropriation", "8001"),
    "medinsurance": ("services/medinsurance", "8002"),
    "science": ("services/science", "8003"),
    "dogs": ("services/dogs", "8004"),
}

SETTINGS: dict[str, type[ServiceSettings]] = {
    "gateway": GatewaySettings,
    "expropriation": ExpropriationSettings,
    "medinsurance": MedinsuranceSettings,
    "science": ScienceSettings,
    "dogs": DogsSettings,
}
PII_FIELDS = [name for name in ServiceSettings.model_fields if name.startswith("pii_")]


def pii_variables(deployable: str) -> list[str]:
    prefix = str(SETTINGS[deployable].model_config["env_prefix"])
    return [f"{prefix}{field}".upper() for field in PII_FIELDS]


def test_the_dockerfile_passes_hadolint_and_builds_the_way_production_needs() -> None:
    lint = subprocess.run([str(HADOLINT), str(DOCKERFILE)], capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    text = DOCKERFILE.read_text()
    bases = re.findall(r"^FROM (\S+)", text, re.MULTILINE)
    assert bases == ["${BASE_IMAGE}", "${BASE_IMAGE}"], "a build stage and a runtime stage, from one base"
    assert re.search(r":\d+\.\d+\.\d+-", dockerfile_args(text, "global")["BASE_IMAGE"]), "pinned to a patch release"
    assert "-c /src/deploy/constraints.txt" in text
    assert "COPY --from=build /opt/venv /opt/venv" in text
    assert re.search(r"^USER 10001:10001$", text, re.MULTILINE)


def dockerfile_args(text: str, stage: str) -> dict[str, str | None]:
    """The ARGs (with their defaults) declared before the first FROM ("global"), in the "build" or "runtime" stage."""
    parts = re.split(r"^FROM .*$", text, flags=re.MULTILINE)
    scope = dict(zip(("global", "build", "runtime"), parts, strict=True))[stage]
    declared = re.findall(r"^ARG (\w+)(?:=(\S*))?$", scope, flags=re.MULTILINE)
    return {name: default or None for name, default in declared}


def test_images_build_from_a_domestic_registry_and_mirror_with_the_defaults_unchanged() -> None:
    """政务云 builds pass --build-arg BASE_IMAGE=… and PIP_INDEX_URL=… (docs/OPERATIONS.md); without them the
    image is built from Docker Hub's python image and PyPI as before."""
    text = DOCKERFILE.read_text()
    assert dockerfile_args(text, "global") == {"BASE_IMAGE": "python:3.11.14-slim-bookworm"}
    build = dockerfile_args(text, "build")
    # declared in the stage that runs pip: a build argument is in the environment of that stage's RUN steps,
    # and pip reads PIP_INDEX_URL from the environment
    assert build["PIP_INDEX_URL"] == "https://pypi.org/simple/"
    stage = re.split(r"^FROM .*$", text, flags=re.MULTILINE)[1]
    assert stage.index("ARG PIP_INDEX_URL") < stage.index("pip install")
    assert "PIP_INDEX_URL" not in dockerfile_args(text, "runtime"), "the mirror is not baked into the image"


def test_the_build_is_named_in_the_image_for_the_build_info_metric() -> None:
    text = DOCKERFILE.read_text()
    runtime = dockerfile_args(text, "runtime")
    assert (runtime["VERSION"], runtime["COMMIT"]) == ("unknown", "unknown")
    environment = " ".join(re.findall(r"^ENV ((?:.*\\\n)*.*)$", text, flags=re.MULTILINE))
    assert f"{BUILD_VERSION_VARIABLE}=${{VERSION}}" in environment
    assert f"{BUILD_COMMIT_VARIABLE}=${{COMMIT}}" in environment


def test_dockerignore_keeps_personal_data_tests_and_virtualenvs_out_of_the_build_context() -> None:
    ignored = set((REPO / ".dockerignore").read_text().split())
    assert {"**/.venv", "**/var", "tests"} <= ignored


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((REPO / "docker-compose.yml").read_text()))


def test_every_container_has_a_healthcheck_and_limits(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        has_check = "healthcheck" in service or ("HEALTHCHECK" in DOCKERFILE.read_text() and "build" in service)
        assert has_check, name
        assert {"cpus", "memory"} <= service["deploy"]["resources"]["limits"].keys(), name


def test_each_image_is_built_from_the_one_dockerfile_for_its_deployable(compose: dict[str, Any]) -> None:
    for name, (source, port) in DEPLOYABLES.items():
        build = compose["services"][name]["build"]
        assert (build["context"], build["dockerfile"]) == (".", "deploy/Dockerfile")
        assert (build["args"]["DEPLOYABLE"], build["args"]["SOURCE"], build["args"]["PORT"]) == (name, source, port)
        assert (REPO / source / "pyproject.toml").is_file()


def test_containers_wait_for_what_they_need_to_be_healthy(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert condition == {"condition": "service_healthy"}, (name, dependency)
    assert set(compose["services"]["gateway"]["depends_on"]) == set(compose["services"]) - {"gateway"}


def test_each_deployable_connects_with_its_own_role_never_the_superuser(compose: dict[str, Any]) -> None:
    sql = (REPO / "deploy" / "postgres" / "create-databases.sql").read_text()
    for bureau in DEPLOYABLES:
        url = compose["services"][bureau]["environment"][f"{bureau.upper()}_DATABASE_URL"]
        assert url.startswith(f"postgresql://{bureau}:${{{bureau.upper()}_DB_PASSWORD}}@postgres:5432/{bureau}")
        assert f"CREATE ROLE {bureau} LOGIN PASSWORD :'{bureau}_password';" in sql
        assert f"CREATE DATABASE {bureau} OWNER {bureau};" in sql
    assert "://postgres:" not in yaml.safe_dump(compose["services"])


def test_dog_photos_live_on_a_volume_the_image_user_owns(compose: dict[str, Any]) -> None:
    dogs = compose["services"]["dogs"]
    assert "dog-photos:/srv/photos" in dogs["volumes"]
    assert dogs["environment"]["DOGS_PHOTO_DIR"] == "/srv/photos"
    assert dogs["build"]["args"]["DATA_DIRS"].split() == ["/srv/var", "/srv/photos"]
    assert "mkdir -p ${DATA_DIRS} && chown app:app ${DATA_DIRS}" in DOCKERFILE.read_text()


def test_only_the_gateway_gets_the_identity_private_key(compose: dict[str, Any]) -> None:
    for name in DEPLOYABLES:
        env = compose["services"][name]["environment"]
        assert env["QZ_IDENTITY_PUBLIC_KEYS"] == "${QZ_IDENTITY_PUBLIC_KEYS:?set QZ_IDENTITY_PUBLIC_KEYS}", name
        assert "QZ_INTERNAL_TOKEN_SECRET" not in env, "no secret is shared by every deployable"
        signing = {setting for setting in env if setting.startswith("GATEWAY_IDENTITY_")}
        assert signing == ({"GATEWAY_IDENTITY_KEY_ID", "GATEWAY_IDENTITY_PRIVATE_KEY"} if name == "gateway" else set())


def test_each_deployable_seals_personal_data_with_keys_of_its_own_that_compose_requires(
    compose: dict[str, Any],
) -> None:
    """Compose runs outside dev mode, where the built-in personal-data keys are refused: each deployable gets its
    own (a missing one stops `docker compose up` naming it), the cipher defaulting to SM4-GCM, and none another's."""
    assert compose["services"]["dogs"]["environment"]["QZ_DEV_MODE"] == "false"
    for name in DEPLOYABLES:
        env = compose["services"][name]["environment"]
        cipher, *keys = pii_variables(name)
        assert {setting for setting in env if "_PII_" in setting} == {cipher, *keys}, name
        assert env[cipher] == f"${{{cipher}:-sm4-gcm}}"
        for setting in keys:
            assert env[setting] == f"${{{setting}:?set {setting}}}", setting


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the recipe uses openssl")
def test_the_personal_data_key_recipe_of_the_compose_header_makes_keys_each_deployable_accepts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The loop at the top of docker-compose.yml making each deployable's keys, run as an operator would."""
    header = (REPO / "docker-compose.yml").read_text().split("\n\n", 1)[0]
    [loop] = re.findall(r"^#   (for role in .*personal-data keys.*\n(?:#     .*\n)+#   done)$", header, re.MULTILINE)
    recipe = loop.replace("\n#   ", "\n").replace("\n#     ", "\n  ")
    variables = [variable for name in DEPLOYABLES for variable in pii_variables(name)[1:]]
    show = "".join(f'printf "%s\\0" "${variable}"; ' for variable in variables)
    ran = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", f"{recipe}\n{show}"], capture_output=True, text=True, check=True
    )
    for variable, value in zip(variables, ran.stdout.split("\0")[:-1], strict=True):
        monkeypatch.setenv(variable, value)
    index_keys = set()
    for name, settings in SETTINGS.items():
        ring = KeyRing.from_settings(settings(database_url="sqlite://"), dev_mode=False)
        assert ring.cipher == "sm4-gcm" and ring.active_kid == "2026a", name
        index_keys.add(ring.index_key)
    assert len(index_keys) == len(SETTINGS), "no deployable shares another's keys"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the recipe uses openssl")
def test_the_key_recipe_of_the_compose_header_makes_keys_the_platform_accepts(tmp_path: Path) -> None:
    """The openssl lines at the top of docker-compose.yml, run as an operator would, give settings that start."""
    header = (REPO / "docker-compose.yml").read_text().split("\n\n", 1)[0].splitlines()
    recipe = [line.removeprefix("#   ") for line in header if "IDENTITY" in line or "ed25519" in line]
    assert len(recipe) == 3, recipe
    settings = ["QZ_IDENTITY_PUBLIC_KEYS", "GATEWAY_IDENTITY_KEY_ID", "GATEWAY_IDENTITY_PRIVATE_KEY"]
    show = "".join(f'printf "%s\\0" "${name}"; ' for name in settings)
    ran = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", "\n".join([*recipe, show])],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    public_keys, kid, private_key = ran.stdout.split("\0")[:3]
    platform = PlatformSettings(dev_mode=False, identity_public_keys=json.loads(public_keys))
    gateway = GatewaySettings(database_url="sqlite://", identity_key_id=kid, identity_private_key=private_key)
    assert identity_signing_key(gateway, platform).kid == kid == dt.date.today().strftime("%Y%m%d")


def test_the_first_hours_build_loop_builds_each_image_as_compose_does(compose: dict[str, Any]) -> None:
    """docs/OPERATIONS.md builds the five images by hand: with the same arguments as docker-compose.yml."""
    text = (REPO / "docs" / "OPERATIONS.md").read_text()
    section = text.split("\n## An operator's first hour\n", 1)[1].split("\n## ", 1)[0]
    [loop] = re.findall(r"<<'END'\n(.*?)\nEND\n", section, flags=re.DOTALL)
    built = {}
    for line in loop.splitlines():
        name, source, port, *data_dirs = line.split()
        built[name] = {"DEPLOYABLE": name, "SOURCE": source, "PORT": port, "DATA_DIRS": " ".join(data_dirs)}
    default_data_dirs = dockerfile_args(DOCKERFILE.read_text(), "runtime")["DATA_DIRS"]
    for name in DEPLOYABLES:
        args = compose["services"][name]["build"]["args"]
        assert built[name] == {"DATA_DIRS": default_data_dirs} | args, name
