"""Reminders that reach people: a daily digest and immediate notices of what turns urgent.

Run by the city's scheduler every ``[reminders] interval_minutes`` (core.scheduler), in two
steps:

1. **Queue** (:func:`queue_reminders`, one transaction): for every active subscription, the
   person's (or unit's) to-do list (core.todos) as of the city's today. An ``immediate``
   subscription gets one row per item that is overdue or due today; a ``digest`` one gets one
   row (item ``digest``) listing everything, once the city's clock has passed ``[reminders]
   digest_at``. Each row goes into ``reminders_sent`` as ``pending``, unique per subscription,
   item and day: a row already there (an earlier run, a restarted scheduler) means nothing
   more is queued, so each item is sent at most once per channel and day.
2. **Deliver** (:func:`deliver_pending`): every pending row whose next attempt is due is sent
   (core.reminder_channels), then marked ``sent`` in its own transaction; a failure keeps it
   pending with ``attempts`` + 1 and the next attempt after a doubling backoff
   (core.retry.backoff, up to ``retry_longest_seconds``). Every attempt writes a
   ``reminder_attempts`` row (the reminders' audit log, ``GET /api/v1/reminders/deliveries``)
   and a log line.

Never lost, at least once: the decision and the pending row are one write, so a crash after it
still sends the reminder. A crash after the receiver took the message but before the row was
marked sends it again at the next run — the one case of a second delivery; the message names
its item and day, so a reader sees it is the same reminder.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from core.clock import utcnow
from core.db import unit_of_work
from core.models.reminders import ReminderAttempt, ReminderDelivery, ReminderSubscription
from core.reminder_channels import DeliveryFailed, send
from core.retry import backoff
from core.todos import URGENCY_LABELS, URGENT, Identity, TodoItem, todo_items

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from core.city import City

log = logging.getLogger("zhaoshang.reminders")
DIGEST = "digest"
RETRY_BASE_SECONDS = 30.0  # first retry after a minute, then 2, 4 … minutes


@dataclass(frozen=True)
class RoundDone:
    queued: int
    sent: int
    failed: int

    def as_dict(self) -> dict[str, int]:
        return {"queued": self.queued, "sent": self.sent, "failed": self.failed}


def identity_of(subscription: ReminderSubscription) -> Identity:
    """Whose to-do list a subscription receives: the person's, or a unit's clerks'."""
    if subscription.scope == "unit":
        return Identity(f"unit:{subscription.unit_code}", "clerk", subscription.unit_code)
    return Identity(subscription.user or "", subscription.role, subscription.unit_code,
                    subscription.leader_name)


def recipient_of(subscription: ReminderSubscription) -> str:
    if subscription.scope == "unit":
        return f"unit:{subscription.unit_code}"
    return subscription.user or ""


def item_line(city: City, item: TodoItem) -> str:
    """One item as a Markdown line with a link to its page (read as text in an e-mail)."""
    base = city.config["reminders"]["web_base_url"].rstrip("/")
    due = f"，期限 {item.due}" if item.due else ""
    return (f"- [{item.title}]({base}/c/{city.code}/{item.web_path})"
            f"（{URGENCY_LABELS[item.urgency]}{due}）")


def _message(city: City, subscription: ReminderSubscription, items: list[TodoItem],
             day: dt.date, key: str) -> tuple[str, str]:
    if key == DIGEST:
        subject = f"【{city.name}招商】{day} 待办汇总（{len(items)} 项）"
    else:
        subject = f"【{city.name}招商】{URGENCY_LABELS[items[0].urgency]}：{items[0].title}"
    lines = [item_line(city, item) for item in items]
    lines.append(f"\n（{day} 提醒，事项 {key}；同一事项每天只提醒一次）")
    return subject[:300], "\n".join(lines)


def digest_due(city: City, now: dt.datetime) -> bool:
    """Whether the city's clock has passed today's digest time (``[reminders] digest_at``)."""
    hour, minute = (int(part) for part in city.config["reminders"]["digest_at"].split(":"))
    local = city.clock.local(now)
    return (local.hour, local.minute) >= (hour, minute)


def queue_reminders(session: Session, city: City, now: dt.datetime | None = None) -> int:
    """Write the pending rows this run decides on; answers how many (see the module)."""
    now = now or utcnow()
    today = city.clock.day_of(now)
    with_digest = digest_due(city, now)
    queued = 0
    subscriptions = session.scalars(sa.select(ReminderSubscription).where(
        ReminderSubscription.active.is_(True)).order_by(ReminderSubscription.id)).all()
    for subscription in subscriptions:
        items = todo_items(session, city, identity_of(subscription), today)
        done = set(session.scalars(sa.select(ReminderDelivery.item_key).where(
            ReminderDelivery.subscription_id == subscription.id, ReminderDelivery.day == today)))
        if subscription.mode == DIGEST:
            batches = [(DIGEST, items)] if items and with_digest else []
        else:
            batches = [(item.key, [item]) for item in items if item.urgency in URGENT]
        for key, batch in batches:
            if key in done:
                continue
            subject, body = _message(city, subscription, batch, today, key)
            session.add(ReminderDelivery(
                subscription_id=subscription.id, item_key=key, day=today,
                channel=subscription.channel, recipient=recipient_of(subscription),
                subject=subject, body=body, status="pending", attempts=0, next_attempt_at=now,
                created_at=now))
            done.add(key)
            queued += 1
    session.flush()
    return queued


def deliver_pending(sessions: sessionmaker[Session], city: City,
                    now: dt.datetime | None = None) -> tuple[int, int]:
    """Send every pending reminder whose attempt is due; answers (sent, failed)."""
    now = now or utcnow()
    settings = city.config["reminders"]
    with unit_of_work(sessions) as session:
        due = [(row.id, row.channel, row.subscription.address, row.subscription.secret_env,
                row.subject, row.body, row.attempts)
               for row in session.scalars(sa.select(ReminderDelivery).where(
                   ReminderDelivery.status == "pending", ReminderDelivery.next_attempt_at <= now)
                   .order_by(ReminderDelivery.id))]
    sent = failed = 0
    for delivery_id, channel, address, secret_env, subject, body, attempts in due:
        try:
            send(settings, channel, address, secret_env, subject, body)
        except DeliveryFailed as exc:
            failed += 1
            wait = backoff(attempts + 1, settings["retry_longest_seconds"], RETRY_BASE_SECONDS)
            _record(sessions, delivery_id, now, "failed", str(exc)[:2000],
                    now + dt.timedelta(seconds=wait))
            log.warning("reminder city=%s delivery=%s channel=%s failed (%s); retry in %ds",
                        city.code, delivery_id, channel, exc, wait)
            continue
        sent += 1
        _record(sessions, delivery_id, now, "sent", None, None)
        log.info("reminder city=%s delivery=%s channel=%s sent", city.code, delivery_id, channel)
    return sent, failed


def _record(sessions: sessionmaker[Session], delivery_id: int, now: dt.datetime, outcome: str,
            detail: str | None, retry_at: dt.datetime | None) -> None:
    with unit_of_work(sessions) as session:
        row = session.get(ReminderDelivery, delivery_id)
        row.attempts += 1
        if outcome == "sent":
            row.status, row.sent_at, row.last_error = "sent", now, None
        else:
            row.last_error, row.next_attempt_at = detail, retry_at
        session.add(ReminderAttempt(delivery_id=delivery_id, attempted_at=now, outcome=outcome,
                                    detail=detail))


def run_reminders(sessions: sessionmaker[Session], city: City,
                  now: dt.datetime | None = None) -> dict[str, Any]:
    """One scheduler round: queue what is due, then deliver what is pending."""
    now = now or utcnow()
    with unit_of_work(sessions) as session:
        queued = queue_reminders(session, city, now)
    sent, failed = deliver_pending(sessions, city, now)
    return RoundDone(queued, sent, failed).as_dict()
