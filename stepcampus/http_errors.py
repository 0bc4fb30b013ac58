"""What a server said when it refused a request, for the messages of every client of the
campus, the hub and the LRS (one reading of `{"error": ...}` bodies, not one per client)."""

from __future__ import annotations

import httpx

LONGEST = 200


def server_said(response: httpx.Response, *, or_status: bool = False) -> str:
    """The server's own words: the body's "error" (or "message"), else its text; shortened to
    one line. When it said nothing readable: "", or with `or_status` "HTTP 502"."""
    try:
        data = response.json()
    except ValueError:
        text = response.text
    else:
        found = (data.get("error") or data.get("message")) if isinstance(data, dict) else None
        text = found if isinstance(found, str) else ""
    said = " ".join(text.split())[:LONGEST]
    return said or (f"HTTP {response.status_code}" if or_status else "")
