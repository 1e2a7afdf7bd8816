"""A real PostgreSQL server on loopback for `make up`, the test-suite and CI -- no Docker needed.

    python -m infra.postgres start --dir var/pg --port 5432     # foreground, Ctrl-C stops

and from Python::

    with PostgresServer(base_dir) as pg:
        url = pg.create_database("zhaoshang_test")  # postgresql+psycopg://postgres@127.0.0.1:<port>/...

The server binaries come from the Debian packages (/usr/lib/postgresql/<version>/bin, newest
version wins); when there are none and we are root with apt-get, the `postgresql` package is
installed. initdb and postgres refuse to run as root, so as root they run as the `postgres` OS
user, which then owns `base_dir`. Authentication is `trust`, and the server listens on
127.0.0.1 plus a unix socket in `base_dir` only.

Layout of `base_dir`: ``data/`` (PGDATA), ``postgres.log``, ``.s.PGSQL.<port>`` (socket).

Stdlib only (plus psycopg for `create_database`/`execute`, and :mod:`core.clock`, the suite's
one clock, for the time stamped in the log).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from core.clock import utcnow
from core.loopback_ports import free_port
from infra.local_servers import install_debian_package, serve_in_foreground, throwaway

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASE_DIR = Path("var/pg")
PG_LIB_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
# Settings for a throw-away local server: durability traded for speed (see `fast`).
FAST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
_DB_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,62}$")


class PostgresSetupError(RuntimeError):
    """PostgreSQL binaries/OS user missing, or the data directory is unusable."""


class PostgresStartError(RuntimeError):
    """The server did not start or did not accept connections in time (has the log tail)."""


def _project_path(path: Path | str) -> Path:
    """Relative paths are relative to the project root, not to the current directory."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else PROJECT_ROOT / p


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", path.parent.name)) or (0,)


def find_pg_bin() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and postgres, if any."""
    candidates = [
        b for b in PG_LIB_ROOT.glob("*/bin")
        if (b / "postgres").is_file() and (b / "initdb").is_file()
    ]
    return max(candidates, key=_version_key) if candidates else None


def ensure_pg_bin(install: bool = True) -> Path:
    """Find the server binaries; install Debian's `postgresql` package if allowed and needed."""
    found = find_pg_bin()
    if found:
        return found
    if install and install_debian_package("postgresql", "postgres", PostgresSetupError,
                                          f"no server binaries in {PG_LIB_ROOT}"):
        found = find_pg_bin()
        if found:
            return found
    raise PostgresSetupError(
        f"PostgreSQL server binaries not found under {PG_LIB_ROOT}/*/bin. Install them "
        "(Debian/Ubuntu: apt-get install -y postgresql), or run as root with apt-get available "
        "so this module can install them."
    )


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_bytes()[-64 * 1024:].decode("utf-8", "replace")
    except OSError:
        return f"(no {path})"
    return f"--- {path} (last {lines} lines)\n" + "\n".join(text.splitlines()[-lines:])


def _unreachable_ancestor(path: Path, user: pwd.struct_passwd) -> Path | None:
    """The first ancestor of `path` that `user` cannot traverse (x permission), if any."""
    gids = {user.pw_gid} | set(os.getgrouplist(user.pw_name, user.pw_gid))
    for anc in reversed(path.parents):
        st = anc.stat()
        if st.st_uid == user.pw_uid:
            ok = st.st_mode & stat.S_IXUSR
        elif st.st_gid in gids:
            ok = st.st_mode & stat.S_IXGRP
        else:
            ok = st.st_mode & stat.S_IXOTH
        if not ok:
            return anc
    return None


class PostgresServer:
    """One PostgreSQL server with its data under `base_dir`; `port` defaults to a free one.

    `fast=True` (default) turns off fsync, synchronous_commit and full_page_writes: right for
    tests and a local `make up`, wrong for data you cannot recreate (use ``fast=False``).
    """

    def __init__(
        self,
        base_dir: Path | str = DEFAULT_BASE_DIR,
        port: int | None = None,
        *,
        fast: bool = True,
        install: bool = True,
        die_with_parent: bool = True,
    ) -> None:
        self.base_dir = _project_path(base_dir)
        self.data_dir = self.base_dir / "data"
        self.log_file = self.base_dir / "postgres.log"
        self.port = port or free_port()
        self.fast = fast
        self.install = install
        self.die_with_parent = die_with_parent
        self.bin_dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None
        self._version_num: int | None = None

    # ----------------------------------------------------------------- helpers

    @property
    def socket_dir(self) -> Path:
        """unix_socket_directories: the data dir's parent, i.e. `base_dir`."""
        return self.base_dir

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL for `database` on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        """libpq/psycopg connection string for `database`."""
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database}"

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self.is_running() else None

    def _run_as(self) -> dict[str, Any]:
        """Popen kwargs that drop root to the postgres OS user (what `runuser -u postgres`
        does, but without an intermediate process that would get in the way of signals)."""
        if os.geteuid() != 0:
            return {}
        try:
            pw = pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise PostgresSetupError(
                f"running as root but there is no `{SUPERUSER}` OS user to run initdb/postgres "
                "as (the Debian postgresql package creates it)"
            ) from None
        env = {**os.environ, "HOME": pw.pw_dir, "USER": pw.pw_name, "LOGNAME": pw.pw_name}
        return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": [], "env": env}

    def _prepare_dir(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            return
        pw = pwd.getpwnam(SUPERUSER)
        blocked = _unreachable_ancestor(self.base_dir, pw)
        if blocked is not None:
            raise PostgresSetupError(
                f"the `{SUPERUSER}` OS user cannot reach {self.base_dir}: {blocked} is mode "
                f"{stat.filemode(blocked.stat().st_mode)}. Use a directory it can traverse "
                f"(e.g. under /tmp or the project's var/), or `chmod o+x {blocked}`."
            )
        for root, dirs, files in os.walk(self.base_dir):
            for name in [root, *(os.path.join(root, n) for n in dirs + files)]:
                if os.lstat(name).st_uid != pw.pw_uid:
                    os.lchown(name, pw.pw_uid, pw.pw_gid)
        self.base_dir.chmod(0o700)

    def _initdb(self) -> None:
        if (self.data_dir / "PG_VERSION").is_file():
            return
        assert self.bin_dir
        cmd = [
            str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", SUPERUSER,
            "--auth-local=trust", "--auth-host=trust", "-E", "UTF8", "--locale=C.UTF-8",
            "--no-instructions", "--no-sync",
        ]
        proc = subprocess.run(
            cmd, cwd=self.base_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            **self._run_as(),
        )
        if proc.returncode != 0:
            raise PostgresStartError(
                f"initdb failed (exit {proc.returncode}):\n"
                + proc.stdout.decode("utf-8", "replace")[-4000:]
            )

    def _ready(self) -> bool:
        assert self.bin_dir
        proc = subprocess.run(
            [str(self.bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port),
             "-U", SUPERUSER, "-d", "postgres", "-t", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return proc.returncode == 0

    # ----------------------------------------------------------------- lifecycle

    def start(self, timeout: float = 60.0) -> PostgresServer:
        """initdb (first time only), start postgres, wait until it accepts connections."""
        if self.is_running():
            return self
        self.bin_dir = ensure_pg_bin(self.install)
        self._prepare_dir()
        self._initdb()
        settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.socket_dir),
            "max_connections": "200",
            **(FAST_SETTINGS if self.fast else {}),
        }
        cmd = [str(self.bin_dir / "postgres"), "-D", str(self.data_dir), "-p", str(self.port)]
        for key, value in settings.items():
            cmd += ["-c", f"{key}={value}"]
        if self.die_with_parent and shutil.which("setpriv"):
            # Fast shutdown (SIGINT) when the thread that started it dies: no orphan servers.
            cmd = ["setpriv", "--pdeathsig", "INT", "--", *cmd]
        self._log = open(self.log_file, "ab")  # noqa: SIM115 -- closed in stop()
        self._log.write(f"\n===== {utcnow().isoformat(timespec='seconds')} starting\n".encode())
        self._log.flush()
        if os.geteuid() == 0:
            pw = pwd.getpwnam(SUPERUSER)
            os.chown(self.log_file, pw.pw_uid, pw.pw_gid)
        self._proc = subprocess.Popen(
            cmd, cwd=self.base_dir, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True, **self._run_as(),
        )
        deadline = time.monotonic() + timeout
        try:
            while not self._ready():
                if self._proc.poll() is not None:
                    raise PostgresStartError(
                        f"postgres exited with code {self._proc.returncode} while starting on "
                        f"port {self.port}.\n{_tail(self.log_file)}"
                    )
                if time.monotonic() > deadline:
                    raise PostgresStartError(
                        f"postgres on port {self.port} not accepting connections after "
                        f"{timeout:.0f}s.\n{_tail(self.log_file)}"
                    )
                time.sleep(0.1)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown (SIGINT: roll back sessions, checkpoint); SIGKILL after `timeout`."""
        proc, self._proc = self._proc, None
        try:
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ----------------------------------------------------------------- databases

    def execute(self, sql: str, params: Sequence[Any] | None = None,
                database: str = "postgres") -> list[tuple[Any, ...]]:
        """Run one statement (autocommit) and return its rows ([] when it returns none)."""
        import psycopg

        with psycopg.connect(self.dsn(database), autocommit=True, connect_timeout=10) as conn:
            cur = conn.execute(sql, params)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description else []

    def create_database(self, name: str) -> str:
        """Create database `name` unless it exists; return its SQLAlchemy URL."""
        if not _DB_NAME_RE.match(name):
            raise ValueError(f"unsupported database name {name!r}")
        from psycopg import errors, sql

        if not self.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]):
            # A concurrent creator may win the race (DuplicateDatabase, or UniqueViolation on
            # the catalog): either way the database exists afterwards.
            # FILE_COPY (PostgreSQL 15+) copies the small template's files instead of
            # WAL-logging every block: ten times faster, which the test suite feels.
            strategy = " STRATEGY FILE_COPY" if self.version_num() >= 150000 else ""
            with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
                self.execute(sql.SQL("CREATE DATABASE {}" + strategy).format(
                    sql.Identifier(name)))
        return self.url(name)

    def version_num(self) -> int:
        """The server's version as a number (``170004`` for 17.4)."""
        if self._version_num is None:
            self._version_num = int(self.execute("SHOW server_version_num")[0][0])
        return self._version_num

    def drop_database(self, name: str) -> None:
        """Drop database `name` if it exists (terminating its sessions)."""
        from psycopg import sql

        self.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


@contextlib.contextmanager
def throwaway_server() -> Iterator[PostgresServer]:
    """A server in a temporary directory, stopped and removed on exit: the test session's
    (entry point ``zhaoshang.conformance: postgres``, used by ``core.testing``'s ``db_url``).

    Its files are kept in memory (``/dev/shm``) where the system has it. A test session
    creates and drops a database for nearly every test, a few hundred files each. On a disk
    file system (ext4), allocating inodes among so many just-deleted ones took the server
    70 % of the machine's CPU in the kernel (``find_inode_bit``, ``recently_deleted``; `perf
    record -a` during a PostgreSQL-only run of ``tests/mechanisms``)."""
    with throwaway(PostgresServer, "zhaoshang-pg-", in_memory=True) as server:
        yield server


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.postgres", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="run a local PostgreSQL in the foreground")
    start.add_argument("--dir", default=str(DEFAULT_BASE_DIR), help="base directory")
    start.add_argument("--port", type=int, default=5432, help="0 = pick a free port")
    start.add_argument("--durable", action="store_true",
                       help="keep fsync/synchronous_commit/full_page_writes on")
    start.add_argument("--create-db", action="append", default=[], metavar="NAME",
                       help="create this database after start (repeatable)")
    start.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)

    server = PostgresServer(args.dir, args.port or None, fast=not args.durable)

    def start() -> str:
        started = time.monotonic()
        server.start(timeout=args.timeout)
        for name in args.create_db:
            print(f"[postgres] database {name}: {server.create_database(name)}", flush=True)
        return (f"ready in {time.monotonic() - started:.1f}s: {server.url()} "
                f"(socket dir {server.socket_dir}, log {server.log_file}).")

    return serve_in_foreground("postgres", server, start,
                               (PostgresSetupError, PostgresStartError), _tail)

if __name__ == "__main__":
    sys.exit(main())
