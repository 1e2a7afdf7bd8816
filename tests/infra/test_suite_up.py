"""``python -m infra.suite up`` end to end: one city prepared, served behind the gateway, the
README's examples run as written against it, and stopped by SIGTERM."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

from core.loopback_ports import free_port, free_ports

ROOT = Path(__file__).resolve().parents[2]
README_GATEWAY = "http://127.0.0.1:8000"  # where the README's examples call make up's gateway
SEED_FIGURES = {"signed_count": 157, "started_count": 154}  # the README's Pingliang example


def readme_examples() -> list[str]:
    """The README's shell blocks that call the running suite (every ``curl``)."""
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"),
                        re.DOTALL)
    return [block for block in blocks if "curl " in block]


def run_example(block: str, gateway: str) -> list[dict]:
    """One README block as written, against this suite's gateway; each answer it printed."""
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block.replace(README_GATEWAY, gateway)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{block}\n{done.stdout}\n{done.stderr}"
    decoder, text, answers = json.JSONDecoder(), done.stdout.strip(), []
    while text:
        answer, end = decoder.raw_decode(text)
        answers.append(answer)
        text = text[end:].strip()
    return answers


def test_the_readme_examples_call_the_gateway_with_a_token():
    examples = readme_examples()
    assert examples, "the README shows no curl example"
    for block in examples:
        calls = [line for line in block.replace("\\\n", " ").splitlines() if "curl " in line]
        for call in calls:
            assert README_GATEWAY in call, f"bypasses the gateway: {call}"
            assert "/auth/token" in call or "Authorization: Bearer $TOKEN" in call, call


def province_events(gateway: str, token: str) -> dict[str, int]:
    """The province's event counts, read through the gateway as the demo province user."""
    request = urllib.request.Request(f"{gateway}/province/freshness?consumer_lag=false",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request) as response:
        return {row["city"]: row["events"] for row in json.load(response)["cities"]}


def province_completeness(gateway: str, token: str) -> dict[str, dict]:
    """Each city's completeness row at the province (its latest snapshot reconciled)."""
    request = urllib.request.Request(f"{gateway}/province/completeness",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request) as response:
        return {row["city"]: row for row in json.load(response)["cities"]}


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def test_up_serves_a_city_with_demo_data_and_stops_on_sigterm(tmp_path):
    port, kafka_port, province_port = free_port(), free_ports(2), free_port()
    gateway_port = free_port()
    suite = subprocess.Popen(
        [sys.executable, "-m", "infra.suite", "up", "--cities", "pingliang", "--first-port",
         str(port), "--var", str(tmp_path), "--kafka-port", str(kafka_port),
         "--province-port", str(province_port), "--gateway-port", str(gateway_port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        deadline = time.monotonic() + 300
        for line in suite.stdout:
            lines.append(line)
            if "Ctrl-C" in line or time.monotonic() > deadline:
                break
        output = "".join(lines)
        assert re.search(rf"平凉市\s+http://127\.0\.0\.1:{port}/api/v1/", output), output
        assert re.search(rf"省级服务\s+http://127\.0\.0\.1:{province_port}/", output), output
        assert re.search(rf"网关（统一入口）\s+http://127\.0\.0\.1:{gateway_port}/api/v1/",
                         output), output
        assert re.search(r"pingliang-clerk\s+clerk\s+pingliang", output), output  # demo logins
        gateway = f"http://127.0.0.1:{gateway_port}/api/v1"
        token = post_json(f"{gateway}/auth/token",
                          {"username": "pingliang-officer", "password": "zhaoshang-demo"})
        request = urllib.request.Request(f"{gateway}/cities/pingliang/projects", headers={
            "Authorization": f"Bearer {token['access_token']}"})
        with urllib.request.urlopen(request) as response:
            assert json.load(response)["total"] > 0  # the demo data is there
        # The README's examples, as written (only the gateway's port is this test's).
        answers = [answer for block in readme_examples()
                   for answer in run_example(block, gateway.removesuffix("/api/v1"))]
        assert answers and not [a for a in answers if isinstance(a.get("status"), int)
                                and a["status"] >= 400], answers
        seed = next(a["total"] for a in answers if "total" in a and isinstance(a["total"], dict))
        assert {key: Decimal(str(seed[key])) for key in SEED_FIGURES} == SEED_FIGURES, seed
        # The city refuses a call that bypasses the gateway.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/projects")
        assert refused.value.code == 401
        assert (tmp_path / "pingliang.db").exists()
        # The city's demo events travel relay → Kafka → province consumer → province API.
        deadline = time.monotonic() + 120
        province = post_json(f"{gateway}/auth/token",
                             {"username": "province", "password": "zhaoshang-demo"})
        while province_events(gateway, province["access_token"]).get("pingliang", 0) == 0:
            assert time.monotonic() < deadline, "no pingliang event reached the province"
            time.sleep(0.5)
        # The snapshot taken after the demo reaches the province too, and reconciles. The
        # scheduler's first run writes events after the snapshot (warnings), so until every
        # event reaches the province the row may say changed_since_snapshot for a while.
        while (row := province_completeness(gateway, province["access_token"])["pingliang"]
               )["status"] in ("no_snapshot", "behind", "changed_since_snapshot"):
            assert time.monotonic() < deadline, f"the pingliang snapshot did not reconcile: {row}"
            time.sleep(0.5)
        assert row["status"] == "complete", row
    finally:
        suite.send_signal(signal.SIGTERM)
        remaining, _ = suite.communicate(timeout=60)
    assert suite.returncode == 0, remaining
    assert "正在停止" in remaining
    with socket.socket() as probe:  # nobody listens on the city's port: its server is gone
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is fine
        probe.bind(("127.0.0.1", port))
