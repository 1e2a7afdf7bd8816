"""An API client that sends the identity the gateway would forward, signed as the gateway signs
it when the service knows the gateway's secret (``[gateway] secret`` or
``ZHAOSHANG_GATEWAY_SECRET``), so a test reaches a service exactly as a user behind the gateway.
"""

from __future__ import annotations

import json as json_module
from typing import Any
from urllib.parse import unquote

from core.api.support import EXTENSION
from core.identity import IDENTITY_HEADERS, Actor, gateway_secret, signed_identity_headers

API = "/api/v1"


class ApiClient:
    """``client.post("/leads", json=…, as_=("clerk", "east"))`` under ``/api/v1``.

    ``flask_client`` is the app's test client; the identity is ``user``/``role``/``unit`` unless
    a request names another role and unit with ``as_``.
    """

    def __init__(self, flask_client: Any, user: str = "officer1", role: str = "officer",
                 unit: str | None = None) -> None:
        self.flask = flask_client
        self.identity = {"user": user, "role": role, "unit": unit}

    def actor(self, as_: tuple[str, str | None] | None = None) -> Actor:
        """Who a request acts as: the client's identity, or ``as_`` = (role, unit)."""
        identity = dict(self.identity)
        if as_ is not None:
            identity["role"], identity["unit"] = as_
            identity["user"] = f"{as_[0]}-{as_[1]}"
        return Actor(identity["user"], identity["role"], identity["unit"])

    def headers(self, as_: tuple[str, str | None] | None = None) -> dict[str, str]:
        """The plain identity headers (what a service without a gateway secret reads)."""
        actor = self.actor(as_)
        headers = {IDENTITY_HEADERS["user"]: actor.user, IDENTITY_HEADERS["role"]: actor.role}
        if actor.unit:
            headers[IDENTITY_HEADERS["unit"]] = actor.unit
        return headers

    def request(self, method: str, path: str, as_: Any = None, **kwargs: Any) -> Any:
        runtime = self.flask.application.extensions[EXTENSION]
        secret = gateway_secret(runtime.city.config["gateway"]["secret"])
        if not secret:
            headers = {**self.headers(as_), **kwargs.pop("headers", {})}
            return self.flask.open(API + path, method=method, headers=headers, **kwargs)
        # Signed over the exact bytes sent: the body is serialised here, not by the client.
        body = kwargs.pop("data", None)
        if "json" in kwargs:
            body = json_module.dumps(kwargs.pop("json"), ensure_ascii=False).encode()
            kwargs.setdefault("content_type", "application/json")
        body = body.encode() if isinstance(body, str) else body
        where, _, query = (API + path).partition("?")
        actor = self.actor(as_)
        actor = Actor(actor.user, actor.role, actor.unit, runtime.city.code)
        headers = {**kwargs.pop("headers", {}), **signed_identity_headers(
            secret, actor, method, unquote(where), query=query, body=body)}
        return self.flask.open(API + path, method=method, headers=headers, data=body, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self.request("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)


def call(client: ApiClient, method: str, path: str, body: Any = None, status: int = 200,
         as_: tuple[str, str | None] | None = None) -> Any:
    """One request; asserts the status (showing the problem when it differs), returns the JSON."""
    response = client.request(method, path, json=body, as_=as_)
    assert response.status_code == status, response.json
    return response.json
