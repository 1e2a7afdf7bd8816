"""Every page of every role reads as Chinese (issue 25): the five built-in cities with their
plugins and the demo data ``make up`` loads, behind the gateway with the demo logins; each
person opens every page of their menu, the records its lists lead to (a lead, a project and
its history, a matter, an introducer, an enterprise …) and the forms sent back empty, and the
scan (:mod:`tests.support.page_scan`) finds no English word, raw code or raw value."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from gateway.demo import clerk_unit
from tests.gateway.harness import PASSWORD, CityService, Front, ProvinceService, running_gateway
from tests.gateway.test_gateway_versions import web_as
from tests.support.page_scan import scan_page

CITIES = {"lanzhou": "兰州市", "ziyang": "资阳市", "sanming": "三明市", "changsha": "长沙市",
          "pingliang": "平凉市"}
PAGE_LIMIT = 80  # pages one person opens: every kind of page once, not every record
SKIPPED = re.compile(r"\.xlsx$|/export/|/logout$|^/web/city$|^/web/static/|^/web/login$")
LINK = re.compile(r'href="(/web/[^"#]*)')
FORM = re.compile(r'<form\b[^>]*method="post"[^>]*>.*?</form>', re.S | re.I)


def people() -> list[tuple[str, str]]:
    """(username, city) of every demo login: a city's own people in their city; the province
    user in every city; the administrator in the first."""
    found = []
    for city in CITIES:
        if clerk_unit(city):
            found.append((f"{city}-clerk", city))
        found += [(f"{city}-officer", city), (f"{city}-leader", city), ("province", city)]
    return [*found, ("admin", "lanzhou")]


@pytest.fixture(scope="module")
def demo_front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    """The five cities as ``make up`` serves them (plugins, demo data), the province service
    and a gateway with the demo logins (their display names included)."""
    from gateway.demo import ensure_demo_users

    base = tmp_path_factory.mktemp("page-scan")
    started = {code: CityService(code, base, built_in=True, name=name)
               for code, name in CITIES.items()}
    province = ProvinceService(base)
    services = [*started.values(), province]
    try:
        # In two waves: five demos loading at once on two cores outlast a service's start-up
        # deadline.
        for wave in (services[:3], services[3:]):
            for service in wave:
                service.start()
            for service in wave:
                service.wait_ready()
        with running_gateway(started, province, base, users={}) as front:
            extension = front.app.extensions["zhaoshang_gateway"]
            ensure_demo_users(extension.sessions, extension.settings, PASSWORD)
            yield front
    finally:
        for service in services:
            service.stop()


def shape(url: str) -> str:
    """A page's kind: its path with record ids as ``{id}`` (one record of each kind is enough)."""
    return re.sub(r"/\d+(?=/|$)", "/{id}", urlsplit(url).path)


def links(page: str, city: str) -> list[str]:
    found = []
    for href in LINK.findall(page):
        url = html.unescape(href)
        path = urlsplit(url).path
        if SKIPPED.search(path):
            continue
        if path.startswith(f"/web/c/{city}/") or path.startswith("/web/province"):
            found.append(url)
    return found


def menu_links(page: str) -> list[str]:
    menu = re.search(r'<nav class="menu".*?</nav>', page, re.S)
    assert menu, "no menu"
    return [html.unescape(href) for href in LINK.findall(menu.group(0))]


def empty_submissions(page: str, csrf: str) -> list[tuple[str, dict[str, str]]]:
    """The page's forms that ask for something (a required field), each with only its hidden
    fields: what a person sends who presses the button on an empty form."""
    found = []
    for form in FORM.findall(page):
        if " required" not in form:
            continue
        action = re.search(r'action="([^"]+)"', form)
        if not action:
            continue
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
        found.append((html.unescape(action.group(1)), {**hidden, "csrf_token": csrf}))
    return found


def walk(front: Front, username: str, city: str) -> dict[str, list[str]]:
    """Every kind of page ``username`` reaches in ``city``, scanned: ``url: findings``."""
    web, csrf = web_as(front, username)
    start = web.get(f"/web/city?city={city}" if username in ("province", "admin") else "/web/",
                    follow_redirects=True)
    assert start.status_code == 200
    first = start.get_data(as_text=True)
    queue = menu_links(first)
    assert queue, username
    seen_menu, seen_shapes, submitted = set(queue), {shape(url) for url in queue}, set()
    findings: dict[str, list[str]] = {}
    opened = 0
    while queue and opened < PAGE_LIMIT:
        url = queue.pop(0)
        answer = web.get(url)
        opened += 1
        assert answer.status_code < 500, (url, answer.status_code)
        if answer.status_code in (301, 302, 303):
            continue
        page = answer.get_data(as_text=True)
        report(findings, url, page)
        for action, data in empty_submissions(page, csrf):
            if shape(action) in submitted:
                continue
            submitted.add(shape(action))
            sent = web.post(action, data=data, follow_redirects=True)
            assert sent.status_code < 500, (action, sent.status_code)
            report(findings, f"POST {action} (empty)", sent.get_data(as_text=True))
        for link in links(page, city):
            kind = link if link in seen_menu else shape(link)
            if kind not in seen_shapes and link not in seen_menu:
                seen_shapes.add(kind)
                queue.append(link)
    return findings


def report(findings: dict[str, list[str]], url: str, page: str) -> None:
    found = scan_page(page)
    if found:
        findings[url] = [str(finding) for finding in found]


@pytest.mark.parametrize(("username", "city"), people(), ids=[f"{u}@{c}" for u, c in people()])
def test_every_page_of_every_role_reads_as_chinese(demo_front, username, city):
    findings = walk(demo_front, username, city)
    assert not findings, "\n".join(f"{url}\n  " + "\n  ".join(items)
                                   for url, items in findings.items())
