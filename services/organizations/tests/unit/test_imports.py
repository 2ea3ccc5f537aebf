"""Planning an import: reading CSV and XLSX, and the report of refused rows."""

from __future__ import annotations

import gc
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from contract.errors import Unprocessable
from contract.ids import entity_id
from devkit.synthetic import generate_city, write_csv
from organizations.imports.models import ImportJob, ImportKind, ImportStatus
from organizations.imports.plan import Plan
from organizations.imports.plan import plan_import as plan_with_digest
from organizations.imports.service import Importer, ImportTargets
from organizations.personal_data import DEVELOPMENT_DIGEST_KEY, DEVELOPMENT_KEYS, PersonalData, parse_key_ring
from organizations.view import RegistryView

AREAS = (
    "code,name,level,parent_code\n350100,福州市,city,\n350102,鼓楼区,district,350100\n"
    "350102001,东街街道,street,350102\n"
)
ORG_HEADER = "code,name,kind,area_code,party_parent_code,credit_code\n"
PERSONAL = PersonalData(parse_key_ring(DEVELOPMENT_KEYS), DEVELOPMENT_DIGEST_KEY.encode())


def plan_import(kind: ImportKind, filename: str, data: bytes, view: RegistryView) -> Plan:
    return plan_with_digest(kind, filename, data, view, digest=PERSONAL.digest)


def _view_with_areas() -> RegistryView:
    view = RegistryView()
    plan = plan_import(ImportKind.AREAS, "a.csv", AREAS.encode(), view)
    view.add_areas([node for node, _ in plan.inserts])  # type: ignore[misc]
    return view


def _xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)  # type: ignore[union-attr]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class TestReading:
    def test_gbk_csv_utf8_csv_and_xlsx_read_the_same(self) -> None:
        view = _view_with_areas()
        text = ORG_HEADER + "O1,东街街道党工委,party_committee,350102001,,\n"
        rows = [line.split(",") for line in text.strip().split("\n")]
        plans = [
            plan_import(ImportKind.ORGANIZATIONS, name, data, view)
            for name, data in [
                ("o.csv", text.encode("gbk")),
                ("o.csv", text.encode("utf-8-sig")),
                ("o.xlsx", _xlsx(rows)),
            ]
        ]
        assert [[o.name for o, _ in p.inserts] for p in plans] == [["东街街道党工委"]] * 3  # type: ignore[attr-defined]

    @pytest.mark.parametrize(
        ("name", "data", "words"),
        [
            ("o.xlsx", b"PK\x03\x04 not really a zip", "not an XLSX"),
            ("o.xlsx", b"code,name\n", "not an XLSX"),
            ("o.csv", "编码".encode("utf-16"), "neither UTF-8 nor GBK"),
            ("o.csv", b"", "empty"),
            ("o.csv", b"code,name\nO1,x\n", "lacks the columns"),
        ],
        ids=["a broken zip", "csv named xlsx", "utf-16", "empty", "missing columns"],
    )
    def test_a_file_that_is_no_table_of_the_kind_is_refused_whole(self, name: str, data: bytes, words: str) -> None:
        with pytest.raises(Unprocessable, match=words):
            plan_import(ImportKind.ORGANIZATIONS, name, data, _view_with_areas())


class TestReport:
    def test_every_bad_row_is_reported_with_its_field_and_the_good_ones_go_ahead(self) -> None:
        text = (
            ORG_HEADER
            + "\n".join(
                [
                    "O1,街道党工委,party_committee,350102001,,",  # row 2: good
                    "O2,坏代码,private_enterprise,350102001,O1,91350102MA2XXXXXX1",  # 3: bad credit code
                    "O3,无处,branch,350109001,O1,",  # 4: unknown area
                    "O4,孤儿,branch,350102001,O9,",  # 5: unknown party parent
                    "O1,重复,branch,350102001,,",  # 6: duplicate code
                    "O5,甲,branch,350102001,O6,",  # 7: a cycle with
                    "O6,乙,branch,350102001,O5,",  # 8
                    "O7,丙,branch,350102001,O4,",  # 9: its parent's row is refused
                    "O8,类型,nonsense,350102001,,",  # 10: unknown kind
                ]
            )
            + "\n"
        )
        plan = plan_import(ImportKind.ORGANIZATIONS, "o.csv", text.encode(), _view_with_areas())
        assert [o.code for o, _ in plan.inserts] == ["O1"]  # type: ignore[attr-defined]
        assert {(e.row, e.field) for e in plan.errors} == {
            (3, "credit_code"),
            (4, "area_code"),
            (5, "party_parent_code"),
            (6, "code"),
            (7, "party_parent_code"),
            (8, "party_parent_code"),
            (9, "party_parent_code"),
            (10, "kind"),
        }
        assert "check character" in next(e.reason for e in plan.errors if e.row == 3)
        assert plan.total_rows == 9 and plan.valid_rows == 1

    def test_an_unchanged_row_is_skipped_and_a_changed_one_is_an_update(self) -> None:
        view = _view_with_areas()
        first = plan_import(
            ImportKind.ORGANIZATIONS, "o.csv", (ORG_HEADER + "O1,甲,branch,350102001,,\n").encode(), view
        )
        for organization, _ in first.inserts:
            view.put_organization(organization)  # type: ignore[arg-type]
        again = plan_import(
            ImportKind.ORGANIZATIONS, "o.csv", (ORG_HEADER + "O1,甲,branch,350102001,,\n").encode(), view
        )
        changed = plan_import(
            ImportKind.ORGANIZATIONS, "o.csv", (ORG_HEADER + "O1,乙,branch,350102001,,\n").encode(), view
        )
        assert (again.unchanged_rows, again.inserts, again.updates) == (1, [], [])
        [(organization, [event])] = changed.updates
        assert organization.version == 2 and event.type == "organization.updated"  # type: ignore[attr-defined]


class TestTheSyntheticCity:
    def test_a_slice_plans_without_a_single_refused_row(self, tmp_path: Path) -> None:
        city = generate_city(0.005)
        view = RegistryView()

        def plan(kind: ImportKind, rows: list) -> list:
            data = write_csv(rows, tmp_path / f"{kind}.csv").read_bytes()
            result = plan_import(kind, f"{kind}.csv", data, view)
            assert result.errors == []
            return [a for a, _ in result.inserts]

        view.add_areas(plan(ImportKind.AREAS, city.areas))
        for organization in plan(ImportKind.ORGANIZATIONS, city.organizations):
            view.put_organization(organization)
        members = plan(ImportKind.MEMBERS, city.members)
        assert len(members) == len(city.members)
        assert members[0].organization_ids[0] == entity_id(
            "organization", city.members[0].organization_codes.split(";")[0]
        )


class TestWriting:
    async def test_the_collector_rests_while_an_import_writes_and_then_passes_over_what_it_wrote(self) -> None:
        """Each full collection during a city's import walked the whole read model again."""
        collecting: list[bool] = []

        class Writes:
            async def insert_many(self, batch: list, *, group: str) -> int:
                collecting.append(gc.isenabled())
                return len(batch)

        class Jobs:
            async def update(self, job: ImportJob) -> None: ...

            async def record_progress(self, job_id: str, applied: int) -> None: ...

        view = _view_with_areas()
        targets = ImportTargets(Writes(), Writes(), Writes(), Jobs(), PERSONAL.digest)  # type: ignore[arg-type]
        job = ImportJob(id="job", kind=ImportKind.ORGANIZATIONS, filename="o.csv")
        data = (ORG_HEADER + "O1,东街街道党工委,party_committee,350102001,,\n").encode()
        gc.unfreeze()
        try:
            done = await Importer(targets, view).run(job, data)
            assert (done.status, done.applied_rows, collecting) == (ImportStatus.DONE, 1, [False])
            assert gc.isenabled() and gc.get_freeze_count() > 0
        finally:
            gc.unfreeze()
