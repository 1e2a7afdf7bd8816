"""The Kubernetes manifests ``python -m deploy.render`` writes for a two-city province: valid
against the Kubernetes schemas (kubernetes-validate ships them: no network), and what an
operator relies on — probes, resources, secrets only by reference, a disruption budget for
every replicated Deployment, the replicated Kafka settings, configuration the services load."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from core.config import load_deployment
from core.relay import topic_configs
from deploy import render
from gateway.config import load_settings
from infra.suite import parse_cities
from province.config import build_config

# A Kubernetes release the schemas of the installed kubernetes-validate cover.
KUBERNETES = "1.33.0"
SECRET_LIKE = ("SECRET", "PASSWORD", "TOKEN", "DATABASE_URL")


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    out = tmp_path_factory.mktemp("manifests")
    assert render.main(["--cities", "lanzhou,pingliang", "--out", str(out)]) == 0
    return [document for path in sorted(out.glob("*.yaml"))
            for document in yaml.safe_load_all(path.read_text(encoding="utf-8"))]


def of_kind(documents: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in documents if doc["kind"] == kind}


def pod_specs(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [doc["spec"]["template"]["spec"] for doc in documents
            if doc["kind"] in ("Deployment", "Job")]


def test_every_document_is_valid_against_the_kubernetes_schemas(documents):
    for document in documents:
        kubernetes_validate.validate(document, KUBERNETES, strict=True)
    deployments = of_kind(documents, "Deployment")
    assert sorted(deployments) == [
        "city-lanzhou", "city-pingliang", "gateway", "province-api", "province-consumer",
        "relay-lanzhou", "relay-pingliang", "scheduler-lanzhou", "scheduler-pingliang"]
    replicas = {name: doc["spec"]["replicas"] for name, doc in deployments.items()}
    assert min(replicas[name] for name in ("gateway", "city-lanzhou", "city-pingliang")) >= 2
    # The schedulers run their daily jobs once: one pod, never two during a rollout.
    assert replicas["scheduler-lanzhou"] == 1
    assert deployments["scheduler-lanzhou"]["spec"]["strategy"] == {"type": "Recreate"}
    assert sorted(of_kind(documents, "Job")) and all(
        name.startswith(("migrate-lanzhou-", "migrate-pingliang-", "migrate-province-"))
        for name in of_kind(documents, "Job"))
    assert of_kind(documents, "Ingress")["gateway"]["spec"]["rules"][0]["http"]["paths"][0][
        "backend"]["service"]["name"] == "gateway"


def test_http_services_have_probes_and_every_container_has_resources(documents):
    for spec in pod_specs(documents):
        for container in spec["containers"]:
            assert set(container["resources"]["requests"]) == {"cpu", "memory"}
            assert set(container["resources"]["limits"]) == {"cpu", "memory"}
    for name in ("gateway", "city-lanzhou", "city-pingliang", "province-api"):
        container = of_kind(documents, "Deployment")[name]["spec"]["template"]["spec"][
            "containers"][0]
        assert container["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "http"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        service = of_kind(documents, "Service")[name]
        assert service["spec"]["selector"] == of_kind(documents, "Deployment")[name]["spec"][
            "selector"]["matchLabels"]


def test_secrets_are_referenced_never_inlined(documents):
    assert not of_kind(documents, "Secret")
    for spec in pod_specs(documents):
        for container in spec["containers"]:
            for variable in container["env"]:
                if any(word in variable["name"] for word in SECRET_LIKE):
                    assert "value" not in variable and variable["valueFrom"]["secretKeyRef"]
    # No configuration file names a database URL or a password: they come from the Secrets.
    for config in of_kind(documents, "ConfigMap").values():
        text = config["data"]["config.toml"]
        assert "postgresql" not in text and "password" not in text.lower()


def test_every_replicated_deployment_has_a_disruption_budget_selecting_its_pods(documents):
    budgets = of_kind(documents, "PodDisruptionBudget")
    replicated = {name: doc for name, doc in of_kind(documents, "Deployment").items()
                  if doc["spec"]["replicas"] > 1}
    assert sorted(budgets) == sorted(replicated)
    for name, deployment in replicated.items():
        assert budgets[name]["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"][
            "matchLabels"] == deployment["spec"]["template"]["metadata"]["labels"]
        assert budgets[name]["spec"]["minAvailable"] < deployment["spec"]["replicas"]


def test_the_rendered_configuration_loads_and_asks_for_a_replicated_kafka(documents, tmp_path):
    configs = {name: doc["data"]["config.toml"] for name, doc in
               of_kind(documents, "ConfigMap").items()}
    for code in ("lanzhou", "pingliang"):
        city = load_deployment(tomllib.loads(configs[f"city-{code}-config"]))
        assert (city["events"]["replication"], city["events"]["min_insync_replicas"]) == (3, 2)
        assert topic_configs(city["events"])["min.insync.replicas"] == "2"
    province = build_config(tomllib.loads(configs["province-config"]))
    assert province.cities == ["lanzhou", "pingliang"]
    assert province.dead_letter_replication == 3
    path = tmp_path / "gateway.toml"
    path.write_text(configs["gateway-config"], encoding="utf-8")
    gateway = load_settings(path, var_dir=tmp_path)
    assert {code: target.url for code, target in gateway.cities.items()} == {
        "lanzhou": "http://city-lanzhou:8000", "pingliang": "http://city-pingliang:8000"}


def test_a_city_file_holding_a_secret_is_refused(tmp_path, capsys):
    source = Path(render.__file__).resolve().parent.parent / "plugins" / "lanzhou" / "config.toml"
    leaky = tmp_path / "config.toml"
    leaky.write_text(source.read_text(encoding="utf-8")
                     + '\n[reminders]\nsmtp_password = "hunter2"\n', encoding="utf-8")
    assert render.main(["--cities", f"lanzhou={leaky}", "--out", str(tmp_path / "out")]) == 2
    assert "ZHAOSHANG_SMTP_PASSWORD" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    # The same file without the password renders.
    assert render.render(parse_cities(f"lanzhou={source}"), render.Cluster())


def test_the_gateway_takes_its_database_url_from_the_environment(documents, tmp_path, monkeypatch):
    # The rendered gateway file names no database: the URL (with its password) is a Secret's.
    path = tmp_path / "gateway.toml"
    path.write_text(of_kind(documents, "ConfigMap")["gateway-config"]["data"]["config.toml"],
                    encoding="utf-8")
    url = "postgresql+psycopg://gateway:pw@postgres-gateway/gateway"
    monkeypatch.setenv("ZHAOSHANG_GATEWAY_DATABASE_URL", url)
    assert load_settings(path, var_dir=tmp_path).database_url == url
