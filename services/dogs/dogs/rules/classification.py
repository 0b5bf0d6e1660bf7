"""一 大型犬标准和烈性犬名录.

(一) 大型犬标准：肩高……超过55厘米或者体长……超过80厘米的犬只。
(二) 烈性犬……名录有：藏獒、比特犬……伯恩山犬、狼狗以及含上述犬血统的杂交犬。
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from dogs.rules.notice import cite
from qz_common.params import ParameterSet

CLAUSE_LARGE = cite("一(一)")
CLAUSE_FIERCE = cite("一(二)")

# Words that mark a cross-breed (含……血统的杂交犬) and the separators between parent breeds.
_CROSS_WORDS = ("杂交犬", "杂交", "混血犬", "混血", "混种", "串串", "串", "血统")
_SEPARATORS = re.compile(r"\s*(?:×|✕|\*|\+|/|、|,|，|与|和|\bx\b|\bX\b)\s*")


def is_large(shoulder_height_cm: Decimal, body_length_cm: Decimal, params: ParameterSet) -> bool:
    """一(一): 超过 excludes the threshold itself, so 55.0 cm is not large and 55.1 cm is."""
    return shoulder_height_cm > params.decimal("large_shoulder_height_cm") or body_length_cm > params.decimal(
        "large_body_length_cm"
    )


@dataclass(frozen=True)
class BreedCatalogue:
    """Names that identify each listed fierce breed, and names of common breeds outside the list."""

    fierce_by_name: dict[str, str]
    known_other: frozenset[str]

    @classmethod
    def from_params(cls, params: ParameterSet) -> "BreedCatalogue":
        fierce_by_name: dict[str, str] = {}
        for listed, aliases in params["fierce"].items():
            for name in (listed, *aliases):
                fierce_by_name[_normalise(name)] = listed
        return cls(fierce_by_name, frozenset(_normalise(n) for n in params["known_other"]))

    def lookup(self, name: str) -> tuple[str | None, bool]:
        """(listed fierce breed or None, recognised) for one breed name."""
        key = _normalise(name)
        for candidate in (key, key.removesuffix("犬"), key + "犬"):
            if candidate in self.fierce_by_name:
                return self.fierce_by_name[candidate], True
            if candidate in self.known_other:
                return None, True
        return None, False


def _normalise(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip()).lower()


def _parent_breeds(breed: str) -> tuple[list[str], bool]:
    """Split a described breed into its parent breeds; say whether it is described as a cross."""
    is_cross = any(word in breed for word in _CROSS_WORDS)
    parts = []
    for part in _SEPARATORS.split(breed):
        for word in _CROSS_WORDS:
            part = part.replace(word, "")
        part = part.strip(" 的").removeprefix("含")
        if part:
            parts.append(part)
    return parts, is_cross or len(parts) > 1


@dataclass(frozen=True)
class Classification:
    large: bool
    fierce: bool
    recognised: bool
    cross: bool
    fierce_lineage: tuple[str, ...]
    unrecognised_names: tuple[str, ...]
    basis: tuple[str, ...]
    reasons: tuple[str, ...] = field(default=())


def classify(
    breed: str, shoulder_height_cm: Decimal, body_length_cm: Decimal, params: ParameterSet, catalogue: BreedCatalogue
) -> Classification:
    """Apply 一(一) and 一(二) to one dog. An unknown breed is not fierce but is reported unrecognised."""
    large = is_large(shoulder_height_cm, body_length_cm, params)
    parents, cross = _parent_breeds(breed)
    lineage: list[str] = []
    unrecognised: list[str] = []
    for parent in parents:
        listed, recognised = catalogue.lookup(parent)
        if listed:
            lineage.append(listed)
        if not recognised:
            unrecognised.append(parent)
    fierce = bool(lineage)
    reasons = []
    if large:
        reasons.append(
            f"肩高 {shoulder_height_cm} 厘米、体长 {body_length_cm} 厘米，超过 "
            f"{params['large_shoulder_height_cm']} 厘米肩高或 {params['large_body_length_cm']} 厘米体长标准"
        )
    if fierce:
        kind = "含上述犬血统的杂交犬" if cross else "列入烈性犬名录"
        reasons.append(f"{kind}：{'、'.join(dict.fromkeys(lineage))}")
    if unrecognised:
        reasons.append(f"未能识别的犬种：{'、'.join(unrecognised)}（按非烈性犬处理，请人工核实）")
    return Classification(
        large=large,
        fierce=fierce,
        recognised=not unrecognised,
        cross=cross,
        fierce_lineage=tuple(dict.fromkeys(lineage)),
        unrecognised_names=tuple(unrecognised),
        basis=(CLAUSE_LARGE, CLAUSE_FIERCE),
        reasons=tuple(reasons),
    )
