"""The client side of the registry's import API, for the command line, the demo and the benchmark."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

Job = dict[str, Any]


class ImportRefused(Exception):
    """The registry refused the file whole (not a table of that kind, too large, ...)."""


async def import_file(
    http: httpx.AsyncClient,
    url: str,
    kind: str,
    filename: str,
    data: bytes,
    *,
    admin_token: str,
    progress: Callable[[Job], None] = lambda job: None,
    every: float = 0.5,
) -> Job:
    """Uploads the file as the operators (`admin_token`) and follows its job until it ends;
    `progress` sees each change of it."""
    headers = {"X-Admin-Token": admin_token}
    response = await http.post(f"{url}/imports/{kind}", files={"file": (filename, data)}, headers=headers)
    if response.status_code != 202:
        raise ImportRefused(response.json()["error"]["message"])
    job: Job = response.json()
    seen = None
    while job["status"] in ("validating", "importing"):
        await asyncio.sleep(every)
        job = (await http.get(f"{url}/imports/{job['id']}", headers=headers)).raise_for_status().json()
        if (job["status"], job["applied_rows"]) != seen:
            seen = (job["status"], job["applied_rows"])
            progress(job)
    return job
