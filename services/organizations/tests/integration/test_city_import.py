"""A slice of the synthetic city imported through a real registry process, counted against the generator."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook

from contract.events import MEMBERS_TOPIC, ORGANIZATIONS_TOPIC
from devkit.synthetic import City, expected_counts, generate_city, write_csv
from devkit.testing import ServiceProcess, free_port, read_topic
from organizations.config import DEVELOPMENT_ADMIN_TOKEN
from organizations.imports.client import Job, import_file

pytestmark = pytest.mark.stack

SCALE = 0.01


@pytest.fixture(scope="module")
def city() -> City:
    return generate_city(SCALE)


@pytest.fixture(scope="module")
def registry(infra: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    """A registry of its own: the counts below must see this city and nothing else."""
    run = f"city{uuid.uuid4().hex[:6]}"
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": infra[0],
        "MONGO_URL": infra[1],
        "MONGO_DB": f"{run}_organizations",
        "TOPIC_PREFIX": f"{run}.",
        "HTTP_PORT": str(free_port()),
        "OUTBOX_POLL_SECONDS": "0.2",
    }
    service = ServiceProcess("organizations", int(env["HTTP_PORT"]), env, tmp_path_factory.mktemp("logs") / "org.log")
    service.start()
    service.wait_ready()
    yield service
    service.stop()


async def _import(http: httpx.AsyncClient, url: str, kind: str, name: str, data: bytes) -> Job:
    return await import_file(http, url, kind, name, data, admin_token=DEVELOPMENT_ADMIN_TOKEN, every=0.1)


def _xlsx(rows: list[Any], path: Path) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(rows[0].__dataclass_fields__))
    for row in rows:
        sheet.append(list(row.__dict__.values()))
    workbook.save(path)
    return path.read_bytes()


class TestImportingTheCity:
    async def test_every_level_counts_what_the_generator_made_and_a_second_import_changes_nothing(
        self, city: City, registry: ServiceProcess, tmp_path: Path, infra: tuple[str, str]
    ) -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            areas = await _import(
                http, registry.url, "areas", "areas.csv", write_csv(city.areas, tmp_path / "a.csv").read_bytes()
            )
            organizations = await _import(
                http,
                registry.url,
                "organizations",
                "organizations.csv",
                write_csv(city.organizations, tmp_path / "o.csv", encoding="gbk").read_bytes(),
            )
            members = await _import(
                http, registry.url, "members", "members.xlsx", _xlsx(city.members, tmp_path / "m.xlsx")
            )
            for job, rows in ((areas, city.areas), (organizations, city.organizations), (members, city.members)):
                assert (job["status"], job["error_count"], job["applied_rows"]) == ("done", 0, len(rows)), job

            expected_orgs, expected_members = expected_counts(city)
            for area in city.areas:
                if area.level in ("city", "district", "street", "community"):
                    node = (await http.get(f"{registry.url}/areas/{area.code}")).json()
                    assert (node["organizations"], node["members"]) == (
                        expected_orgs[area.code],
                        expected_members[area.code],
                    ), area

            again = await _import(
                http,
                registry.url,
                "organizations",
                "organizations.csv",
                write_csv(city.organizations, tmp_path / "o2.csv").read_bytes(),
            )
            assert (again["unchanged_rows"], again["applied_rows"]) == (len(city.organizations), 0)

        joined = sum(len(m.organization_codes.split(";")) for m in city.members)
        expected = {  # the members' events on a topic of their own
            ORGANIZATIONS_TOPIC: {"organization.registered": len(city.organizations)},
            MEMBERS_TOPIC: {"member.joined": joined},
        }
        for topic, types in expected.items():
            wanted = sum(types.values())
            records = await read_topic(
                infra[0], registry.env["TOPIC_PREFIX"] + topic, until=lambda rs, n=wanted: len(rs) >= n, within=60
            )
            assert Counter(json.loads(r.value)["type"] for r in records) == types

    async def test_a_file_that_is_no_table_is_refused_at_once(self, registry: ServiceProcess) -> None:
        async with httpx.AsyncClient(timeout=30, headers={"X-Admin-Token": DEVELOPMENT_ADMIN_TOKEN}) as http:
            not_xlsx = await http.post(
                f"{registry.url}/imports/organizations", files={"file": ("o.xlsx", b"PK\x03\x04 this is no workbook")}
            )
            utf16 = await http.post(
                f"{registry.url}/imports/members", files={"file": ("m.csv", "姓名".encode("utf-16"))}
            )
            huge = await http.post(
                f"{registry.url}/imports/members", files={"file": ("m.csv", b"x" * 50 * 1024 * 1024)}
            )
        assert (not_xlsx.status_code, utf16.status_code, huge.status_code) == (422, 422, 413)
        assert "not an XLSX" in not_xlsx.json()["error"]["message"]
        assert "neither UTF-8 nor GBK" in utf16.json()["error"]["message"]


class TestTheImportCommand:
    def test_it_shows_progress_and_reports_refused_rows(self, registry: ServiceProcess, tmp_path: Path) -> None:
        areas = tmp_path / "areas.csv"
        areas.write_text(
            "code,name,level,parent_code\n350100,福州市,city,\n350102,鼓楼区,district,350100\n"
            "350102999,无父街道,street,350199\n",
            encoding="utf-8",
        )
        report = tmp_path / "refused.csv"
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "organizations.imports.cli",
                "areas",
                str(areas),
                "--url",
                registry.url,
                "--report",
                str(report),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 1, run.stderr
        assert "rows" in run.stdout and "[" in run.stdout  # the progress bar
        assert "row 4, parent_code: unknown parent area '350199'" in run.stdout
        assert report.read_text(encoding="utf-8-sig").splitlines()[1].startswith("4,parent_code,")

    def test_a_file_refused_whole_exits_2(self, registry: ServiceProcess, tmp_path: Path) -> None:
        bad = tmp_path / "o.xlsx"
        bad.write_bytes(b"not a workbook")
        run = subprocess.run(
            [sys.executable, "-m", "organizations.imports.cli", "organizations", str(bad), "--url", registry.url],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 2 and "not an XLSX" in run.stderr
