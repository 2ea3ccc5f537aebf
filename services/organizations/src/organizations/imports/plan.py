"""Planning an import: every row of the file read and validated, and the writes the good ones
make decided before any is made, against a snapshot of the read model. CPU work, run off the
event loop (organizations.imports.service)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from contract.aggregates import Aggregate
from contract.events import Envelope
from contract.ids import entity_id
from organizations.areas.models import LEVEL_DEPTH, AreaLevel, AreaNode
from organizations.common import now
from organizations.imports.models import ImportKind, RowError
from organizations.imports.rows import check_file
from organizations.imports.schemas import ROW_MODELS, AreaRowIn, MemberRowIn, OrganizationRowIn
from organizations.members.models import Member
from organizations.members.service import joined, left
from organizations.organizations.models import Contact, Organization
from organizations.organizations.service import registered, updated
from organizations.view import RegistryView


@dataclass
class Plan:
    """The writes an import makes, decided before any is made, and the rows it refuses."""

    kind: ImportKind
    total_rows: int = 0
    unchanged_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    inserts: list[tuple[Aggregate, list[Envelope]]] = field(default_factory=list)
    updates: list[tuple[Aggregate, list[Envelope]]] = field(default_factory=list)

    def refuse(self, row: int, field_name: str, reason: str) -> None:
        self.errors.append(RowError(row=row, field=field_name, reason=reason))

    @property
    def valid_rows(self) -> int:
        return len(self.inserts) + len(self.updates) + self.unchanged_rows


Digest = Callable[[bytes], str]  # keyed (PersonalData.digest): a row holds personal data


def plan_import(kind: ImportKind, filename: str, data: bytes, view: RegistryView, *, digest: Digest) -> Plan:
    """Reads and validates every row; CPU work, run off the event loop. `digest` recognises
    unchanged rows."""
    header, rows = check_file(kind, filename, data)
    model = ROW_MODELS[kind]
    plan = Plan(kind)
    parsed: list[tuple[int, Any]] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        plan.total_rows += 1
        try:
            row = model.model_validate(dict(zip(header, cells, strict=False)))
        except ValidationError as exc:
            for error in exc.errors():
                plan.refuse(number, ".".join(str(p) for p in error["loc"]) or "row", error["msg"])
            continue
        code = row.code  # type: ignore[attr-defined]
        if code in seen:
            plan.refuse(number, "code", f"the code {code!r} is already on row {seen[code]}")
            continue
        seen[code] = number
        parsed.append((number, row))
    if kind == ImportKind.AREAS:
        _plan_areas(plan, parsed, view)
    elif kind == ImportKind.ORGANIZATIONS:
        _plan_organizations(plan, parsed, view, digest)
    else:
        _plan_members(plan, parsed, view, digest)
    plan.errors.sort(key=lambda e: e.row)
    return plan


def _plan_areas(plan: Plan, rows: list[tuple[int, AreaRowIn]], view: RegistryView) -> None:
    levels = {code: node.level for code, node in view.areas.items()}
    for number, row in rows:  # a parent comes before its children, in the file or already stored
        parent_level = levels.get(row.parent_code) if row.parent_code else None
        if row.parent_code and parent_level is None:
            plan.refuse(number, "parent_code", f"unknown parent area {row.parent_code!r}")
            continue
        if (row.parent_code is None) != (row.level == AreaLevel.CITY) or (
            parent_level is not None and LEVEL_DEPTH[parent_level] + 1 != LEVEL_DEPTH[row.level]
        ):
            plan.refuse(number, "level", f"a {row.level} cannot be placed under {row.parent_code or 'nothing'}")
            continue
        levels[row.code] = row.level
        node = AreaNode(id=row.code, **row.model_dump(exclude={"code"}))
        current = view.areas.get(row.code)
        if current is None:
            plan.inserts.append((node, []))
        elif current == node:
            plan.unchanged_rows += 1
        else:
            plan.updates.append((node, []))


def _plan_organizations(
    plan: Plan, rows: list[tuple[int, OrganizationRowIn]], view: RegistryView, digest: Digest
) -> None:
    in_file = {row.code: number for number, row in rows}
    known = in_file.keys() | view.by_code.keys()
    parents = {o.id: o.party_parent_id for o in view.organizations.values()}
    refused: dict[str, str] = {}
    for number, row in rows:
        if row.area_code not in view.areas:
            refused[row.code] = "area_code"
            plan.refuse(number, "area_code", f"unknown area {row.area_code!r}")
        elif row.party_parent_code and row.party_parent_code not in known:
            refused[row.code] = "party_parent_code"
            plan.refuse(number, "party_parent_code", f"unknown party parent organization {row.party_parent_code!r}")
        parents[entity_id("organization", row.code)] = (
            entity_id("organization", row.party_parent_code) if row.party_parent_code else None
        )
    for number, row in rows:
        if row.code not in refused and _in_cycle(entity_id("organization", row.code), parents):
            refused[row.code] = "party_parent_code"
            plan.refuse(number, "party_parent_code", "the Party hierarchy would have a cycle through this row")
    changed = True
    while changed:  # a row whose party parent row is refused cannot be imported either
        changed = False
        for number, row in rows:
            if row.code not in refused and row.party_parent_code in refused:
                refused[row.code] = "party_parent_code"
                plan.refuse(
                    number, "party_parent_code", f"its party parent's row ({in_file[row.party_parent_code]}) is refused"
                )
                changed = True
    for _, row in rows:
        if row.code not in refused:
            _plan_organization(plan, row, view, digest(row.model_dump_json().encode()))


def _in_cycle(start: str, parents: dict[str, str | None]) -> bool:
    seen, current = set(), parents.get(start)
    while current is not None and current not in seen:
        if current == start:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _plan_organization(plan: Plan, row: OrganizationRowIn, view: RegistryView, digest: str) -> None:
    organization_id = entity_id("organization", row.code)
    current = view.organizations.get(organization_id)
    if current is not None and current.source_digest == digest:
        plan.unchanged_rows += 1
        return
    fields: dict[str, Any] = {
        **row.model_dump(include={"code", "name", "kind", "area_code", "address", "lat", "lon", "tags", "credit_code"}),
        "party_parent_id": entity_id("organization", row.party_parent_code) if row.party_parent_code else None,
        "contacts": [Contact(name=row.contact_name, phone=row.contact_phone or "")] if row.contact_name else [],
        "source_digest": digest,
    }
    if current is None:
        organization = Organization(id=organization_id, **fields)
        plan.inserts.append((organization, [registered(organization)]))
    else:
        organization = current.model_copy(update={**fields, "version": current.version + 1, "updated_at": now()})
        plan.updates.append((organization, [updated(organization)]))


def _plan_members(plan: Plan, rows: list[tuple[int, MemberRowIn]], view: RegistryView, digest_of: Digest) -> None:
    moment = now()
    for number, row in rows:
        unknown = [c for c in row.organization_codes if c not in view.by_code]
        if unknown:
            plan.refuse(number, "organization_codes", f"unknown organization codes: {', '.join(unknown[:5])}")
            continue
        member_id = entity_id("member", row.code)
        digest = digest_of(row.model_dump_json().encode())
        if view.member_digests.get(member_id) == digest:
            plan.unchanged_rows += 1
            continue
        member = Member.model_construct(
            id=member_id,
            organization_ids=[view.by_code[c] for c in dict.fromkeys(row.organization_codes)],
            source_digest=digest,
            created_at=moment,
            **row.model_dump(exclude={"organization_codes"}),
        )
        before = set(view.memberships.get(member_id, ()))
        events: list[Envelope] = [joined(member, o) for o in member.organization_ids if o not in before]
        events += [left(member_id, o) for o in before - set(member.organization_ids)]
        (plan.updates if member_id in view.memberships else plan.inserts).append((member, events))
