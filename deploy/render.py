"""Kubernetes manifests of a province's deployment, from its cities' deployment files.

    python -m deploy.render --cities lanzhou,pingliang --out deploy/out \\
        --image registry.example.gov.cn/zhaoshang:0.1.0 --host zhaoshang.example.gov.cn
    kubectl apply -f deploy/out/00-namespace.yaml ...   (the order: docs/deployment.md)

Plain manifests, one file per part (namespace, gateway, each city, the province), so an
operator reads and diffs what is applied; no Helm, no templating language. What they hold:

* **Configuration** per city from its TOML file, in a ConfigMap mounted at
  ``/etc/zhaoshang/config.toml``: the file as the city wrote it, with the cluster's Kafka (the
  bootstrap servers, replication 3, ``min.insync.replicas`` 2: core.relay.topic_configs) and
  without ``[database]`` (the URL carries a password: it comes from a Secret).
* **Secrets apart**: Secret objects are referenced by name (``secretKeyRef``), never rendered
  with values; the operator creates them (docs/deployment.md, "Secrets"). A city file that
  holds a secret itself (``[reminders] smtp_password``) is refused.
* Each city service (2 replicas behind a Service), its relay (2 replicas: one publishes, the
  other stands by on PostgreSQL's advisory lock, core/relay.py) and its scheduler (1 replica:
  the daily jobs must run once); the province API (2) and consumer (2, one consumer group);
  the gateway (2) behind an Ingress. Probes ``/livez`` and ``/readyz`` on the HTTP services,
  requests and limits on every container, a PodDisruptionBudget per replicated Deployment,
  a migration Job per database (named by a hash of image and configuration: a Job cannot be
  changed, a new one is made when either changes).
* PostgreSQL outside the cluster (one server or database per city, province and gateway),
  named in the cluster by an ExternalName Service ``postgres-<name>``.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.toml_writer import toml_text
from infra.suite import SuiteCity, SuiteError, parse_cities

CONFIG_DIR = "/etc/zhaoshang"
CONFIG_FILE = f"{CONFIG_DIR}/config.toml"
WORK_DIR = "/var/lib/zhaoshang"  # the services' working directory (var/): an emptyDir
CITY_PORT = 8000
PROVINCE_PORT = 8100
GATEWAY_PORT = 8000
PART_OF = "zhaoshang"

# The Secrets the manifests name, and the key each value is under (docs/deployment.md).
SIGNING_SECRET = "gateway-signing"  # ZHAOSHANG_GATEWAY_SECRET: every service and the gateway
JWT_SECRET = "gateway-jwt"  # ZHAOSHANG_JWT_SECRET: the gateway signs its tokens
SECRET_KEY = "secret"
URL_KEY = "url"  # a database Secret's key: the SQLAlchemy URL (postgresql+psycopg://…)


def database_secret(name: str) -> str:
    """The Secret holding the database URL of a city, ``province`` or ``gateway``."""
    return f"{name}-database"


def notification_secret(code: str) -> str:
    """A city's optional Secret of reminder credentials, every key an environment variable:
    ``ZHAOSHANG_SMTP_PASSWORD``, ``ZHAOSHANG_REMINDER_…`` webhook tokens (core.reminder_channels)."""
    return f"city-{code}-notifications"


class RenderError(ValueError):
    """The cities' files cannot be deployed as they are (the message says what to change)."""


@dataclass(frozen=True)
class Cluster:
    """What the manifests need to know of the cluster (the command's options)."""

    namespace: str = "zhaoshang"
    image: str = "zhaoshang:0.1.0"
    host: str = "zhaoshang.example.gov.cn"  # the gateway's Ingress host
    tls_secret: str = "zhaoshang-tls"
    kafka: str = ("kafka-0.kafka-headless.kafka.svc:9092,kafka-1.kafka-headless.kafka.svc:9092,"
                  "kafka-2.kafka-headless.kafka.svc:9092")
    replication: int = 3
    min_insync_replicas: int = 2
    # Where each database lives outside the cluster; ``{name}``: a city code, province, gateway.
    postgres_host: str = "{name}.postgres.example.gov.cn"
    # The gateways' shared rate-limit counters (gateway/config.py [limits] storage_uri).
    rate_limit_storage: str = "redis://redis:6379/0"


# --------------------------------------------------------------------------- building blocks


def labels(component: str, city: str | None = None) -> dict[str, str]:
    """The labels that select a component's pods (a Deployment's, its Service's, its PDB's)."""
    chosen = {"app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/component": component}
    if city:
        chosen["zhaoshang/city"] = city
    return chosen


def metadata(name: str, cluster: Cluster, chosen: dict[str, str] | None = None) -> dict[str, Any]:
    return {"name": name, "namespace": cluster.namespace,
            "labels": dict(chosen or {"app.kubernetes.io/part-of": PART_OF})}


def secret_env(variable: str, secret: str, key: str) -> dict[str, Any]:
    return {"name": variable, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def resources(cpu: str, memory: str, cpu_limit: str, memory_limit: str) -> dict[str, Any]:
    return {"requests": {"cpu": cpu, "memory": memory},
            "limits": {"cpu": cpu_limit, "memory": memory_limit}}


SERVICE_RESOURCES = resources("250m", "256Mi", "1", "1Gi")
WORKER_RESOURCES = resources("100m", "128Mi", "500m", "512Mi")


def http_probes(port: int) -> dict[str, Any]:
    """``/livez``: the process answers (a failing one is restarted); ``/readyz``: it can serve
    (database reachable, migrations done), else it gets no traffic (docs/observability.md)."""
    def probe(path: str, period: int) -> dict[str, Any]:
        return {"httpGet": {"path": path, "port": "http"}, "periodSeconds": period,
                "timeoutSeconds": 2, "failureThreshold": 3}

    return {"ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
            # Up to 5 minutes to start (a migration at start), then liveness takes over.
            "startupProbe": probe("/livez", 5) | {"failureThreshold": 60},
            "livenessProbe": probe("/livez", 10),
            "readinessProbe": probe("/readyz", 5)}


def container(name: str, cluster: Cluster, args: list[str], config_map: str,
              env: list[dict[str, Any]], limits: dict[str, Any], port: int | None = None,
              extra_env_from: str | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One container running ``zhaoshang <args>`` and the pod volumes it mounts."""
    spec: dict[str, Any] = {
        "name": name, "image": cluster.image, "command": ["zhaoshang", *args],
        "workingDir": WORK_DIR, "env": env, "resources": copy.deepcopy(limits),
        "volumeMounts": [{"name": "config", "mountPath": CONFIG_DIR, "readOnly": True},
                         {"name": "work", "mountPath": WORK_DIR},
                         {"name": "tmp", "mountPath": "/tmp"}],
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "capabilities": {"drop": ["ALL"]}},
    }
    if port is not None:
        spec |= http_probes(port)
    if extra_env_from:
        spec["envFrom"] = [{"secretRef": {"name": extra_env_from, "optional": True}}]
    volumes = [{"name": "config", "configMap": {"name": config_map}},
               {"name": "work", "emptyDir": {}}, {"name": "tmp", "emptyDir": {}}]
    return spec, volumes


def pod_spec(cluster: Cluster, main: tuple[dict[str, Any], list[dict[str, Any]]],
             restart: str = "Always") -> dict[str, Any]:
    spec, volumes = main
    return {"restartPolicy": restart, "containers": [spec], "volumes": volumes,
            "enableServiceLinks": False,
            # SIGTERM drains the requests in flight (core.graceful) within this time.
            "terminationGracePeriodSeconds": 30,
            "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001,
                                "seccompProfile": {"type": "RuntimeDefault"}}}


def deployment(name: str, cluster: Cluster, chosen: dict[str, str], replicas: int,
               pod: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {"replicas": replicas, "selector": {"matchLabels": dict(chosen)},
                            "template": {"metadata": {"labels": dict(chosen)}, "spec": pod}}
    if replicas > 1:
        # Never fewer ready pods than asked for during a rollout; replicas on different nodes.
        spec["strategy"] = {"type": "RollingUpdate",
                            "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}
        pod["affinity"] = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                                "labelSelector": {"matchLabels": dict(chosen)}}}]}}
    else:
        spec["strategy"] = {"type": "Recreate"}  # one at a time: never two schedulers
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": metadata(name, cluster, chosen), "spec": spec}


def disruption_budget(name: str, cluster: Cluster, chosen: dict[str, str]) -> dict[str, Any]:
    """A node drain leaves at least one pod of a replicated Deployment running."""
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": metadata(name, cluster, chosen),
            "spec": {"minAvailable": 1, "selector": {"matchLabels": dict(chosen)}}}


def service(name: str, cluster: Cluster, chosen: dict[str, str], port: int) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": metadata(name, cluster, chosen),
            "spec": {"selector": dict(chosen), "ports": [
                {"name": "http", "port": port, "targetPort": "http", "protocol": "TCP"}]}}


def replicated(name: str, cluster: Cluster, chosen: dict[str, str], replicas: int,
               pod: dict[str, Any]) -> list[dict[str, Any]]:
    """A Deployment, with its disruption budget when it has more than one replica."""
    documents = [deployment(name, cluster, chosen, replicas, pod)]
    if replicas > 1:
        documents.append(disruption_budget(name, cluster, chosen))
    return documents


def config_map(name: str, cluster: Cluster, chosen: dict[str, str], text: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata(name, cluster, chosen),
            "data": {"config.toml": text}}


def external_database(name: str, cluster: Cluster) -> dict[str, Any]:
    """``postgres-<name>``: the in-cluster name of a PostgreSQL that runs outside it."""
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": metadata(f"postgres-{name}", cluster, labels("database", None)),
            "spec": {"type": "ExternalName",
                     "externalName": cluster.postgres_host.format(name=name)}}


def migration_job(name: str, cluster: Cluster, chosen: dict[str, str], config_text: str,
                  main: tuple[dict[str, Any], list[dict[str, Any]]]) -> dict[str, Any]:
    """Migrate a database once before the new pods start (docs/deployment.md, "Migrations")."""
    digest = hashlib.sha256(f"{cluster.image}\n{config_text}".encode()).hexdigest()[:10]
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": metadata(f"migrate-{name}-{digest}", cluster, chosen),
            "spec": {"backoffLimit": 3, "ttlSecondsAfterFinished": 7 * 24 * 3600,
                     "template": {"metadata": {"labels": dict(chosen)},
                                  "spec": pod_spec(cluster, main, restart="OnFailure")}}}


# --------------------------------------------------------------------------- the parts


def city_config(city: SuiteCity, cluster: Cluster) -> str:
    """The city's deployment file as the cluster runs it."""
    raw = copy.deepcopy(city.raw)
    if raw.get("reminders", {}).get("smtp_password"):
        raise RenderError(f"{city.code}: {city.config} holds [reminders] smtp_password; put it in "
                          f"the Secret {notification_secret(city.code)} as ZHAOSHANG_SMTP_PASSWORD")
    raw.pop("database", None)  # DATABASE_URL, from the Secret
    raw["events"] = {**raw.get("events", {}), "bootstrap_servers": cluster.kafka,
                     "replication": cluster.replication,
                     "min_insync_replicas": cluster.min_insync_replicas}
    return (f"# {city.name}: rendered by deploy/render.py from {city.config.name}; the database "
            f"URL comes from the Secret {database_secret(city.code)}.\n" + toml_text(raw))


def city_manifests(city: SuiteCity, cluster: Cluster) -> list[dict[str, Any]]:
    code = city.code
    text = city_config(city, cluster)
    settings = f"city-{code}-config"
    env = [secret_env("DATABASE_URL", database_secret(code), URL_KEY),
           secret_env("ZHAOSHANG_GATEWAY_SECRET", SIGNING_SECRET, SECRET_KEY)]
    config = ["--config", CONFIG_FILE]

    def main(name: str, args: list[str], limits: dict[str, Any], port: int | None = None):
        return container(name, cluster, args, settings, copy.deepcopy(env), limits, port,
                         extra_env_from=notification_secret(code))

    serving, relaying, scheduling = (labels(part, code) for part in ("city", "relay", "scheduler"))
    serve = ["serve", *config, "--host", "0.0.0.0", "--port", str(CITY_PORT)]
    return [
        config_map(settings, cluster, labels("city", code), text),
        external_database(code, cluster),
        migration_job(code, cluster, labels("migration", code), text,
                      main("migrate", ["migrate", *config], WORKER_RESOURCES)),
        *replicated(f"city-{code}", cluster, serving, 2,
                    pod_spec(cluster, main("city", serve, SERVICE_RESOURCES, CITY_PORT))),
        service(f"city-{code}", cluster, serving, CITY_PORT),
        # Two relays: the one holding the city's advisory lock publishes, the other takes over
        # when it goes (core/relay.py, "Leadership").
        *replicated(f"relay-{code}", cluster, relaying, 2,
                    pod_spec(cluster, main("relay", ["relay", *config], WORKER_RESOURCES))),
        # One scheduler: nothing coordinates two, and the daily jobs must run once.
        *replicated(f"scheduler-{code}", cluster, scheduling, 1,
                    pod_spec(cluster, main("scheduler", ["schedule", *config], WORKER_RESOURCES))),
    ]


def province_config(cities: Sequence[SuiteCity], cluster: Cluster) -> str:
    prefixes = {city.topic_prefix for city in cities}
    if len(prefixes) != 1:
        raise RenderError(f"one province reads one topic prefix; the cities use {sorted(prefixes)}")
    raw = {"province": {"code": "province", "name": "全省"},
           "cities": {"collect": [city.code for city in cities],
                      "names": {city.code: city.name for city in cities}},
           "kafka": {"bootstrap_servers": cluster.kafka, "topic_prefix": prefixes.pop(),
                     "group_id": "zhaoshang-province",
                     "dead_letter_replication": cluster.replication}}
    return ("# The province: rendered by deploy/render.py; the database URL comes from the "
            f"Secret {database_secret('province')}.\n" + toml_text(raw))


def province_manifests(cities: Sequence[SuiteCity], cluster: Cluster) -> list[dict[str, Any]]:
    text = province_config(cities, cluster)
    settings = "province-config"
    env = [secret_env("PROVINCE_DATABASE_URL", database_secret("province"), URL_KEY),
           secret_env("ZHAOSHANG_GATEWAY_SECRET", SIGNING_SECRET, SECRET_KEY)]
    config = ["--config", CONFIG_FILE]

    def main(name: str, args: list[str], limits: dict[str, Any], port: int | None = None):
        return container(name, cluster, args, settings, copy.deepcopy(env), limits, port)

    api, consumer = labels("province-api"), labels("province-consumer")
    serve = ["serve", "province", *config, "--host", "0.0.0.0", "--port", str(PROVINCE_PORT)]
    return [
        config_map(settings, cluster, api, text),
        external_database("province", cluster),
        migration_job("province", cluster, labels("migration", "province"), text,
                      main("migrate", ["province", "migrate", *config], WORKER_RESOURCES)),
        *replicated("province-api", cluster, api, 2,
                    pod_spec(cluster, main("api", serve, SERVICE_RESOURCES, PROVINCE_PORT))),
        service("province-api", cluster, api, PROVINCE_PORT),
        # Two consumers in one group share the city topics' partitions; either takes all.
        *replicated("province-consumer", cluster, consumer, 2, pod_spec(
            cluster, main("consumer", ["province", "consume", *config], SERVICE_RESOURCES))),
    ]


def gateway_config(cities: Sequence[SuiteCity], cluster: Cluster) -> str:
    raw = {"gateway": {"trusted_proxies": 1},  # the Ingress controller in front
           "limits": {"storage_uri": cluster.rate_limit_storage},
           "province": {"url": f"http://province-api:{PROVINCE_PORT}"},
           # One address per city: its Service spreads requests over the ready replicas.
           "cities": [{"code": city.code, "name": city.name,
                       "url": f"http://city-{city.code}:{CITY_PORT}"} for city in cities]}
    return ("# The gateway: rendered by deploy/render.py; its database URL and secrets come from "
            "Secrets.\n" + toml_text(raw))


def gateway_manifests(cities: Sequence[SuiteCity], cluster: Cluster) -> list[dict[str, Any]]:
    text = gateway_config(cities, cluster)
    chosen = labels("gateway")
    env = [secret_env("ZHAOSHANG_GATEWAY_DATABASE_URL", database_secret("gateway"), URL_KEY),
           secret_env("ZHAOSHANG_GATEWAY_SECRET", SIGNING_SECRET, SECRET_KEY),
           secret_env("ZHAOSHANG_JWT_SECRET", JWT_SECRET, SECRET_KEY)]
    serve = ["gateway", "serve", "--config", CONFIG_FILE, "--host", "0.0.0.0",
             "--port", str(GATEWAY_PORT)]
    main = container("gateway", cluster, serve, "gateway-config", env, SERVICE_RESOURCES,
                     GATEWAY_PORT)
    ingress = {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": metadata("gateway", cluster, chosen),
        "spec": {"tls": [{"hosts": [cluster.host], "secretName": cluster.tls_secret}],
                 "rules": [{"host": cluster.host, "http": {"paths": [{
                     "path": "/", "pathType": "Prefix",
                     "backend": {"service": {"name": "gateway", "port": {"name": "http"}}}}]}}]},
    }
    return [config_map("gateway-config", cluster, chosen, text),
            external_database("gateway", cluster),
            *replicated("gateway", cluster, chosen, 2, pod_spec(cluster, main)),
            service("gateway", cluster, chosen, GATEWAY_PORT), ingress]


def render(cities: Sequence[SuiteCity], cluster: Cluster) -> dict[str, list[dict[str, Any]]]:
    """File name → its documents, in the order they are applied."""
    namespace = {"apiVersion": "v1", "kind": "Namespace",
                 "metadata": {"name": cluster.namespace,
                              "labels": {"app.kubernetes.io/part-of": PART_OF}}}
    files = {"00-namespace.yaml": [namespace],
             "10-province.yaml": province_manifests(cities, cluster)}
    files |= {f"20-city-{city.code}.yaml": city_manifests(city, cluster) for city in cities}
    files["30-gateway.yaml"] = gateway_manifests(cities, cluster)
    return files


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (the configuration files) as literal blocks, readable as TOML."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(documents: list[dict[str, Any]]) -> str:
    return yaml.dump_all(documents, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                         width=100)


def write(files: dict[str, list[dict[str, Any]]], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, documents in files.items():
        path = out / name
        path.write_text(dump(documents), encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    defaults = Cluster()
    parser = argparse.ArgumentParser(prog="python -m deploy.render", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--cities", required=True,
                        help="codes of installed cities or code=<deployment file>, comma-separated")
    parser.add_argument("--out", required=True, type=Path, help="directory for the manifests")
    for option in ("namespace", "image", "host", "tls_secret", "kafka", "postgres_host",
                   "rate_limit_storage"):
        parser.add_argument(f"--{option.replace('_', '-')}", default=getattr(defaults, option))
    parser.add_argument("--replication", type=int, default=defaults.replication)
    parser.add_argument("--min-insync-replicas", type=int, default=defaults.min_insync_replicas)
    args = parser.parse_args(argv)
    cluster = Cluster(**{key: value for key, value in vars(args).items()
                         if key not in ("cities", "out")})
    try:
        written = write(render(parse_cities(args.cities), cluster), args.out)
    except (SuiteError, RenderError) as exc:
        print(f"deploy.render: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
