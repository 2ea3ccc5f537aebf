"""The ids of imported organisations and members."""

from __future__ import annotations

import uuid

from contract.ids import entity_id

IMPORTS = uuid.UUID("0b9f3c52-7d4e-4a61-8f25-5e2c1d3a9b70")


def test_an_imported_id_is_the_uuid5_of_its_kind_and_code_in_the_imports_namespace() -> None:
    for kind, code in [("member", "FZ-M-0000001"), ("organization", "福州市鼓楼区-党支部-17"), ("area", "")]:
        assert entity_id(kind, code) == uuid.uuid5(IMPORTS, f"{kind}:{code}").hex
    assert entity_id("member", "1") == "b52a7277bb9858e5ae250f80d0cac77c"  # what every earlier import made
