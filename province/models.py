"""The province's own store: the inbox of processed events and what they told it.

A separate declarative base (and database) from the cities': the province never shares
tables with a city. Keys are ``(city, id in that city)``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.db import NAMING_CONVENTION

Money = sa.Numeric(18, 4)
Position = sa.BigInteger().with_variant(sa.Integer, "sqlite")
Moment = sa.DateTime(timezone=True)


class ProvinceBase(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict: sa.JSON, list: sa.JSON}


class InboxEvent(ProvinceBase):
    """One event the province has applied; its id (``ce_source`` + ``ce_id``) is never applied
    twice. Written in the same transaction as the change the event caused."""

    __tablename__ = "province_inbox"
    __table_args__ = (sa.Index("ix_province_inbox_city_sequence", "city", "sequence"),)

    source: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    city: Mapped[str] = mapped_column(sa.String(32))
    type: Mapped[str] = mapped_column(sa.String(100))
    sequence: Mapped[int | None] = mapped_column(Position)
    event_time: Mapped[dt.datetime] = mapped_column(Moment)
    received_at: Mapped[dt.datetime] = mapped_column(Moment)
    topic: Mapped[str] = mapped_column(sa.String(200))
    partition: Mapped[int]
    offset: Mapped[int] = mapped_column(Position)


class CityProject(ProvinceBase):
    """A city's project as of the newest project event (by ``ce_sequence``)."""

    __tablename__ = "province_projects"
    # The figures read a period's signings and starts per city (core.figure_queries).
    __table_args__ = (sa.Index("ix_province_projects_city_signed_on", "city", "signed_on"),
                      sa.Index("ix_province_projects_city_started_on", "city", "started_on"))

    city: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    project_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(sa.String(200))
    industry: Mapped[str | None] = mapped_column(sa.String(64))
    amount: Mapped[Decimal] = mapped_column(Money)
    stage: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))
    channel: Mapped[str | None] = mapped_column(sa.String(32))
    # None: the investor's province is unknown — neither 省外 nor 省内 (counted apart).
    out_of_province: Mapped[bool | None]
    signed_on: Mapped[dt.date | None]
    started_on: Mapped[dt.date | None]
    completed_on: Mapped[dt.date | None]
    arrived_amount: Mapped[Decimal] = mapped_column(Money)
    funds: Mapped[list] = mapped_column(default=list)
    enterprise_name: Mapped[str] = mapped_column(sa.String(200))
    normalized_name: Mapped[str] = mapped_column(sa.String(200), index=True)
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    origin_province: Mapped[str | None] = mapped_column(sa.String(50))
    sequence: Mapped[int | None] = mapped_column(Position)
    event_time: Mapped[dt.datetime] = mapped_column(Moment)


class CityTranche(ProvinceBase):
    """One tranche of a project's funds as the project's newest state carried it.

    Kept beside ``province_projects.funds`` (province.store replaces a project's rows whenever
    it writes the project) so the figures sum arrivals by date in SQL (core.figure_queries).
    """

    __tablename__ = "province_tranches"
    __table_args__ = (sa.Index("ix_province_tranches_city_arrived_on", "city", "arrived_on"),)

    city: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    project_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    tranche_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    arrived_on: Mapped[dt.date]
    amount: Mapped[Decimal] = mapped_column(Money)
    verification: Mapped[str] = mapped_column(sa.String(16))


class FigureTotal(ProvinceBase):
    """The figures' additive sums per city, 省外 flag and calendar bucket: a read model.

    ``grain`` ``d``/``m``/``y``: the bucket is that day, the month or the year starting on
    ``bucket``; every contribution is added at the three grains, so a period's figures are a sum
    of whole years, whole months and edge days — a bounded number of rows per city, whatever the
    number of projects (province.figure_totals). ``out_of_province``: ``yes``/``no``/``unknown``
    for projects, ``""`` for leads (a lead has no 省外 flag). Signings (count, amount,
    fulfilling count) are keyed by the signing day, starts by the start day, tranches by their
    arrival day, leads by their report day; money is in ten-thousandths of a 万元
    (core.figure_queries.SCALE), exact integers. Kept by province.store in the transaction that
    applies each event (a project's old contribution subtracted, its new one added).
    """

    __tablename__ = "province_figure_totals"

    grain: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    bucket: Mapped[dt.date] = mapped_column(primary_key=True)
    city: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    out_of_province: Mapped[str] = mapped_column(sa.String(7), primary_key=True)
    signed_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    signed_amount: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    fulfilling_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    started_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    arrived_amount: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    pending_amount: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    leads: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class CityLead(ProvinceBase):
    """A city's lead as of its newest lead event."""

    __tablename__ = "province_leads"

    city: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    lead_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(16))
    industry: Mapped[str | None] = mapped_column(sa.String(64))
    intended_amount: Mapped[Decimal | None] = mapped_column(Money)
    reported_on: Mapped[dt.date]
    enterprise_name: Mapped[str] = mapped_column(sa.String(200))
    normalized_name: Mapped[str] = mapped_column(sa.String(200), index=True)
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    origin_province: Mapped[str | None] = mapped_column(sa.String(50))
    project_id: Mapped[int | None]
    sequence: Mapped[int | None] = mapped_column(Position)
    event_time: Mapped[dt.datetime] = mapped_column(Moment)


class CityState(ProvinceBase):
    """How current the province's copy of a city is."""

    __tablename__ = "province_cities"

    city: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    events: Mapped[int] = mapped_column(default=0)
    last_event_time: Mapped[dt.datetime | None] = mapped_column(Moment)
    last_event_type: Mapped[str | None] = mapped_column(sa.String(100))
    last_received_at: Mapped[dt.datetime | None] = mapped_column(Moment)
    # Inbox rows pruned (province.pruning): counted here so completeness stays exact. Every
    # pruned row's sequence is below the city's newest snapshot at the time it was pruned.
    pruned_events: Mapped[int] = mapped_column(default=0)
    pruned_through_sequence: Mapped[int | None] = mapped_column(Position)
    # The city's projects held (province.store counts each new one): a counter the figures
    # read instead of counting province_projects (province.figure_totals).
    projects: Mapped[int] = mapped_column(default=0)


class CitySnapshot(ProvinceBase):
    """A ``zhaoshang.city.snapshot`` event: the city's own totals at one moment."""

    __tablename__ = "province_snapshots"

    event_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    city: Mapped[str] = mapped_column(sa.String(32), index=True)
    sequence: Mapped[int | None] = mapped_column(Position)
    event_time: Mapped[dt.datetime] = mapped_column(Moment)
    data: Mapped[dict] = mapped_column(default=dict)


class PartitionPosition(ProvinceBase):
    """The next offset of a city topic's partition whose record has no fate yet.

    Written in the same transaction as the fates (applied or dead-lettered) of the records
    before it, so a record redelivered after a crash (its offset below ``next_offset``) is
    known as handled even after its inbox row was pruned. Kafka's committed offsets follow.
    """

    __tablename__ = "province_partitions"

    topic: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    partition: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    next_offset: Mapped[int] = mapped_column(Position)
    updated_at: Mapped[dt.datetime] = mapped_column(Moment)


class DeadLetter(ProvinceBase):
    """A record set aside: not a valid event of the city whose topic it came on.

    The raw record is kept byte for byte (key, headers, value) with the reason, so an operator
    can inspect it and replay it once the cause is fixed. ``status``: ``held`` (waiting),
    ``replayed`` (applied on a replay), ``discarded`` (an operator's decision, with a reason).
    ``published_at``: when it reached the dead-letter topic (None: not yet; retried).
    """

    __tablename__ = "province_dead_letters"
    __table_args__ = (sa.UniqueConstraint("topic", "partition", "offset"),
                      sa.Index("ix_province_dead_letters_city_status", "city", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(sa.String(200))
    partition: Mapped[int]
    offset: Mapped[int] = mapped_column(Position)
    city: Mapped[str] = mapped_column(sa.String(32))  # whose topic it came on
    key: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # [[name, base64 of the raw bytes or null], ...] in the record's order
    headers: Mapped[list] = mapped_column(default=list)
    value: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    record_time: Mapped[dt.datetime | None] = mapped_column(Moment)  # the Kafka timestamp
    reason: Mapped[str] = mapped_column(sa.String(64))  # a code, e.g. header.not_utf8
    detail: Mapped[str] = mapped_column(sa.Text)  # readable (Chinese) explanation
    event_id: Mapped[str | None] = mapped_column(sa.String(200))  # as claimed, if readable
    event_type: Mapped[str | None] = mapped_column(sa.String(200))
    sequence: Mapped[int | None] = mapped_column(Position)
    received_at: Mapped[dt.datetime] = mapped_column(Moment)
    status: Mapped[str] = mapped_column(sa.String(16), default="held")
    attempts: Mapped[int] = mapped_column(default=0)  # replays tried
    resolved_at: Mapped[dt.datetime | None] = mapped_column(Moment)
    resolved_by: Mapped[str | None] = mapped_column(sa.String(100))
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    published_at: Mapped[dt.datetime | None] = mapped_column(Moment, index=True)
