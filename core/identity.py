"""Who is acting: the identity a request carries (forwarded by the gateway)."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("clerk", "officer", "leader", "province", "admin", "system")


@dataclass(frozen=True)
class Actor:
    user: str
    role: str = "officer"
    unit: str | None = None  # a clerk's own unit code
    city: str | None = None

    def __str__(self) -> str:
        return self.user


SYSTEM = Actor(user="system", role="system")


def may_write_unit(actor: Actor, unit_code: str) -> bool:
    """A clerk writes only their own unit's data; officers and admins write their city."""
    if actor.role in ("officer", "admin", "system"):
        return True
    return actor.role == "clerk" and actor.unit == unit_code
