"""``CityConformance``: the checks every city package runs against itself.

A city's tests subclass it and name their deployment file::

    class TestConformance(CityConformance):
        config_path = Path(__file__).parent.parent / "zhaoshang_tianshui" / "config.toml"

The class-scoped fixtures copy the file for the run (own database and topic prefix), boot the
city's service as a process, walk a lead and a project through it once (:mod:`journey`),
relay the city's outbox to a real Kafka broker and let a province consumer collect it. The
tests then each assert one promise: the configuration validates; the city's hooks keep their
contracts (:mod:`contracts`); the service serves ``/api/v1/city``, accepts a lead and moves a
project through the lifecycle; the mechanisms the city feeds answer; the province accepts
every event the city published and shows the city's figures.

What a city's rules need beyond the generic walk goes in the subclass: ``lead_attributes``,
``project_attributes``, ``attribute_values`` (value per ``attributes.x`` gate path) and
``prepare_stage`` (e.g. a review the city requires before signing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa

from core.city import City, load_city
from core.conformance import contracts
from core.conformance.journey import STAGES, Journey, JourneyRecord
from core.conformance.service import CityProcess, private_deployment
from core.identity import Actor, gateway_secret, signed_identity_headers


@dataclass
class Deployment:
    """The city under test: its run-private file, the city built from it, its service."""

    config_file: Path
    raw: dict[str, Any]
    city: City
    service: CityProcess
    workdir: Path
    bootstrap_servers: str


def period_of(period: str, day: dt.date) -> str:
    """The assessment period containing ``day`` in the API's notation."""
    return {"week": f"{day.isocalendar().year}-W{day.isocalendar().week:02d}",
            "month": f"{day:%Y-%m}", "quarter": f"{day.year}-Q{(day.month - 1) // 3 + 1}",
            "half_year": f"{day.year}-H{1 if day.month <= 6 else 2}", "year": str(day.year)}[period]


class CityConformance:
    """Subclass with ``config_path``; pytest collects the subclass (``Test…``)."""

    config_path: ClassVar[Path | str]
    lead_attributes: ClassVar[dict[str, Any]] = {}
    project_attributes: ClassVar[dict[str, Any]] = {}
    attribute_values: ClassVar[dict[str, Any]] = {}

    def prepare_stage(self, api: CityProcess, project: dict[str, Any], stage: str) -> None:
        """The city's own preparation before ``project`` enters ``stage`` (default: none)."""

    # -- fixtures ---------------------------------------------------------------------------
    @pytest.fixture(scope="class")
    @classmethod
    def deployment(cls, tmp_path_factory: pytest.TempPathFactory,
                   zhaoshang_kafka: str) -> Iterator[Deployment]:
        workdir = tmp_path_factory.mktemp("conformance")
        config_file, raw = private_deployment(cls.config_path, workdir, zhaoshang_kafka)
        city = load_city(config_file)
        service = CityProcess(config_file, workdir)
        service.start()
        try:
            yield Deployment(config_file, raw, city, service, workdir, zhaoshang_kafka)
        finally:
            service.stop()

    @pytest.fixture(scope="class")
    @classmethod
    def journey(cls, deployment: Deployment) -> JourneyRecord:
        return Journey(deployment.service, deployment.raw, dict(cls.lead_attributes),
                       dict(cls.project_attributes), dict(cls.attribute_values),
                       cls().prepare_stage).run()

    # -- configuration and contracts ----------------------------------------------------------
    def test_configuration_validates(self, deployment: Deployment) -> None:
        city = load_city(self.config_path)  # the file as shipped, not only the run's copy
        assert city.code == deployment.city.code
        assert city.config["plugins"]["enabled"], "the deployment enables no plugin of its own"

    def test_hooks_taking_only_the_city_keep_their_contracts(self, deployment: Deployment) -> None:
        assert contracts.city_only_problems(deployment.city) == []

    def test_hooks_judging_records_keep_their_contracts(self, deployment: Deployment,
                                                       journey: JourneyRecord) -> None:
        from core.db import make_engine
        from core.models import Lead, Project, Unit

        engine = make_engine(deployment.raw["database"]["url"])
        try:
            with engine.connect() as connection, connection.begin() as outer:
                session = sa.orm.Session(bind=connection)
                lead = session.get(Lead, journey.lead["id"])
                project = session.get(Project, journey.project["id"])
                other = session.scalar(sa.select(Unit).where(Unit.code == journey.other_unit)) \
                    if journey.other_unit else None
                problems = contracts.record_problems(deployment.city, session, lead, project,
                                                     other)
                # The stored deadline is the one the city's rule gives.
                deadline = deployment.city.hook.lead_first_talk_deadline(city=deployment.city,
                                                                         lead=lead)
                session.close()
                outer.rollback()
        finally:
            engine.dispose()
        assert problems == []
        assert journey.lead["first_talk_due"] == (deadline.isoformat() if deadline else None)

    # -- the service ------------------------------------------------------------------------
    def test_the_service_serves_the_city(self, deployment: Deployment) -> None:
        profile = deployment.service.call("GET", "/city").expect(200)
        assert (profile["code"], profile["name"]) == (deployment.city.code, deployment.city.name)
        assert profile["province"] == deployment.city.province

    def test_the_service_accepts_a_lead(self, journey: JourneyRecord) -> None:
        lead = journey.lead
        assert lead["reporting_unit"] == journey.reporter
        assert lead["first_talk_unit"] == journey.reporter
        assert lead["status"] == "converted" and lead["project_id"] == journey.project["id"]

    def test_a_project_moves_through_the_lifecycle(self, deployment: Deployment,
                                                  journey: JourneyRecord) -> None:
        assert journey.refused == {}, f"a transition was refused: {journey.refused}"
        assert journey.project["stage"] == STAGES[-1]
        moves = deployment.service.call(
            "GET", f"/projects/{journey.project['id']}/transitions").expect(200)
        moves = moves["items"] if isinstance(moves, dict) else moves
        assert [(m["from_stage"], m["to_stage"]) for m in sorted(moves, key=lambda m: m["id"])] \
            == list(zip(STAGES, STAGES[1:], strict=False))
        if journey.transfer is not None:
            # Each unit's part of a transferred project is a share of one whole.
            for key in ("indicator_share_from", "tax_share_from"):
                assert 0 <= float(journey.transfer[key]) <= 1

    def test_the_mechanisms_the_city_feeds_answer(self, deployment: Deployment,
                                                 journey: JourneyRecord) -> None:
        api, today = deployment.service, deployment.city.clock.today()
        api.call("GET", "/evaluation-forms").expect(200)
        for scheme in api.call("GET", "/assessments/schemes").expect(200):
            api.call("POST", "/assessments/runs", {
                "scheme": scheme["code"], "period": period_of(scheme["period"], today)}
            ).expect(200, 201)
        year = {"from": f"{today.year}-01-01", "to": f"{today.year}-12-31"}
        api.call("POST", "/rewards", year).expect(200, 201)
        api.call("POST", "/warnings/recompute", {}).expect(200)
        for report in api.call("GET", "/reports").expect(200):
            # A report's parameters are its own: without them it answers, or says which it
            # needs (a field-level 400), never fails.
            answer = api.call("GET", f"/reports/{report['code']}")
            assert answer.status == 200 or (answer.status == 400 and answer.body["errors"]), \
                f"report {report['code']}: HTTP {answer.status}: {answer.body}"
        api.call("GET", "/stats", **year).expect(200)

    # -- the demo (its own database: needs neither the service nor the broker) ----------------
    def test_the_demo_loads_on_a_fresh_database(self, tmp_path: Path) -> None:
        """``zhaoshang demo`` works and writes only catalogued events (:mod:`demo`): a rule
        added later must not break the records that show the city at work."""
        from core.conformance.demo import demo_problems

        problems = demo_problems(self.config_path, tmp_path / "demo")
        assert problems == [], "\n".join(problems)

    # -- events ------------------------------------------------------------------------------
    def test_every_event_the_city_published_is_catalogued(self, deployment: Deployment,
                                                         journey: JourneyRecord) -> None:
        """Every event of the kit's walk is a catalogued type whose data matches its entry —
        what the province requires before it applies one."""
        from core.conformance.demo import catalogue_problems

        assert journey.project["stage"]  # the walk wrote its events
        problems = catalogue_problems(deployment.raw["database"]["url"],
                                      deployment.city.event_catalogue)
        assert problems == [], "\n".join(problems)

    def test_the_province_accepts_the_city_events(self, deployment: Deployment,
                                                  journey: JourneyRecord,
                                                  tmp_path: Path) -> None:
        from core.conformance.parts import provided
        from core.db import make_engine
        from core.models import OutboxEvent
        from core.relay import city_relay

        engine = make_engine(deployment.raw["database"]["url"])
        relay = city_relay(deployment.city, engine, deployment.bootstrap_servers)
        try:
            relay.drain()
        finally:
            relay.close()
        with engine.connect() as connection:
            published = set(connection.scalars(sa.select(OutboxEvent.id)))
        engine.dispose()
        code = deployment.city.code
        # The province is injected (core/conformance/parts.py): the core never imports it.
        province = provided("province")(deployment.city, deployment.bootstrap_servers,
                                        deployment.raw["events"]["topic_prefix"], published,
                                        tmp_path)
        assert province.dead_lettered == 0
        assert province.stage_of(journey.project["id"]) == journey.project["stage"]
        today = deployment.city.clock.today()
        # The walk began yesterday (core.conformance.journey): on 1 January, last year too.
        began = journey.began_on or today
        year = f"from={began.year}-01-01&to={today.year}-12-31"
        path = "/api/v1/province/cities"
        # Signed as the gateway signs, should the environment give the province its secret.
        headers = signed_identity_headers(gateway_secret(), Actor("conformance", "province"),
                                          "GET", path, query=year)
        figures = province.client.get(f"{path}?{year}", headers=headers).json
        row = next(row for row in figures["cities"] if row["key"] == code)
        assert row["label"] == deployment.city.name
        assert row["leads_reported"] >= 1 and row["projects"] >= 1
        # The province shows the figures the city itself reports.
        own = deployment.service.call("GET", f"/stats?{year}").expect(200)["total"]
        for figure in ("signed_count", "signed_amount", "started_count", "arrived_amount"):
            assert (figure, row[figure]) == (figure, own[figure])

    # -- who may do what (last: its allowed writes must not disturb the checks above) ---------
    def test_every_operation_is_allowed_or_refused_as_declared(
            self, deployment: Deployment, journey: JourneyRecord) -> None:
        """The permission matrix (:mod:`core.conformance.matrix`) over this city's service.

        The kit runs the service without the gateway, so the gateway's own refusals (nobody
        signed in, another city) are not part of it; the built-in cities prove those through
        the real gateway (``tests/permission_matrix``).
        """
        from core.conformance.matrix import Persona, answer_of, run_matrix
        from core.db import make_engine
        from core.models import OutboxEvent

        service = deployment.service
        engine = make_engine(deployment.raw["database"]["url"])

        def send(persona: Persona, method: str, path: str, body: dict[str, Any]) -> Any:
            answer = service.call(method, path, body if method != "GET" else None,
                                  role=persona.role or "officer", unit=persona.unit)
            return answer_of(answer.status, answer.body)

        def written() -> int:
            with engine.connect() as connection:
                return connection.scalar(sa.select(sa.func.count()).select_from(OutboxEvent))

        personas = {name: Persona(name, name) for name in ("officer", "leader", "province",
                                                            "admin")}
        units = [unit["code"] for unit in deployment.city.config["units"]]
        try:
            result = run_matrix(service.call("GET", "/openapi.json").expect(200), send, personas,
                                lambda unit: Persona("clerk", "clerk", unit=unit), units, written)
        finally:
            engine.dispose()
        assert result.mismatches == [], "\n".join(result.mismatches[:40])
        assert result.checked > 100

