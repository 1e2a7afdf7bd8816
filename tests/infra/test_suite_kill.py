"""``make up``'s runner on real services: a real city killed with SIGKILL is restarted while the
gateway keeps answering, and the city answers through the gateway again afterwards."""

from __future__ import annotations

import io
import os
import signal
import time
import urllib.error
import urllib.request

import pytest

from core.loopback_ports import free_port
from infra.suite import Restarts, Suite, suite_services
from tests.events.conftest import kafka  # noqa: F401 - the session's broker: no Kafka of our own
from tests.infra.test_suite_up import post_json

pytestmark = pytest.mark.kafka


def status(url: str, token: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as a:
            return a.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_a_city_killed_with_sigkill_comes_back_behind_a_gateway_that_kept_answering(
        tmp_path, kafka):  # noqa: F811
    city_port, gateway_port = free_port(), free_port()
    services = [service for service in suite_services(
        tmp_path, ["pingliang"], first_port=city_port, demo=False, province_port=free_port(),
        gateway_port=gateway_port, bootstrap_servers=kafka.bootstrap_servers)
        if service.name in ("pingliang", "gateway")]
    suite = Suite(services, tmp_path, out=io.StringIO(), restarts=Restarts(backoff=(0.5,)))
    gateway = f"http://127.0.0.1:{gateway_port}"
    try:
        suite.up()
        token = post_json(f"{gateway}/api/v1/auth/token", {
            "username": "pingliang-officer", "password": "zhaoshang-demo"})["access_token"]
        projects = f"{gateway}/api/v1/cities/pingliang/projects"
        assert status(projects, token) == 200
        killed = suite.children["pingliang"].pid
        os.kill(killed, signal.SIGKILL)
        deadline, answered = time.monotonic() + 120, 0
        while "pingliang is back" not in suite.out.getvalue():
            assert time.monotonic() < deadline, suite.out.getvalue()
            suite.supervise()
            assert status(f"{gateway}/livez") == 200  # the gateway answers all along
            answered += 1
            time.sleep(0.2)
        assert answered > 1 and suite.children["pingliang"].pid != killed
        assert status(projects, token) == 200  # through the gateway, to the new process
        assert "restarting pingliang" in suite.out.getvalue()
    finally:
        suite.stop(grace=10)
