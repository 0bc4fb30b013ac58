"""The hub's settings: the home page its learners' records are filed under, its name, and its
link to the campus server (address, hub token, whose it is)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from stepcampus.hub.database import HubDatabase
from stepcampus.hub.upstream import HubLink

HOME_PAGE = "home_page"
UPSTREAM_HOME_PAGE = "upstream.home_page"
FORWARD_STATUS = "forward.status"
_LINK_KEYS = ("upstream.base", "upstream.token", "upstream.hub_id", "upstream.facilitator",
              "upstream.label")


def load_link(db: HubDatabase) -> HubLink | None:
    values = db.settings()
    if not all(key in values for key in _LINK_KEYS):
        return None
    return HubLink(*(values[key] for key in _LINK_KEYS))


def save_link(db: HubDatabase, link: HubLink, home_page: str | None) -> None:
    """Keep the link (the token, never the facilitator's password) and the campus's home page."""
    db.set_settings({"upstream.base": link.base, "upstream.token": link.token,
                     "upstream.hub_id": link.hub_id, "upstream.facilitator": link.facilitator,
                     "upstream.label": link.label, UPSTREAM_HOME_PAGE: home_page})


@dataclass(frozen=True)
class ForwardStatus:
    """What the forwarder last did, kept for `stepcampus hub status` in another process."""

    state: str  # "forwarding", "up to date", "offline", "refused sign-in", "not linked"
    message: str
    at: str

    def as_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> ForwardStatus | None:
        try:
            data: Any = json.loads(text or "")
            return cls(str(data["state"]), str(data["message"]), str(data["at"]))
        except (ValueError, KeyError, TypeError):
            return None
