"""Where projects are kept."""

from __future__ import annotations

from cobuilding.areas import AreaRepository
from cobuilding.projects.models import Project


class MongoProjectRepository(AreaRepository[Project]):
    model = Project
    indexes = ("organization_id",)
