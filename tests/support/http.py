"""A test client that sends the identity headers the gateway would forward."""

from __future__ import annotations

from typing import Any


class ApiClient:
    """``client.post("/leads", json=…, as_=("clerk", "east"))`` under ``/api/v1``."""

    def __init__(self, flask_client: Any, user: str = "officer1", role: str = "officer",
                 unit: str | None = None) -> None:
        self.flask = flask_client
        self.identity = {"user": user, "role": role, "unit": unit}

    def headers(self, as_: tuple[str, str | None] | None = None) -> dict[str, str]:
        identity = dict(self.identity)
        if as_ is not None:
            identity["role"], identity["unit"] = as_
            identity["user"] = f"{as_[0]}-{as_[1]}"
        headers = {"X-Zhaoshang-User": identity["user"], "X-Zhaoshang-Role": identity["role"]}
        if identity["unit"]:
            headers["X-Zhaoshang-Unit"] = identity["unit"]
        return headers

    def request(self, method: str, path: str, as_: Any = None, **kwargs: Any) -> Any:
        return self.flask.open("/api/v1" + path, method=method, headers=self.headers(as_),
                               **kwargs)

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
