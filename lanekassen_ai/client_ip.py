"""Who is calling: the one rule for the client's address, used by the API throttles, the
login lockout and the audit log.

Without trusted proxies (`DJANGO_TRUSTED_PROXY_COUNT=0`, the default) the address is the
socket's peer (`REMOTE_ADDR`) and `X-Forwarded-For` is ignored: anyone can send that header.
Behind N trusted proxies it is the N-th address from the right of `X-Forwarded-For`: the one
the outermost trusted proxy saw; whatever the caller put further left is not believed.
DRF's `NUM_PROXIES` is set from the same setting, and this function asks DRF, so the
throttles and the audit log cannot disagree.
"""

import ipaddress
from typing import Any

from rest_framework.throttling import BaseThrottle


def client_ip(request: Any) -> str | None:
    """The client's IP address for a Django or DRF request, or None if what the trusted
    proxy forwarded is not an IP address."""
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address((ident or "").strip()))
    except ValueError:
        return None
