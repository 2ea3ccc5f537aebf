"""Each service's settings, by the service's name: what the deployment tests hold compose's and
Kubernetes' configuration to."""

from __future__ import annotations

from cobuilding.config import Settings as CobuildingSettings
from gateway.config import Settings as GatewaySettings
from matching.config import Settings as MatchingSettings
from needs.config import Settings as NeedsSettings
from notifications.config import Settings as NotificationsSettings
from organizations.config import Settings as OrganizationsSettings
from points.config import Settings as PointsSettings
from resources.config import Settings as ResourcesSettings
from runtime.config import ServiceSettings

SETTINGS: dict[str, type[ServiceSettings]] = {
    "organizations": OrganizationsSettings,
    "needs": NeedsSettings,
    "resources": ResourcesSettings,
    "matching": MatchingSettings,
    "points": PointsSettings,
    "notifications": NotificationsSettings,
    "cobuilding": CobuildingSettings,
    "gateway": GatewaySettings,
}
