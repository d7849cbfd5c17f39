"""Where a webhook may be sent (SECURITY.md 37): https to public addresses only, every resolved address checked."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from staffroom.core.errors import field_error


def _address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_loopback)


def _address_is_loopback(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback


def resolve(host: str, port: int) -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)})
    except (socket.gaierror, UnicodeError):
        return []


def target_validate(url: str) -> str:
    """Return the URL when a delivery may go there now; raise a 422 field error on `url` otherwise.

    Run at subscription and again before every attempt, so a host that later resolves to a private address
    (DNS rebinding) is refused at delivery time too. With WEBHOOKS_ALLOW_LOOPBACK (development and tests only)
    http:// and loopback addresses are accepted; private, link-local and reserved addresses never are.
    """
    allow_loopback = settings.WEBHOOKS_ALLOW_LOOPBACK
    parts = urlsplit(url or "")
    if parts.scheme != "https" and not (allow_loopback and parts.scheme == "http"):
        raise field_error("url", _("A webhook URL must start with https://."))
    if not parts.hostname or parts.username or parts.password:
        raise field_error("url", _("Enter a webhook URL with a host name and no credentials."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise field_error("url", _("The port of this URL is not valid.")) from error
    addresses = resolve(parts.hostname, port)
    if not addresses:
        raise field_error("url", _("The host of this URL cannot be resolved."))
    for address in addresses:
        if _address_is_public(address) or (allow_loopback and _address_is_loopback(address)):
            continue
        raise field_error("url", _("Webhooks cannot be sent to private, loopback or reserved addresses."))
    return url
