"""Reminders: who is reminded through which channel, and every reminder queued and sent.

``reminder_subscriptions`` say how a person (or a unit's group) wants to be reminded: by e-mail or
a group robot's webhook, as a daily digest or an immediate notice. The secret part of a webhook
(its ``key``/``access_token``) is never stored: ``secret_env`` names the environment variable
holding it (core.reminder_channels).

``reminders_sent`` is both the once-per-day ledger and the delivery outbox: a row is written,
``pending``, in the transaction that decides a reminder is due — unique per subscription, item
and day, so a second run (a restart) finds it and queues nothing — and is marked ``sent`` after
the receiver accepted it; a failed delivery stays ``pending`` with its next attempt's time.
``reminder_attempts`` keeps every attempt and its outcome: the reminders' audit log.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import Base

CHANNELS = {"email": "电子邮件", "webhook": "群机器人"}
MODES = {"digest": "每日汇总", "immediate": "即时提醒"}
SCOPES = {"person": "本人", "unit": "单位"}
DELIVERY_STATUSES = {"pending": "待发送", "sent": "已发送"}


class ReminderSubscription(Base):
    __tablename__ = "reminder_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(16))  # person | unit
    user: Mapped[str | None] = mapped_column(sa.String(100), index=True)  # a person's
    role: Mapped[str] = mapped_column(sa.String(16))  # whose to-do list is sent
    unit_code: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    leader_name: Mapped[str | None] = mapped_column(sa.String(100))  # a leader's 包抓 name
    channel: Mapped[str] = mapped_column(sa.String(16))  # email | webhook
    address: Mapped[str] = mapped_column(sa.String(500))  # e-mail address or webhook URL
    secret_env: Mapped[str | None] = mapped_column(sa.String(100))
    mode: Mapped[str] = mapped_column(sa.String(16))  # digest | immediate
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class ReminderDelivery(Base):
    __tablename__ = "reminders_sent"
    __table_args__ = (sa.UniqueConstraint("subscription_id", "item_key", "day",
                                          name="uq_reminders_sent_item_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(sa.ForeignKey("reminder_subscriptions.id"),
                                                 index=True)
    item_key: Mapped[str] = mapped_column(sa.String(120))  # a to-do's key, or "digest"
    day: Mapped[dt.date]  # the city's day it is for
    channel: Mapped[str] = mapped_column(sa.String(16))
    recipient: Mapped[str] = mapped_column(sa.String(200))  # the user, or unit:<code>
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True),
                                                         default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))

    subscription: Mapped[ReminderSubscription] = relationship(lazy="joined")
    attempt_rows: Mapped[list[ReminderAttempt]] = relationship(
        order_by="ReminderAttempt.id", lazy="selectin")


class ReminderAttempt(Base):
    __tablename__ = "reminder_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(sa.ForeignKey("reminders_sent.id"), index=True)
    attempted_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    outcome: Mapped[str] = mapped_column(sa.String(16))  # sent | failed
    detail: Mapped[str | None] = mapped_column(sa.Text)
