"""The gateway's own input (core.input_rules): its sign-in answers deep JSON, invalid UTF-8 and a
NUL with a Chinese 400 (or a plain 401 on the web form), never a 500; a body it only forwards is
the service's to judge."""

from __future__ import annotations

import pytest

from tests.gateway.harness import PASSWORD, make_gateway

TOKEN = "/api/v1/auth/token"


@pytest.fixture
def gateway_app(echo, tmp_path):
    return make_gateway(echo, tmp_path)


@pytest.mark.parametrize(("body", "code", "gist"), [
    ('{"username": ' + "[" * 100_000 + "]" * 100_000 + ', "password": "x"}', "body.too_deep",
     "嵌套过深"),
    ('{"username": ' + '{"a":' * 40 + "1" + "}" * 40 + ', "password": "x"}', "body.too_deep",
     "嵌套过深"),
    (b'{"username": "\xff", "password": "x"}', "invalid_utf8", "UTF-8"),
    ('{"username": "admin", "password": 1' + "0" * 5000 + "}", "body.number", "数值"),
    ('["admin", "secret"]', "body.not_object", "JSON 对象"),
])
def test_the_sign_in_refuses_a_body_it_cannot_read_with_a_chinese_400(gateway_app, body, code,
                                                                      gist):
    answer = gateway_app.test_client().post(TOKEN, data=body, content_type="application/json")
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    [error] = answer.json["errors"]
    assert (error["field"], error["code"]) == ("_body", code)
    assert gist in error["message"]


def test_a_nul_in_the_sign_in_is_refused_not_looked_up(gateway_app):
    client = gateway_app.test_client()
    answer = client.post(TOKEN, json={"username": "admin\x00", "password": PASSWORD})
    assert answer.status_code == 400
    assert answer.json["errors"][0] == {"field": "username", "code": "text.nul",
                                        "message": "不能含有空字符（NUL）"}
    page = client.post("/web/login", data={"username": "admin\x00", "password": PASSWORD})
    assert page.status_code == 401 and page.mimetype == "text/html"
    assert client.post(TOKEN, json={"username": "admin", "password": PASSWORD}).status_code == 200
