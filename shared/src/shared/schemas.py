"""Field shapes the services' HTTP schemas share."""

from pydantic import Field

# An area node's code: the administrative division code of China (12 digits down to the
# community), extended with grid and building digits below it.
AREA_CODE = Field(pattern=r"^[0-9]{6,18}$", examples=["350102001001"])
ID = Field(default=None, pattern=r"^[0-9a-f]{32}$", description="an id the platform gave out")
