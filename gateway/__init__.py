"""The gateway: the suite's only public entry (``docs/gateway.md``).

It verifies tokens, enforces who may touch which city, forwards a signed identity
to the city and province services, isolates a failing city, rate-limits, keeps an
audit log and serves one OpenAPI document for everything behind it.
"""
