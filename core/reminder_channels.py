"""The two ways a reminder leaves the suite: e-mail (SMTP, stdlib ``smtplib``) and a group
robot's webhook in the JSON shape Chinese office messengers take.

A webhook gets ``{"msgtype": "markdown", "markdown": {"content": …}}`` (企业微信 group robot);
an address on ``dingtalk.com`` gets DingTalk's ``{"msgtype": "markdown", "markdown": {"title":
…, "text": …}}``. Either answers ``{"errcode": 0, …}`` when it took the message; anything else —
a refused connection, a non-2xx status, a non-zero ``errcode`` — is a failed delivery, retried
later (core.reminders).

Secrets never sit in the database: the SMTP password is ``[reminders] smtp_password`` or
``ZHAOSHANG_SMTP_PASSWORD``; a webhook address stores ``{secret}`` where its token goes and the
subscription names the environment variable holding it (``ZHAOSHANG_REMINDER_…`` only, so a
subscription can never make the service send another of its secrets to a URL).
"""

from __future__ import annotations

import json
import os
import smtplib
import urllib.request
from email.message import EmailMessage
from typing import Any

SMTP_PASSWORD_ENV = "ZHAOSHANG_SMTP_PASSWORD"
SECRET_ENV_PREFIX = "ZHAOSHANG_REMINDER_"
SECRET_PLACEHOLDER = "{secret}"


class DeliveryFailed(Exception):
    """The receiver did not take the message; the text says why (kept with the attempt)."""


def send_email(settings: dict[str, Any], to: str, subject: str, body: str) -> None:
    """One message through ``[reminders] smtp_host``; any SMTP or network error fails it."""
    if not settings.get("smtp_host"):
        raise DeliveryFailed("未配置邮件服务器（[reminders] smtp_host）")
    message = EmailMessage()
    message["From"] = settings["sender"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    password = settings.get("smtp_password") or os.environ.get(SMTP_PASSWORD_ENV)
    try:
        with smtplib.SMTP(settings["smtp_host"], settings["smtp_port"],
                          timeout=settings["timeout_seconds"]) as smtp:
            if settings.get("smtp_starttls"):
                smtp.starttls()
            if settings.get("smtp_user"):
                smtp.login(settings["smtp_user"], password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(f"SMTP: {exc}") from exc


def webhook_payload(url: str, subject: str, body: str) -> dict[str, Any]:
    if "dingtalk.com" in url:
        return {"msgtype": "markdown", "markdown": {"title": subject, "text": body}}
    return {"msgtype": "markdown", "markdown": {"content": f"**{subject}**\n{body}"}}


def webhook_url(address: str, secret_env: str | None) -> str:
    """The address with its token put in from the environment (never from the database)."""
    if SECRET_PLACEHOLDER not in address:
        return address
    if not secret_env or not secret_env.startswith(SECRET_ENV_PREFIX):
        raise DeliveryFailed(f"群机器人地址的密钥须来自环境变量 {SECRET_ENV_PREFIX}…")
    secret = os.environ.get(secret_env)
    if not secret:
        raise DeliveryFailed(f"环境变量 {secret_env} 未设置")
    return address.replace(SECRET_PLACEHOLDER, secret)


def send_webhook(settings: dict[str, Any], address: str, secret_env: str | None, subject: str,
                 body: str) -> None:
    url = webhook_url(address, secret_env)
    data = json.dumps(webhook_payload(url, subject, body), ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=settings["timeout_seconds"]) as response:
            answer = response.read()
    except OSError as exc:  # refused, timed out, HTTP error status (HTTPError is an OSError)
        raise DeliveryFailed(f"webhook: {exc}") from exc
    try:
        errcode = json.loads(answer or b"{}").get("errcode", 0)
    except (ValueError, AttributeError):
        errcode = 0  # a receiver that answers 2xx without JSON took it
    if errcode:
        raise DeliveryFailed(f"webhook errcode {errcode}: {answer[:200]!r}")


def send(settings: dict[str, Any], channel: str, address: str, secret_env: str | None,
         subject: str, body: str) -> None:
    if channel == "email":
        send_email(settings, address, subject, body)
    else:
        send_webhook(settings, address, secret_env, subject, body)
