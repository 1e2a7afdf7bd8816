"""SIGTERM to a serve command (core.graceful): the request in flight is answered, then it exits."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

from core.loopback_ports import free_port

ROOT = Path(__file__).resolve().parents[2]

SLOW_APP = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from core.graceful import serve

    started = Path(sys.argv[2])

    def app(environ, start_response):
        started.write_text("in flight")
        time.sleep(2)  # the slow request: SIGTERM arrives meanwhile
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"finished"]

    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=2, ident="test")
""")


def test_sigterm_lets_the_request_in_flight_finish(tmp_path):
    port, started = free_port(), tmp_path / "started"
    server = subprocess.Popen([sys.executable, "-c", SLOW_APP, str(port), str(started)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, server.stdout.read()
                time.sleep(0.1)
        answers: list[object] = []

        def call() -> None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
                    answers.append((response.status, response.read()))
            except Exception as exc:  # noqa: BLE001 - the assertion below shows it
                answers.append(exc)

        client = threading.Thread(target=call)
        client.start()
        while not started.exists():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        server.send_signal(signal.SIGTERM)
        client.join(30)
        assert answers == [(200, b"finished")]
        assert server.wait(30) == 0
    finally:
        if server.poll() is None:
            server.kill()
    # Stopped for good: nothing accepts on its port any more.
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
