"""The path and query parameters the services' routes share: an id the platform gave out, an
area node's code (their patterns are the contract's, `contract.schemas`)."""

from typing import Annotated

from fastapi import Path, Query

from contract.schemas import AREA_PATTERN, ID_PATTERN

IdPath = Annotated[str, Path(pattern=ID_PATTERN)]
IdQuery = Annotated[str | None, Query(pattern=ID_PATTERN)]
AreaPath = Annotated[str, Path(pattern=AREA_PATTERN)]
AreaQuery = Annotated[str | None, Query(pattern=AREA_PATTERN)]
