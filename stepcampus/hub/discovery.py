"""Hubs on the local network: announced and found with zeroconf (mDNS/DNS-SD).

A hub announces `_stepcampus._tcp.local.` on the interfaces it listens on, with the paths of its
tree and LRS in the TXT record. Before it announces, it looks for the hubs already there: one
with the same name makes zeroconf give this one a suffix ("Room 4-2"), and the hub says so.
Learners' apps call `discover`; where multicast does not pass (some office networks), a typed
address does the same.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

SERVICE_TYPE = "_stepcampus._tcp.local."
PROTOCOL = "1"
LOOK_SECONDS = 1.5  # to hear the hubs already announced before claiming a name
MAX_NAME_BYTES = 63  # a DNS label


@dataclass(frozen=True)
class FoundHub:
    name: str  # the instance name, e.g. "Room 4" or "Room 4-2"
    addresses: tuple[str, ...]
    port: int
    content_path: str = "/content/"
    xapi_path: str = "/xapi/"

    @property
    def url(self) -> str:
        return f"http://{self.addresses[0]}:{self.port}" if self.addresses else ""

    @property
    def content_url(self) -> str:
        return self.url + self.content_path

    @property
    def xapi_url(self) -> str:
        return self.url + self.xapi_path


def instance_name(full: str) -> str:
    return full.removesuffix("." + SERVICE_TYPE)


def check_name(name: str) -> str:
    from stepcampus.errors import InputError, Problem

    name = name.strip()
    if not name or len(name.encode("utf-8")) > MAX_NAME_BYTES or "." in name \
            or any(ord(c) < 32 for c in name):
        raise InputError(Problem("--name", None, f"{name!r} is not a hub name",
                                 f"1-{MAX_NAME_BYTES} bytes, no dots or control characters"))
    return name


def default_name() -> str:
    host = socket.gethostname().split(".")[0] or "this computer"
    name = f"STEP Campus hub on {host}"
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    return name


def network_addresses() -> list[str]:
    """This computer's IPv4 addresses on its networks (not the loopback), sorted."""
    import ifaddr

    return sorted({ip.ip for adapter in ifaddr.get_adapters() for ip in adapter.ips
                   if isinstance(ip.ip, str) and not ip.ip.startswith(("127.", "169.254."))})


def _interfaces(host: str) -> tuple[object, list[str]]:
    """The zeroconf interface choice and the IPv4 addresses to announce, for a listen host."""
    from zeroconf import InterfaceChoice

    if host in ("0.0.0.0", ""):
        return InterfaceChoice.All, network_addresses() or ["127.0.0.1"]
    if host == "localhost":
        host = "127.0.0.1"
    return [host], [host]


def _browse(zc: object, seconds: float) -> list[str]:
    from zeroconf import ServiceBrowser, ServiceStateChange

    found: list[str] = []

    def changed(zeroconf: object, service_type: str, name: str,
                state_change: ServiceStateChange) -> None:
        if state_change is ServiceStateChange.Added and name not in found:
            found.append(name)

    browser = ServiceBrowser(zc, SERVICE_TYPE, handlers=[changed])  # type: ignore[arg-type]
    time.sleep(seconds)
    browser.cancel()
    return found


def _resolve(zc: object, names: Sequence[str], timeout_ms: int = 1500) -> list[FoundHub]:
    hubs = []
    for name in names:
        info = zc.get_service_info(SERVICE_TYPE, name, timeout=timeout_ms)  # type: ignore[attr-defined]
        if info is None or not info.port:
            continue
        props = {k.decode(): (v or b"").decode() for k, v in (info.properties or {}).items()}
        hubs.append(FoundHub(instance_name(name), tuple(info.parsed_addresses()), info.port,
                             props.get("content", "/content/"), props.get("xapi", "/xapi/")))
    return sorted(hubs, key=lambda h: h.name)


def discover(timeout: float = 3.0, interfaces: Sequence[str] | None = None) -> list[FoundHub]:
    """The hubs that answer on the local network within `timeout` seconds, by name."""
    from zeroconf import InterfaceChoice, IPVersion, Zeroconf

    zc = Zeroconf(interfaces=list(interfaces) if interfaces else InterfaceChoice.All,
                  ip_version=IPVersion.V4Only)
    try:
        return _resolve(zc, _browse(zc, timeout))
    finally:
        zc.close()


class Announcer:
    """Announces a hub until closed; `start` returns at once, the announcement runs behind."""

    def __init__(self, name: str, host: str, port: int,
                 say: Callable[[str], None] = print) -> None:
        self.name = name
        self.host = host
        self.port = port
        self.say = say
        self.announced: str | None = None  # the name it got, once announced
        self.others: list[FoundHub] = []
        self.ready = threading.Event()
        self._zc: object = None
        self._info: object = None
        self._closed = False
        self._lock = threading.Lock()

    def start(self) -> None:
        threading.Thread(target=self._announce, name="hub-announcer", daemon=True).start()

    def _announce(self) -> None:
        from zeroconf import IPVersion, ServiceInfo, Zeroconf

        try:
            choice, addresses = _interfaces(self.host)
            zc = Zeroconf(interfaces=choice, ip_version=IPVersion.V4Only)  # type: ignore[arg-type]
            with self._lock:
                if self._closed:
                    zc.close()
                    return
                self._zc = zc
            self.others = _resolve(zc, _browse(zc, LOOK_SECONDS))
            for other in self.others:
                self.say(f"another STEP Campus hub is on this network: {other.name!r} at "
                         f"{other.url}")
            host = socket.gethostname().split(".")[0] or "stepcampus-hub"
            info = ServiceInfo(
                SERVICE_TYPE, f"{self.name}.{SERVICE_TYPE}",
                addresses=[socket.inet_aton(a) for a in addresses], port=self.port,
                properties={"content": "/content/", "xapi": "/xapi/", "v": PROTOCOL},
                server=f"{host}.local.")
            zc.register_service(info, allow_name_change=True)
            self._info = info
            self.announced = instance_name(info.name)
            if self.announced != self.name:
                self.say(f"a hub named {self.name!r} is already on this network: this one is "
                         f"announced as {self.announced!r}")
            else:
                self.say(f"announced on the local network as {self.announced!r}")
        except Exception as exc:  # no multicast here: learners type the address instead
            self.say(f"could not announce the hub on the local network ({exc}); learners can "
                     "type its address")
        finally:
            self.ready.set()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            zc, info = self._zc, self._info
        if zc is None:
            return
        try:
            if info is not None:
                zc.unregister_service(info)  # type: ignore[attr-defined]
        finally:
            zc.close()  # type: ignore[attr-defined]
