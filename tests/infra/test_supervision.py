"""The runner of ``make up`` supervises (infra.suite.Suite): a service killed with SIGKILL is
restarted with backoff while the others keep answering; one that keeps dying is given up on,
alone."""

from __future__ import annotations

import io
import os
import signal
import sys
import time
import urllib.request

from core.loopback_ports import free_port
from infra.suite import Restarts, Service, Suite

# A real HTTP service (the serve commands' graceful waitress) answering its own pid.
SERVER = ("import os, sys; from core.graceful import serve; "
          "serve(lambda e, s: (s('200 OK', []), [str(os.getpid()).encode()])[1], "
          "host='127.0.0.1', port=int(sys.argv[1]), threads=1, ident='t')")
QUICK = Restarts(backoff=(0.2, 0.4), rapid=30.0, give_up_after=3)


def http_service(name: str, port: int) -> Service:
    return Service(name=name, label=name, command=(sys.executable, "-c", SERVER, str(port)),
                   ready_url=f"http://127.0.0.1:{port}/")


def pid_at(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
        return int(answer.read())


def supervise_until(suite: Suite, done, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, suite.out.getvalue()
        suite.supervise()
        time.sleep(0.1)


def test_a_killed_service_is_restarted_and_the_others_keep_answering(tmp_path):
    city_port, gateway_port = free_port(), free_port()
    services = [http_service("city", city_port), http_service("gateway", gateway_port)]
    suite = Suite(services, tmp_path, out=io.StringIO(), restarts=QUICK)
    suite.log_dir.mkdir(parents=True)
    try:
        for service in services:
            suite.start(service)
        for service in services:
            suite.wait_ready(service, timeout=60)
        city_pid, gateway_pid = pid_at(city_port), pid_at(gateway_port)
        os.kill(city_pid, signal.SIGKILL)
        supervise_until(suite, lambda: "restarting city" in suite.out.getvalue())
        assert pid_at(gateway_port) == gateway_pid  # untouched, answering meanwhile
        supervise_until(suite, lambda: "city is back" in suite.out.getvalue())
        assert pid_at(city_port) not in (city_pid, None)
        assert pid_at(gateway_port) == gateway_pid
        said = suite.out.getvalue()
        assert "意外退出" in said and "exited with -9, restarting in 0.2 s" in said
        assert "[supervisor]" in (tmp_path / "log" / "city.log").read_text(encoding="utf-8")
    finally:
        suite.stop(grace=5)


def test_a_service_that_keeps_dying_is_given_up_on_alone(tmp_path, capsys):
    port = free_port()
    dying = Service(name="broken", label="broken", command=(sys.executable, "-c", "raise SystemExit(3)"),
                    ready_url="tcp://127.0.0.1:9")
    services = [dying, http_service("gateway", port)]
    suite = Suite(services, tmp_path, out=io.StringIO(), restarts=QUICK)
    suite.log_dir.mkdir(parents=True)
    try:
        for service in services:
            suite.start(service)
        suite.wait_ready(services[1], timeout=60)
        gateway_pid = pid_at(port)
        supervise_until(suite, lambda: "broken" in suite.given_up)
        assert suite.out.getvalue().count("restarting broken") == QUICK.give_up_after - 1
        assert "giving up" in capsys.readouterr().err
        for _ in range(5):  # the rest keeps running, and nothing restarts the broken one
            suite.supervise()
        assert pid_at(port) == gateway_pid and suite.given_up == {"broken"}
    finally:
        suite.stop(grace=5)
