"""A real Apache Kafka (KRaft) on loopback, from Maven Central jars -- no Docker needed.

Used by `make up`, the test-suite and CI::

    python -m infra.kafka_cluster fetch                      # only download the jars
    python -m infra.kafka_cluster start --nodes 1 --port 9092 --dir var/kafka/run

and from Python::

    with KafkaCluster(nodes=3, base_dir=tmp_path) as cluster:
        cluster.create_topic("events", partitions=3, replication=3)
        producer = KafkaProducer(bootstrap_servers=cluster.bootstrap_servers, acks="all")

Every node runs broker and controller in one JVM (``process.roles=broker,controller``), all
nodes are voters of the controller quorum (static ``controller.quorum.voters``) and share one
cluster id. Node ids are 0..nodes-1 and double as the index used by ``stop_node``/``start_node``.
A node's data directory is formatted once; restarting a node reuses it.

Stdlib plus kafka-python only (and :mod:`core.clock`, the suite's one clock, for the time
stamped in the logs).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from core.clock import utcnow
from core.loopback_ports import free_ports
from infra.local_servers import serve_in_foreground

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KAFKA_INFRA_DIR = PROJECT_ROOT / "infra" / "kafka"
POM_FILE = KAFKA_INFRA_DIR / "pom.xml"
LOG4J_CONFIG = KAFKA_INFRA_DIR / "log4j2.properties"
DEFAULT_LIB_DIR = Path("var/kafka/libs")
DEFAULT_RUN_DIR = Path("var/kafka/run")
JARS_MARKER = ".jars-complete"

BROKER_HEAP = ("256m", "512m")  # -Xms, -Xmx per node
TOOL_JVM_OPTS = ("-Xms64m", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
BROKER_JVM_OPTS = (
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-Djava.awt.headless=true",
)
# C1 only: a 3-node cluster on 2 CPUs is ready in ~5.5 s instead of ~9.5 s (JIT threads of three
# JVMs compete at startup); peak throughput is lower, which tests and `make up` do not notice.
QUICK_START_JVM_OPTS = ("-XX:TieredStopAtLevel=1",)
_CLUSTER_ID_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")


class KafkaSetupError(RuntimeError):
    """Java/Maven missing, or the jars could not be fetched."""


class KafkaStartError(RuntimeError):
    """A broker did not start or did not become ready in time (message has its log tail)."""


# --------------------------------------------------------------------------- helpers


def _project_path(path: Path | str) -> Path:
    """Relative paths are relative to the project root, not to the current directory."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else PROJECT_ROOT / p


def _require_tool(name: str, hint: str) -> str:
    found = shutil.which(name)
    if not found:
        raise KafkaSetupError(f"`{name}` was not found on PATH; {hint}")
    return found


def _java() -> str:
    return _require_tool(
        "java",
        "the local Kafka needs Java 17+ (Debian: apt-get install -y openjdk-17-jre-headless).",
    )


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _pom_digest() -> str:
    return hashlib.sha256(POM_FILE.read_bytes()).hexdigest()


def jars_present(lib_dir: Path | str = DEFAULT_LIB_DIR) -> bool:
    """True when `lib_dir` holds a complete fetch for the current infra/kafka/pom.xml."""
    marker = _project_path(lib_dir) / JARS_MARKER
    try:
        return marker.read_text().strip() == _pom_digest()
    except OSError:
        return False


def ensure_jars(lib_dir: Path = DEFAULT_LIB_DIR) -> Path:
    """Make sure the Kafka jars are in `lib_dir` (relative to the project root); return it.

    Runs ``mvn dependency:copy-dependencies`` only when the marker file is missing or was
    written for a different pom. Maven caches in ~/.m2, so only the very first fetch downloads.
    Safe against concurrent callers (file lock); the copy lands in a temporary directory that
    replaces `lib_dir` only when complete.
    """
    lib_dir = _project_path(lib_dir)
    if jars_present(lib_dir):
        return lib_dir
    with _file_lock(lib_dir.parent / f".{lib_dir.name}.lock"):
        if jars_present(lib_dir):
            return lib_dir
        mvn = _require_tool(
            "mvn",
            "the Kafka jars are fetched from Maven Central with Maven "
            "(Debian: apt-get install -y maven).",
        )
        tmp = lib_dir.with_name(f".{lib_dir.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        cmd = [
            mvn, "-q", "-B", "-f", str(POM_FILE), "dependency:copy-dependencies",
            "-DincludeScope=runtime", f"-DoutputDirectory={tmp}",
        ]
        print(f"[kafka] fetching jars: {' '.join(cmd)}", file=sys.stderr, flush=True)
        proc = subprocess.run(
            cmd, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        if proc.returncode != 0 or not list(tmp.glob("kafka_2.13-*.jar")):
            shutil.rmtree(tmp, ignore_errors=True)
            tail = "\n".join(proc.stdout.splitlines()[-40:])
            raise KafkaSetupError(
                f"fetching the Kafka jars failed (mvn exit {proc.returncode}); is Maven Central "
                f"reachable?\n{tail}"
            )
        shutil.rmtree(lib_dir, ignore_errors=True)
        tmp.rename(lib_dir)
        (lib_dir / JARS_MARKER).write_text(_pom_digest() + "\n")
    return lib_dir


def _tail(path: Path, lines: int = 40) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 64 * 1024))
            data = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(data.splitlines()[-lines:])


def _tool_cmd(lib_dir: Path, main: str, *args: str) -> list[str]:
    # No log4j2 config: Log4j2's default prints only ERRORs to the console.
    return [_java(), *TOOL_JVM_OPTS, "-cp", f"{lib_dir}/*", main, *args]


# Brokers still running when the interpreter exits are killed, so a crashed test session does
# not leave JVMs holding ports and memory (see also die_with_parent).
_LIVE: set[subprocess.Popen[bytes]] = set()


@atexit.register
def _kill_leftovers() -> None:
    for proc in list(_LIVE):
        if proc.poll() is None:
            proc.kill()
            with contextlib.suppress(Exception):
                proc.wait(5)


# --------------------------------------------------------------------------- cluster


class KafkaCluster:
    """`nodes` KRaft nodes (broker+controller each) on 127.0.0.1, data under `base_dir`.

    Layout of `base_dir`::

        cluster.json                 cluster id and node count (a reused dir must match)
        node-<id>/server.properties
        node-<id>/data/              log.dirs (meta.properties once formatted)
        node-<id>/logs/server.log    log4j2 output
        node-<id>/stdout.log         the JVM's stdout/stderr

    `ports` are the client (PLAINTEXT) ports, one per node; `controller_ports` likewise for the
    CONTROLLER listener. Either defaults to free loopback ports picked at construction time.
    """

    def __init__(
        self,
        nodes: int = 1,
        base_dir: Path | str = DEFAULT_RUN_DIR,
        ports: Sequence[int] | None = None,
        *,
        controller_ports: Sequence[int] | None = None,
        lib_dir: Path | str = DEFAULT_LIB_DIR,
        extra_config: Mapping[str, object] | None = None,
        heap: tuple[str, str] = BROKER_HEAP,
        quick_start: bool = True,
        die_with_parent: bool = True,
    ) -> None:
        if nodes < 1:
            raise ValueError("nodes must be >= 1")
        self.nodes = nodes
        self.base_dir = _project_path(base_dir)
        self.lib_dir = _project_path(lib_dir)
        first = free_ports(2 * nodes)  # brokers, then their controller listeners
        picked = list(range(first, first + 2 * nodes))
        self.ports = list(ports) if ports is not None else picked[:nodes]
        self.controller_ports = (
            list(controller_ports) if controller_ports is not None else picked[nodes:]
        )
        if len(self.ports) != nodes or len(self.controller_ports) != nodes:
            raise ValueError("ports and controller_ports need exactly one entry per node")
        if len(set(self.ports + self.controller_ports)) != 2 * nodes:
            raise ValueError("ports and controller_ports must all be distinct")
        self.extra_config = dict(extra_config or {})
        self.heap = heap
        self.quick_start = quick_start
        self.die_with_parent = die_with_parent
        self.replication_factor = min(3, nodes)
        self.min_insync_replicas = 2 if nodes >= 3 else 1
        self.cluster_id: str | None = None
        self._procs: dict[int, subprocess.Popen[bytes]] = {}
        self._logs: dict[int, IO[bytes]] = {}

    # ----------------------------------------------------------------- properties

    @property
    def bootstrap_servers(self) -> str:
        """``127.0.0.1:<port>,...`` for every node."""
        return ",".join(f"127.0.0.1:{p}" for p in self.ports)

    def node_dir(self, i: int) -> Path:
        return self.base_dir / f"node-{i}"

    def data_dir(self, i: int) -> Path:
        return self.node_dir(i) / "data"

    def log_file(self, i: int) -> Path:
        """The broker's log4j2 log (``server.log``)."""
        return self.node_dir(i) / "logs" / "server.log"

    def is_running(self, i: int) -> bool:
        proc = self._procs.get(i)
        return proc is not None and proc.poll() is None

    def pid(self, i: int) -> int | None:
        return self._procs[i].pid if self.is_running(i) else None

    # ----------------------------------------------------------------- config

    def server_properties(self, i: int) -> dict[str, str]:
        rf, isr = self.replication_factor, self.min_insync_replicas
        voters = ",".join(f"{n}@127.0.0.1:{p}" for n, p in enumerate(self.controller_ports))
        props: dict[str, object] = {
            "process.roles": "broker,controller",
            "node.id": i,
            "controller.quorum.voters": voters,
            "listeners": f"PLAINTEXT://127.0.0.1:{self.ports[i]},"
            f"CONTROLLER://127.0.0.1:{self.controller_ports[i]}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.ports[i]}",
            "inter.broker.listener.name": "PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": self.data_dir(i),
            "auto.create.topics.enable": "false",
            "num.partitions": 1,
            "default.replication.factor": rf,
            "min.insync.replicas": isr,
            "unclean.leader.election.enable": "false",
            "offsets.topic.replication.factor": rf,
            "offsets.topic.num.partitions": 10,
            "transaction.state.log.replication.factor": rf,
            "transaction.state.log.min.isr": isr,
            "transaction.state.log.num.partitions": 10,
            "share.coordinator.state.topic.replication.factor": rf,
            "share.coordinator.state.topic.min.isr": isr,
            "share.coordinator.state.topic.num.partitions": 10,
            "group.initial.rebalance.delay.ms": 0,
            # Fence a dead node (and drop it from ISRs) after 4 s instead of 9 s.
            "broker.heartbeat.interval.ms": 500,
            "broker.session.timeout.ms": 4000,
            "num.network.threads": 2,
            "num.io.threads": 4,
            "num.recovery.threads.per.data.dir": 1,
            # Look for segments past their retention every 2 s instead of every 5 min, so a
            # test can watch the broker's time-based deletion (cheap on small local logs).
            "log.retention.check.interval.ms": 2000,
        }
        props.update(self.extra_config)
        return {k: str(v) for k, v in props.items()}

    def _write_properties(self, i: int) -> Path:
        path = self.node_dir(i) / "server.properties"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"{k}={v}\n" for k, v in self.server_properties(i).items())
        path.write_text(f"# written by infra/kafka_cluster.py -- node {i}\n{body}")
        return path

    def _is_formatted(self, i: int) -> bool:
        return (self.data_dir(i) / "meta.properties").is_file()

    def _formatted_cluster_id(self) -> str | None:
        for i in range(self.nodes):
            meta = self.data_dir(i) / "meta.properties"
            if meta.is_file():
                for line in meta.read_text().splitlines():
                    if line.startswith("cluster.id="):
                        return line.split("=", 1)[1].strip()
        return None

    def _resolve_cluster_id(self) -> str:
        state_file = self.base_dir / "cluster.json"
        state: dict[str, Any] = {}
        if state_file.is_file():
            state = json.loads(state_file.read_text())
            if state.get("nodes") != self.nodes:
                raise KafkaStartError(
                    f"{self.base_dir} holds a {state.get('nodes')}-node cluster, not a "
                    f"{self.nodes}-node one; use another --dir or delete it"
                )
        cluster_id = self._formatted_cluster_id() or state.get("cluster_id")
        if not cluster_id:
            out = subprocess.run(
                _tool_cmd(self.lib_dir, "kafka.tools.StorageTool", "random-uuid"),
                capture_output=True, text=True, timeout=120,
            )
            lines = [ln.strip() for ln in out.stdout.splitlines() if ln.strip()]
            cluster_id = lines[-1] if lines else ""
            if out.returncode != 0 or not _CLUSTER_ID_RE.match(cluster_id):
                raise KafkaStartError(
                    f"StorageTool random-uuid failed (exit {out.returncode}):\n"
                    f"{out.stdout}\n{out.stderr}"
                )
        self.base_dir.mkdir(parents=True, exist_ok=True)
        state_file.write_text(json.dumps({"cluster_id": cluster_id, "nodes": self.nodes}) + "\n")
        return cluster_id

    def _format(self, node_ids: Sequence[int]) -> None:
        """Format the not-yet-formatted nodes (in parallel); never touches a formatted dir."""
        assert self.cluster_id
        todo = [i for i in node_ids if not self._is_formatted(i)]
        procs = []
        for i in todo:
            cmd = _tool_cmd(
                self.lib_dir, "kafka.tools.StorageTool", "format",
                "-t", self.cluster_id, "-c", str(self.node_dir(i) / "server.properties"),
            )
            procs.append((i, subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )))
        failures = []
        for i, proc in procs:
            out, _ = proc.communicate(timeout=120)
            if proc.returncode != 0 or not self._is_formatted(i):
                failures.append(f"node {i}: exit {proc.returncode}\n{out}")
        if failures:
            raise KafkaStartError("formatting the KRaft storage failed:\n" + "\n".join(failures))

    # ----------------------------------------------------------------- lifecycle

    def start(self, timeout: float = 120.0) -> KafkaCluster:
        """Write configs, format new data dirs, start every node, wait until all are ready."""
        ensure_jars(self.lib_dir)
        _java()
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self.cluster_id = self._resolve_cluster_id()
        for i in range(self.nodes):
            self._write_properties(i)
        self._format(range(self.nodes))
        try:
            for i in range(self.nodes):
                if not self.is_running(i):
                    self._spawn(i)
            self.wait_ready(timeout=timeout)
        except BaseException:
            self.stop(timeout=10)
            raise
        return self

    def start_node(self, i: int, timeout: float = 120.0) -> None:
        """(Re)start node `i` on its existing data dir and wait until it is back in the cluster."""
        if self.is_running(i):
            return
        if self.cluster_id is None:
            raise RuntimeError("start() the cluster first")
        self._write_properties(i)
        self._format([i])  # no-op for a node that has run before
        self._spawn(i)
        self.wait_ready([i], timeout=timeout)

    def stop_node(self, i: int, kill: bool = False, timeout: float = 60.0) -> int | None:
        """Stop node `i`: SIGTERM (controlled shutdown) or, with ``kill=True``, SIGKILL.

        Falls back to SIGKILL when a SIGTERM'ed node has not exited after `timeout` seconds.
        Returns the exit code (None if the node was not running).
        """
        proc = self._procs.pop(i, None)
        if proc is None:
            return None
        try:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
            return proc.returncode
        finally:
            _LIVE.discard(proc)
            log = self._logs.pop(i, None)
            if log:
                log.close()

    def stop(self, timeout: float = 60.0, kill: bool = False) -> None:
        """SIGTERM every node at once and wait; SIGKILL whatever is left after `timeout`.

        A graceful stop of a whole multi-node cluster takes ~5 s: the last controller's Raft
        client waits that long for voters that are already gone. ``kill=True`` skips all that
        (fine for throw-away test clusters; Kafka recovers its logs on the next start).
        """
        for proc in self._procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for i in list(self._procs):
            proc = self._procs[i]
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(max(0.1, deadline - time.monotonic()))
            self.stop_node(i, kill=True)

    def __enter__(self) -> KafkaCluster:
        if not all(self.is_running(i) for i in range(self.nodes)):
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _spawn(self, i: int) -> None:
        logs_dir = self.node_dir(i) / "logs"
        logs_dir.mkdir(parents=True, exist_ok=True)
        xms, xmx = self.heap
        cmd = [
            _java(), f"-Xms{xms}", f"-Xmx{xmx}", *BROKER_JVM_OPTS,
            *(QUICK_START_JVM_OPTS if self.quick_start else ()),
            f"-Dkafka.logs.dir={logs_dir}",
            f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
            "-cp", f"{self.lib_dir}/*",
            "kafka.Kafka", str(self.node_dir(i) / "server.properties"),
        ]
        if self.die_with_parent and shutil.which("setpriv"):
            # The JVM gets SIGKILL when the thread that started it dies -- no orphan brokers
            # after a crashed test run. Start clusters from a long-lived (e.g. the main) thread.
            cmd = ["setpriv", "--pdeathsig", "KILL", "--", *cmd]
        log = open(self.node_dir(i) / "stdout.log", "ab")  # noqa: SIM115 -- closed in stop_node
        log.write(f"\n===== {utcnow().isoformat(timespec='seconds')} starting node {i}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            cmd, cwd=self.node_dir(i), stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._procs[i] = proc
        self._logs[i] = log
        _LIVE.add(proc)

    # ----------------------------------------------------------------- readiness

    def admin_client(self, **configs: Any) -> Any:
        """A kafka-python KafkaAdminClient for this cluster (caller closes it)."""
        from kafka import KafkaAdminClient

        configs.setdefault("bootstrap_servers", self.bootstrap_servers)
        configs.setdefault("client_id", "zhaoshang-infra")
        return KafkaAdminClient(**configs)

    def describe_cluster(self, node: int | None = None) -> dict[str, Any]:
        """DescribeCluster answered by `node` (or any node): brokers, controller_id, cluster_id."""
        servers = f"127.0.0.1:{self.ports[node]}" if node is not None else None
        kw: dict[str, Any] = {"bootstrap_timeout_ms": 2000, "request_timeout_ms": 5000}
        if servers:
            kw["bootstrap_servers"] = servers
        admin = self.admin_client(**kw)
        try:
            return admin.describe_cluster()
        finally:
            admin.close()

    def log_tail(self, i: int, lines: int = 40) -> str:
        parts = []
        for path in (self.node_dir(i) / "stdout.log", self.log_file(i)):
            text = _tail(path, lines)
            if text.strip():
                parts.append(f"--- {path} (last {lines} lines)\n{text}")
        return "\n".join(parts) or f"(no log output under {self.node_dir(i)})"

    def wait_ready(self, node_ids: Sequence[int] | None = None, timeout: float = 120.0) -> None:
        """Block until each node in `node_ids` (default: all) answers a DescribeCluster request
        listing every running node as an unfenced broker, with a controller elected."""
        pending = list(range(self.nodes) if node_ids is None else node_ids)
        deadline = time.monotonic() + timeout
        last_error: object = None
        while pending:
            i = pending[0]
            proc = self._procs.get(i)
            if proc is None or proc.poll() is not None:
                code = None if proc is None else proc.returncode
                raise KafkaStartError(
                    f"Kafka node {i} exited (code {code}) before becoming ready.\n"
                    + self.log_tail(i)
                )
            try:
                info = self.describe_cluster(i)
                unfenced = {b["broker_id"] for b in info["brokers"] if not b.get("is_fenced")}
                running = {n for n in range(self.nodes) if self.is_running(n)}
                if running <= unfenced and info.get("controller_id", -1) >= 0:
                    pending.pop(0)
                    continue
                last_error = f"unfenced brokers {sorted(unfenced)}, want {sorted(running)}"
            except Exception as exc:  # not up yet: connection refused, timeouts, ...
                last_error = exc
            if time.monotonic() > deadline:
                raise KafkaStartError(
                    f"Kafka node {i} (127.0.0.1:{self.ports[i]}) not ready after {timeout:.0f}s "
                    f"(last: {last_error!r}).\n" + self.log_tail(i)
                )
            time.sleep(0.25)

    # ----------------------------------------------------------------- topics

    def create_topic(
        self,
        name: str,
        partitions: int = 1,
        replication: int | None = None,
        config: Mapping[str, object] | None = None,
    ) -> None:
        """Create `name` and wait until every partition has a leader.

        `replication` defaults to min(3, nodes); `config` is topic config, e.g.
        ``{"min.insync.replicas": 2}`` (the broker default is already 2 on 3 nodes).
        """
        spec: dict[str, Any] = {
            "num_partitions": partitions,
            "replication_factor": replication or self.replication_factor,
            "configs": {k: str(v) for k, v in (config or {}).items()},
        }
        admin = self.admin_client()
        try:
            admin.create_topics({name: spec}, timeout_ms=30000, wait_for_metadata=True)
        finally:
            admin.close()


# --------------------------------------------------------------------------- CLI


class _WholeCluster:
    """The cluster as the one server :func:`infra.local_servers.serve_in_foreground` watches:
    running while every node is, its ``log_file`` the first dead node's log."""

    def __init__(self, cluster: KafkaCluster) -> None:
        self.cluster = cluster
        self.dead: int | None = None

    @property
    def log_file(self) -> Path:
        return self.cluster.log_file(self.dead or 0)

    def is_running(self) -> bool:
        self.dead = next((i for i in range(self.cluster.nodes) if not self.cluster.is_running(i)),
                         None)
        return self.dead is None

    def tail(self, _log_file: Path) -> str:
        return f"node {self.dead} died:\n{self.cluster.log_tail(self.dead or 0)}"

    def stop(self) -> None:
        self.cluster.stop()


def _cmd_start(args: argparse.Namespace) -> int:
    if args.port:
        ports = [args.port + 2 * i for i in range(args.nodes)]
        controller_ports = [p + 1 for p in ports]
    else:
        ports = controller_ports = None
    cluster = KafkaCluster(
        nodes=args.nodes, base_dir=args.dir, ports=ports, controller_ports=controller_ports,
        lib_dir=args.lib_dir, quick_start=args.quick_start,
    )
    whole = _WholeCluster(cluster)

    def start() -> str:
        started = time.monotonic()
        cluster.start(timeout=args.timeout)
        return (f"{args.nodes} node(s) ready in {time.monotonic() - started:.1f}s: "
                f"bootstrap.servers={cluster.bootstrap_servers} "
                f"(controllers {','.join(map(str, cluster.controller_ports))}); data in "
                f"{cluster.base_dir}.")

    # The signal handling and the watch loop are PostgreSQL's and Redis's (one piece of code).
    return serve_in_foreground("kafka", whole, start, (KafkaSetupError, KafkaStartError),
                               whole.tail)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.kafka_cluster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    fetch = sub.add_parser("fetch", help="only fetch the Kafka jars (mvn)")
    fetch.add_argument("--lib-dir", default=str(DEFAULT_LIB_DIR))
    start = sub.add_parser("start", help="run a local cluster in the foreground")
    start.add_argument("--nodes", type=int, default=1)
    start.add_argument(
        "--port", type=int, default=9092,
        help="client port of node 0; node i listens on PORT+2i, its controller on PORT+2i+1 "
        "(0 = pick free ports)",
    )
    start.add_argument("--dir", default=str(DEFAULT_RUN_DIR), help="data/log directory")
    start.add_argument("--lib-dir", default=str(DEFAULT_LIB_DIR))
    start.add_argument("--timeout", type=float, default=120.0)
    start.add_argument(
        "--quick-start", action="store_true",
        help="C1-only JIT: faster start, lower peak throughput (what the tests use)",
    )
    args = parser.parse_args(argv)
    if args.command == "fetch":
        try:
            print(ensure_jars(Path(args.lib_dir)))
        except KafkaSetupError as exc:
            print(f"[kafka] {exc}", file=sys.stderr)
            return 1
        return 0
    return _cmd_start(args)


if __name__ == "__main__":
    sys.exit(main())
