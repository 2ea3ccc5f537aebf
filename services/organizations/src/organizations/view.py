"""The registry's read model: the area tree, every organisation, and the counts per node, in memory.

The database is the source of truth; this view is loaded from it at start and updated after
every write, so searches, subtree queries and counts answer without a scan of the database
(FerretDB scans for anything but equality: docs/storage.md). A whole city is 43,000 area
nodes, 16,000 organisations and 220,000 memberships: tens of megabytes.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from contract.events.organizations import OrganizationStatus
from organizations.areas.models import AreaNode
from organizations.members.models import Member
from organizations.organizations.models import Organization


@dataclass
class OrganizationSearch:
    name: str | None = None
    kind: str | None = None
    area: str | None = None  # an area node: its whole subtree
    tag: str | None = None
    status: OrganizationStatus | None = None


@dataclass
class RegistryView:
    areas: dict[str, AreaNode] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    by_code: dict[str, str] = field(default_factory=dict)  # external code → organisation id
    memberships: dict[str, tuple[str, ...]] = field(default_factory=dict)  # member id → organisation ids
    member_digests: dict[str, str] = field(default_factory=dict)  # member id → digest of its import row
    _order: list[str] = field(default_factory=list)  # organisation ids, sorted: the cursor order
    _folded_names: list[str] = field(default_factory=list)  # their names, casefolded, in the same order
    _lineage: dict[str, frozenset[str]] = field(default_factory=dict)  # organisation id → its area's ancestors
    _org_totals: Counter[str] = field(default_factory=Counter)  # area node → organisations in its subtree
    _member_totals: Counter[str] = field(default_factory=Counter)  # area node → members in its subtree
    _members_of: Counter[str] = field(default_factory=Counter)  # organisation id → members

    def snapshot(self) -> RegistryView:
        """A copy to read from another thread while this one keeps changing."""
        return RegistryView(
            areas=dict(self.areas),
            organizations=dict(self.organizations),
            by_code=dict(self.by_code),
            memberships=dict(self.memberships),
            member_digests=dict(self.member_digests),
        )

    # --- the area tree -------------------------------------------------------------------

    def put_area(self, node: AreaNode) -> None:
        self.add_areas([node])

    def add_areas(self, nodes: Iterable[AreaNode]) -> None:
        for node in nodes:
            if node.id not in self.areas and node.parent_code:
                self.children.setdefault(node.parent_code, []).append(node.id)
            self.areas[node.id] = node

    def path(self, code: str) -> list[AreaNode]:
        """From the root down to the node."""
        nodes = []
        while code in self.areas:
            nodes.append(self.areas[code])
            code = self.areas[code].parent_code or ""
        return nodes[::-1]

    def subtree(self, code: str) -> Iterator[AreaNode]:
        """The node and everything below it, depth first."""
        stack = [code]
        while stack:
            current = stack.pop()
            yield self.areas[current]
            stack.extend(reversed(self.children.get(current, [])))

    def organizations_under(self, code: str) -> int:
        return self._org_totals[code]

    def members_under(self, code: str) -> int:
        return self._member_totals[code]

    # --- organisations -------------------------------------------------------------------

    def put_organization(self, organization: Organization) -> None:
        previous = self.organizations.get(organization.id)
        if previous is not None and previous.version > organization.version:
            return  # a later one is here already
        at = bisect.bisect_left(self._order, organization.id)
        if previous is None:
            self._order.insert(at, organization.id)
            self._folded_names.insert(at, "")
        elif previous.area_code != organization.area_code:
            self._move(organization.id, organization.area_code)
        self.organizations[organization.id] = organization
        self.by_code[organization.code] = organization.id
        self._folded_names[at] = organization.name.casefold()
        if previous is None:
            self._lineage[organization.id] = frozenset(n.id for n in self.path(organization.area_code))
            self._org_totals.update(self._lineage[organization.id])

    def _move(self, organization_id: str, new_area: str) -> None:
        old, new = self._lineage[organization_id], frozenset(n.id for n in self.path(new_area))
        members = self._members_of[organization_id]
        self._org_totals.subtract(old)
        self._org_totals.update(new)
        homes = sum(1 for orgs in self.memberships.values() if orgs and orgs[0] == organization_id) if members else 0
        for node in old:
            self._member_totals[node] -= homes
        for node in new:
            self._member_totals[node] += homes
        self._lineage[organization_id] = new

    def members_of(self, organization_id: str) -> int:
        return self._members_of[organization_id]

    def search(self, query: OrganizationSearch, *, after: str | None, limit: int) -> list[Organization]:
        """Organisations matching every given filter, in id order after the cursor."""
        name = query.name.casefold() if query.name else None
        start = bisect.bisect_right(self._order, after) if after else 0
        found: list[Organization] = []
        for at in range(start, len(self._order)):
            if name is not None and name not in self._folded_names[at]:
                continue
            organization_id = self._order[at]
            organization = self.organizations[organization_id]
            if (
                (query.kind is None or organization.kind == query.kind)
                and (query.status is None or organization.status == query.status)
                and (query.tag is None or query.tag in organization.tags)
                and (query.area is None or query.area in self._lineage[organization_id])
            ):
                found.append(organization)
                if len(found) == limit:
                    break
        return found

    def party_ancestors(self, organization_id: str) -> Iterator[str]:
        """The organisations above one in the Party hierarchy, nearest first."""
        seen = set()
        current = self.organizations.get(organization_id)
        while current is not None and current.party_parent_id and current.party_parent_id not in seen:
            seen.add(current.party_parent_id)
            yield current.party_parent_id
            current = self.organizations.get(current.party_parent_id)

    # --- memberships ---------------------------------------------------------------------

    def put_member(self, member: Member) -> None:
        """A member as written."""
        self.put_membership(member.id, tuple(member.organization_ids), member.source_digest)

    def put_membership(self, member_id: str, organization_ids: tuple[str, ...], digest: str) -> None:
        """A member's organisations, their own first (they count in the areas of that one), and
        the digest of the import row the member was last written from."""
        self.member_digests[member_id] = digest
        previous = self.memberships.get(member_id, ())
        self._members_of.subtract(previous)
        self._members_of.update(organization_ids)
        if previous[:1] != organization_ids[:1]:
            if previous:
                self._member_totals.subtract(self._lineage.get(previous[0], ()))
            if organization_ids:
                self._member_totals.update(self._lineage.get(organization_ids[0], ()))
        self.memberships[member_id] = organization_ids
