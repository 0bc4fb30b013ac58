"""When course downloads may start: always, only when asked, or only on one chosen network.

Offices often pay for a metered link by the megabyte while the training centre's network is
free; a learner picks "only on this network" once, and downloads wait until the desktop is
back there. The network is recognised without any outside service: the address the computer
would use to reach the internet, its subnet and (on Linux) the default gateway.
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
from pathlib import Path

from stepcampus.settings import DOWNLOAD_WHEN, Settings

# Documentation addresses (never answered): connecting a UDP socket to one sends nothing,
# but makes the OS choose the local address and route it would use for the internet.
_PROBES = ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1"))
_ROUTE_TABLE = Path("/proc/net/route")
_RTF_GATEWAY = 0x2


def _local_address(family: int, probe: str) -> str | None:
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.connect((probe, 9))
            address = sock.getsockname()[0]
    except OSError:  # no route: offline, or this family is not configured
        return None
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.is_loopback or ip.is_unspecified or ip.is_link_local:
        return None
    return str(ip)


def _subnet(address: str) -> str:
    prefix = 24 if ipaddress.ip_address(address).version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def default_gateway(route_table: Path | None = None) -> str | None:
    """The IPv4 default gateway from the Linux routing table; None where it cannot be read."""
    try:
        text = (route_table or _ROUTE_TABLE).read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 4 or fields[1] != "00000000":
            continue
        try:
            flags, gateway = int(fields[3], 16), int(fields[2], 16)
        except ValueError:
            continue
        if flags & _RTF_GATEWAY and gateway:
            # The table prints the address in the machine's byte order, little-endian here.
            return str(ipaddress.IPv4Address(gateway.to_bytes(4, "little")))
    return None


def current_network_id() -> str | None:
    """A short id for the network the computer is on now; None when it has no route out.

    Stable while the computer stays on one network (the subnet, not the exact address, so a
    new DHCP lease keeps it), different on another network; it reveals no address itself.
    """
    parts = []
    for family, probe in _PROBES:
        address = _local_address(family, probe)
        if address is not None:
            parts.append(_subnet(address))
    if not parts:
        return None
    gateway = default_gateway()
    if gateway:
        parts.append(f"via {gateway}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def may_download(settings: Settings, network_id: str | None, *,
                 asked: bool = False) -> tuple[bool, str]:
    """Whether a download may start now, and if not, why, in words for the learner.

    `asked` is True when the person pressed a download button just now: "later" means
    "only when I ask", so that is enough; "network" still holds, since the point of it is that
    another network costs money.
    """
    when = settings.download_when
    if when not in DOWNLOAD_WHEN:
        return False, f"the download setting {when!r} is not one of {', '.join(DOWNLOAD_WHEN)}"
    if when == "always":
        return True, ""
    if when == "later":
        if asked:
            return True, ""
        return False, "Downloads wait until you ask for them (you chose to download later)."
    if not settings.download_network:
        return False, ("Downloads wait for a network you choose, and none is chosen yet: "
                       "choose this network in the settings.")
    if network_id is None:
        return False, "This computer is offline; downloads wait for the network you chose."
    if network_id != settings.download_network:
        return False, ("Downloads wait until this computer is on the network you chose; "
                       "it is on another one now.")
    return True, ""


def cap_bytes_per_s(settings: Settings) -> int:
    """The download speed cap in bytes per second; 0 for none."""
    cap = settings.download_cap_kib
    if isinstance(cap, bool) or not isinstance(cap, int) or cap <= 0:
        return 0
    return cap * 1024
