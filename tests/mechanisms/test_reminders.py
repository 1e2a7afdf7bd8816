"""Reminders reach people: through a real SMTP server (aiosmtpd, in-process on a local port)
and a real webhook receiver (http.server on a local port), once per item and day — also when
the scheduler runs again after a restart — retried when the receiver is down, every attempt
kept (the reminders' audit log)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from core import reminders
from core.api.support import EXTENSION
from core.clock import utcnow
from core.loopback_ports import free_port
from core.workdays import WorkdayCalendar
from tests.support.cities import make_city
from tests.support.records import lead_body


class Mailbox:
    """An aiosmtpd handler keeping every message it accepted."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class WebhookReceiver:
    """A group robot's endpoint: answers ``{"errcode": 0}`` and keeps each JSON body."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[dict] = []
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers["Content-Length"])
                received.append({"path": self.path,
                                 "body": json.loads(self.rfile.read(length))})
                answer = b'{"errcode":0,"errmsg":"ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def reminded(client_for, smtp, webhook, monkeypatch, today):
    """A city whose officer gets a daily digest by e-mail and whose east unit's group robot
    gets one by webhook (its token from the environment), with a lead whose first talk is
    due tomorrow."""
    monkeypatch.setenv("ZHAOSHANG_REMINDER_EAST_ROBOT", "s3cret-token")
    city = make_city(reminders={"smtp_host": "127.0.0.1", "smtp_port": smtp.port,
                                "digest_at": "00:00", "web_base_url": "https://zs.example/web"})
    client = client_for(city)
    response = client.post("/reminders/subscriptions", json={
        "channel": "email", "address": "officer1@zs.example", "mode": "digest"})
    assert response.status_code == 201, response.json
    response = client.post("/reminders/unit-subscriptions", json={
        "unit": "east", "channel": "webhook", "mode": "digest", "secret_env":
        "ZHAOSHANG_REMINDER_EAST_ROBOT",
        "address": f"http://127.0.0.1:{webhook.port}/cgi-bin/webhook/send?key={{secret}}"})
    assert response.status_code == 201, response.json
    calendar = WorkdayCalendar.default()
    tomorrow = calendar.add_workdays(today, 1)
    reported = today
    while calendar.add_workdays(reported, 2) > tomorrow:
        reported -= dt.timedelta(days=1)
    lead = client.post("/leads", json=lead_body(1, reported_on=reported.isoformat())).json
    assert lead["first_talk_due"] == tomorrow.isoformat()
    runtime = client.flask.application.extensions[EXTENSION]
    return client, runtime, lead


def deliveries(client):
    response = client.get("/reminders/deliveries")
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_a_first_talk_due_tomorrow_reaches_mail_and_webhook_once_across_a_restart(
        reminded, smtp, webhook):
    client, runtime, lead = reminded
    done = reminders.run_reminders(runtime.sessions, runtime.city)
    assert done == {"queued": 2, "sent": 2, "failed": 0}

    [mail] = smtp.mailbox.messages
    assert mail["To"] == "officer1@zs.example"
    assert "待办汇总" in mail["Subject"]
    text = mail.get_body().get_content()
    assert lead["title"] in text and f"https://zs.example/web/c/testcity/leads/{lead['id']}" in text
    [robot] = webhook.received
    assert robot["path"].endswith("key=s3cret-token")  # the token, from the environment only
    assert robot["body"]["msgtype"] == "markdown"
    assert lead["title"] in robot["body"]["markdown"]["content"]

    # The scheduler restarted (another round on the same database): nothing is sent again.
    assert reminders.run_reminders(runtime.sessions, runtime.city)["queued"] == 0
    assert len(smtp.mailbox.messages) == 1 and len(webhook.received) == 1

    audit = deliveries(client)
    assert {row["channel"] for row in audit} == {"email", "webhook"}
    for row in audit:
        assert row["status"] == "sent" and row["attempts"] == 1
        assert [attempt["outcome"] for attempt in row["history"]] == ["sent"]
    with runtime.engine.connect() as connection:
        stored = connection.exec_driver_sql(
            "SELECT address FROM reminder_subscriptions").scalars().all()
    assert not any("s3cret" in address for address in stored)


def test_a_crash_between_sending_and_marking_sends_again_at_least_once(
        reminded, smtp, webhook, monkeypatch):
    client, runtime, _ = reminded
    original = reminders._record

    def crash(*args, **kwargs):
        raise RuntimeError("killed after the receiver took the message")

    monkeypatch.setattr(reminders, "_record", crash)
    with pytest.raises(RuntimeError):
        reminders.run_reminders(runtime.sessions, runtime.city)
    monkeypatch.setattr(reminders, "_record", original)
    reminders.run_reminders(runtime.sessions, runtime.city)
    reminders.run_reminders(runtime.sessions, runtime.city)
    # At least once: the message that was taken but not marked goes again, once; never lost.
    assert len(smtp.mailbox.messages) == 2
    assert len(webhook.received) == 1
    assert all(row["status"] == "sent" for row in deliveries(client))


def test_a_receiver_that_is_down_is_retried_later_and_then_delivered(reminded, smtp, webhook):
    client, runtime, lead = reminded
    smtp.stop()
    webhook.stop()
    now = utcnow()
    assert reminders.run_reminders(runtime.sessions, runtime.city, now) == {
        "queued": 2, "sent": 0, "failed": 2}
    # Before its backoff has passed, a failed delivery is not tried again.
    assert reminders.run_reminders(runtime.sessions, runtime.city, now + dt.timedelta(
        seconds=5)) == {"queued": 0, "sent": 0, "failed": 0}
    pending = deliveries(client)
    assert all(row["status"] == "pending" and row["attempts"] == 1 and row["last_error"]
               for row in pending)

    smtp.start()
    webhook.start()
    later = now + dt.timedelta(minutes=2)
    assert reminders.run_reminders(runtime.sessions, runtime.city, later) == {
        "queued": 0, "sent": 2, "failed": 0}
    assert len(smtp.mailbox.messages) == 1 and len(webhook.received) == 1
    assert lead["title"] in webhook.received[0]["body"]["markdown"]["content"]
    for row in deliveries(client):
        assert row["status"] == "sent"
        assert [attempt["outcome"] for attempt in row["history"]] == ["failed", "sent"]


def test_subscriptions_are_ones_own_and_tokens_never_stored_in_clear(client):
    response = client.post("/reminders/subscriptions", json={
        "channel": "webhook", "mode": "immediate",
        "address": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc123"})
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "address"
    response = client.post("/reminders/subscriptions", as_=("clerk", "east"), json={
        "channel": "email", "address": "clerk@zs.example", "mode": "immediate"})
    assert response.status_code == 201, response.json
    assert response.json["unit"] == "east" and response.json["user"] == "clerk-east"
    mine = response.json["id"]
    response = client.post("/reminders/unit-subscriptions", as_=("clerk", "east"), json={
        "unit": "east", "channel": "email", "address": "east@zs.example", "mode": "digest"})
    assert response.status_code == 403
    assert client.get("/reminders/subscriptions").json["items"] == []  # not the clerk's
    assert client.delete(f"/reminders/subscriptions/{mine}").status_code == 403
    assert client.delete(f"/reminders/subscriptions/{mine}",
                         as_=("clerk", "east")).status_code == 204
    assert client.get("/reminders/subscriptions", as_=("clerk", "east")).json["items"] == []


def test_an_overdue_item_gets_an_immediate_notice_once_a_day(client_for, smtp, today):
    city = make_city(reminders={"smtp_host": "127.0.0.1", "smtp_port": smtp.port})
    client = client_for(city)
    client.post("/reminders/subscriptions", as_=("clerk", "east"), json={
        "channel": "email", "address": "clerk@zs.example", "mode": "immediate"})
    client.post("/leads", json=lead_body(1, reported_on=(today - dt.timedelta(days=30))
                                         .isoformat()))
    client.post("/leads", json=lead_body(2, reported_on=today.isoformat()))  # not urgent
    runtime = client.flask.application.extensions[EXTENSION]
    now = utcnow()
    assert reminders.run_reminders(runtime.sessions, runtime.city, now)["sent"] == 1
    assert reminders.run_reminders(runtime.sessions, runtime.city, now)["queued"] == 0
    [mail] = smtp.mailbox.messages
    assert "已逾期" in mail["Subject"] and "新材料投资线索1" in mail["Subject"]
