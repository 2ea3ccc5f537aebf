import contextlib
import socket
from pathlib import Path
from urllib.parse import urlsplit

from runtime.config import ServiceSettings

WEB = Path(__file__).resolve().parents[2] / "web" / "node_modules"


class Settings(ServiceSettings):
    service_name: str = "gateway"
    http_port: int = 8000
    organizations_url: str = "http://127.0.0.1:8001"
    needs_url: str = "http://127.0.0.1:8002"
    resources_url: str = "http://127.0.0.1:8003"
    matching_url: str = "http://127.0.0.1:8004"
    points_url: str = "http://127.0.0.1:8005"
    notifications_url: str = "http://127.0.0.1:8006"
    cobuilding_url: str = "http://127.0.0.1:8007"
    upstream_timeout_seconds: float = 5.0
    rate_limit_per_minute: int = 600  # requests a partner's key may make a minute, on average
    rate_limit_burst: int = 100  # and at once, after a quiet spell
    key_failures_per_minute: int = 30  # refused API keys one client address may try a minute
    webhook_timeout_seconds: float = 10.0  # how long a partner's webhook may take to answer
    # networks a webhook may point into although not public, comma-separated (the tests' 127.0.0.1)
    webhook_allowed_networks: str = ""
    city_code: str = "350100"  # the node the portal's first page and the statistics start from
    cache_seconds: float = 10.0  # how long the first page and the figures are kept before asking again
    session_minutes: float = 120.0  # a portal session ends this long after it was last renewed (renewed while used)
    sign_in_attempts_per_minute: int = 5  # attempts to sign in as one username, a minute
    sign_in_failures_per_minute: int = 20  # failed sign-ins from one client address, a minute (and at once)
    sign_in_hashers: int = 2  # threads checking passwords (Argon2id: 64 MiB and a core each while at it)
    max_photo_bytes: int = 5 * 1024 * 1024  # a wish's proof photo, as the needs service takes it
    web_modules: Path = WEB  # the front-end packages npm installed (services/gateway/web/node_modules)
    # the city's identity on every page: its name, emblem (an SVG or PNG file) and footer lines
    portal_name: str = "党建超市"
    portal_name_en: str = "Party-building supermarket"
    portal_emblem: Path | None = None  # the portal's own emblem unless one is given
    portal_sponsor: str = "党建超市运营中心"  # 主办单位
    portal_sponsor_en: str = "Party-building supermarket operations"
    portal_icp: str = ""  # ICP 备案号, linked to the registry of filings
    portal_police_filing: str = ""  # 公安机关备案号
    portal_site_code: str = ""  # 网站标识码

    def identity(self, lang: str) -> dict[str, str]:
        """What the portal says it is, in `lang`: its name, who runs it and its filings."""
        zh = lang == "zh"
        return {
            "name": self.portal_name if zh else self.portal_name_en,
            "sponsor": self.portal_sponsor if zh else self.portal_sponsor_en,
            "icp": self.portal_icp,
            "police_filing": self.portal_police_filing,
            "site_code": self.portal_site_code,
        }

    def own_services(self) -> list[tuple[str, int]]:
        """The platform's own (host, port)s, by address: the services' and the gateway's."""
        found = [(self.http_host, self.http_port)]
        services = (
            self.organizations_url,
            self.needs_url,
            self.resources_url,
            self.matching_url,
            self.points_url,
            self.notifications_url,
            self.cobuilding_url,
        )
        for url in services:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            with contextlib.suppress(OSError):
                found += [(str(info[4][0]), port) for info in socket.getaddrinfo(parts.hostname, port)]
        return found
