"""The divisions of 衢州市 (GB/T 2260), used to scope district-bound clients."""

from typing import Literal

District = Literal["柯城区", "衢江区", "常山县", "开化县", "龙游县", "江山市", "市本级"]
DISTRICT_CODES: dict[str, str] = {
    "柯城区": "330802",
    "衢江区": "330803",
    "常山县": "330822",
    "开化县": "330824",
    "龙游县": "330825",
    "江山市": "330881",
}
