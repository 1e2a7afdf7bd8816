"""``q`` on the lists of leads, projects, enterprises and introducers (core.search): any fragment
of two characters or more of a name or contact, a credit code's start; closest matches first;
with the lists' other filters. On SQLite (FTS5 trigram, LIKE under three characters) and on
PostgreSQL (pg_trgm)."""

from __future__ import annotations

import pytest

from core.credit_code import make_credit_code, organisation_check_character
from tests.support.records import create_project, credit_code, enterprise, item_ids, lead_body


def code(body: str) -> str:
    return make_credit_code("91440300" + body + organisation_check_character(body))


def report(client, serial: int, title: str, name: str, **overrides) -> int:
    body = lead_body(serial, title=title, enterprise=enterprise(serial, name=name)) | overrides
    response = client.post("/leads", json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


@pytest.fixture
def leads(client):
    return {
        "fragment": report(client, 1, "高端装备落户线索", "甘肃陇原新能源科技有限公司",
                           contact_name="王建国", contact_phone="13912345678"),
        "prefix": report(client, 2, "新能源电池项目", "兰州某某有限公司", reported_on="2024-03-01"),
        "exact": report(client, 3, "新能源", "天水某某有限公司", reported_on="2024-02-01"),
        "later_fragment": report(client, 4, "储能与新能源配套", "白银某某有限公司",
                                 reported_on="2024-03-05", reporting_unit="west"),
        "other": report(client, 5, "食品加工线索", "定西某某有限公司"),
    }


def test_a_two_character_fragment_finds_the_record(client, leads):
    # Two characters: below the trigram tokenizer's three, matched with LIKE on SQLite.
    assert item_ids(client, "/leads?q=陇原") == [leads["fragment"]]
    assert item_ids(client, "/leads?q=食品") == [leads["other"]]
    # Three and more: the trigram index on both databases.
    assert item_ids(client, "/leads?q=陇原新能") == [leads["fragment"]]
    assert item_ids(client, "/leads?q=落户线") == [leads["fragment"]]


def test_a_lead_is_found_by_its_contact(client, leads):
    assert item_ids(client, "/leads?q=建国") == [leads["fragment"]]
    assert item_ids(client, "/leads?q=1391234") == [leads["fragment"]]


def test_closest_matches_come_first_then_the_most_recent(client, leads):
    # 新能源 is the whole title of one lead, the start of another, inside the rest (in
    # the title or the enterprise's name); among those, the latest reported first.
    ids = item_ids(client, "/leads?q=新能源")
    assert ids[:2] == [leads["exact"], leads["prefix"]]
    assert ids[2:] == [leads["later_fragment"], leads["fragment"]]  # 03-05, then 03-04
    # A sort asked for wins over the ranking.
    assert item_ids(client, "/leads?q=新能源&sort=reported_on")[0] == leads["exact"]
    assert item_ids(client, "/leads?q=新能源&sort=-reported_on")[0] == leads["later_fragment"]


def test_latin_letters_match_whatever_their_case(client):
    # Names of foreign investors and brands: typed in either case, on both databases, with a
    # fragment under three letters (the scan) and over (the index); the same name in another
    # case still ranks as the name itself.
    whole = report(client, 11, "ABB", "上海某某有限公司", reported_on="2024-02-01")
    start = report(client, 12, "Abbott 医疗器械项目", "苏州某某有限公司", reported_on="2024-03-02")
    inside = report(client, 13, "合资 aBb 电气项目", "天津某某有限公司", reported_on="2024-03-03")
    for text in ("ab", "AB"):  # two names start with it: the later reported first
        assert item_ids(client, f"/leads?q={text}") == [start, whole, inside], text
    for text in ("abb", "ABB", "aBb"):  # "ABB" is the name itself
        assert item_ids(client, f"/leads?q={text}") == [whole, start, inside], text
    assert item_ids(client, "/leads?q=bo") == [start]
    assert item_ids(client, "/leads?q=BOTT") == [start]


def test_q_goes_with_the_other_filters(client, leads):
    assert item_ids(client, "/leads?q=新能源&reporting_unit=west") == [leads["later_fragment"]]
    assert item_ids(client, "/leads?q=新能源&status=rejected") == []


def test_a_credit_code_is_found_by_its_start(client, leads):
    full = credit_code(5)
    assert item_ids(client, f"/leads?q={full[:16]}") == [leads["other"]]
    assert item_ids(client, f"/leads?q={full[:16].lower()}") == [leads["other"]]
    # The middle of a code is not a match: a code is read from its start.
    assert item_ids(client, f"/leads?q={full[4:14]}") == []
    assert set(item_ids(client, f"/enterprises?q={full[:16]}")) == {
        item["enterprise"]["id"] for item in client.get("/leads?q=食品").json["items"]}


def test_fragments_that_look_like_search_syntax_are_matched_literally(client, leads):
    for text in ('"新能', "新能源*", "新能 OR 食品", "%能%", "新_源"):
        response = client.get("/leads", query_string={"q": text})
        assert response.status_code == 200, response.json
        assert response.json["items"] == [], text


def test_one_character_is_refused_with_a_message(client, leads):
    response = client.get("/leads?q=新")
    assert response.status_code == 400
    assert [e["field"] for e in response.json["errors"]] == ["q"]
    assert response.json["errors"][0]["message"] == "搜索词应为 2–100 个字"


def test_projects_enterprises_and_introducers_are_searched(client):
    project = create_project(client, 7, name="陇原智能制造产业园",
                             enterprise=enterprise(7, name="甘肃智造投资有限公司"))
    create_project(client, 8)
    assert item_ids(client, "/projects?q=陇原") == [project["id"]]
    assert item_ids(client, "/projects?q=智造投资") == [project["id"]]
    assert item_ids(client, "/projects?q=智能制造&stage=signed") == []
    assert item_ids(client, "/enterprises?q=智造") == [project["enterprise"]["id"]]
    firm = {"name": "华南招商顾问有限公司", "kind": "firm", "credit_code": code("MA000001"),
            "contact_person": "李明远", "phone": "0755-83456789"}
    response = client.post("/intermediaries", json=firm)
    assert response.status_code == 201, response.json
    introducer = response.json["id"]
    assert item_ids(client, "/intermediaries?q=招商顾问") == [introducer]
    assert item_ids(client, "/intermediaries?q=明远") == [introducer]
    assert item_ids(client, "/intermediaries?q=8345") == [introducer]
    assert item_ids(client, f"/intermediaries?q={code('MA000001')[:10]}") == [introducer]


def test_the_index_follows_a_rename(client):
    # On SQLite the FTS5 table is kept by triggers: a renamed record is found by its new name
    # only.
    firm = {"name": "西北招商顾问有限公司", "kind": "firm", "credit_code": code("MA000002"),
            "contact_person": "赵六", "phone": "0931-8123456"}
    response = client.post("/intermediaries", json=firm)
    assert response.status_code == 201, response.json
    introducer = response.json["id"]
    patched = client.patch(f"/intermediaries/{introducer}",
                           json={"name": "陇上冷链咨询有限公司", "reason": "更名"})
    assert patched.status_code == 200, patched.json
    assert item_ids(client, "/intermediaries?q=冷链咨询") == [introducer]
    assert item_ids(client, "/intermediaries?q=西北招商") == []
