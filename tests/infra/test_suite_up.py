"""``python -m infra.suite up`` end to end: one city prepared, served, and stopped by SIGTERM."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_up_serves_a_city_with_demo_data_and_stops_on_sigterm(tmp_path):
    port = free_port()
    suite = subprocess.Popen(
        [sys.executable, "-m", "infra.suite", "up", "--cities", "lanzhou", "--first-port",
         str(port), "--var", str(tmp_path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        deadline = time.monotonic() + 300
        for line in suite.stdout:
            lines.append(line)
            if "Ctrl-C" in line or time.monotonic() > deadline:
                break
        output = "".join(lines)
        assert f"兰州市  http://127.0.0.1:{port}/api/v1/" in output, output
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/projects") as response:
            assert json.load(response)["total"] > 0  # the demo data is there
        assert (tmp_path / "lanzhou.db").exists()
    finally:
        suite.send_signal(signal.SIGTERM)
        remaining, _ = suite.communicate(timeout=60)
    assert suite.returncode == 0, remaining
    assert "正在停止" in remaining
    with socket.socket() as probe:  # nobody listens on the city's port: its server is gone
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is fine
        probe.bind(("127.0.0.1", port))
