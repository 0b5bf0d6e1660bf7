"""一 大型犬标准和烈性犬名录.

(一) 大型犬标准：肩高……超过55厘米或者体长……超过80厘米的犬只。
(二) 烈性犬……名录有：藏獒、比特犬……伯恩山犬、狼狗以及含上述犬血统的杂交犬。
"""

import enum
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from dogs.rules.notice import cite
from qz_common.params import ParameterSet

CLAUSE_LARGE = cite("一(一)")
CLAUSE_FIERCE = cite("一(二)")

# Words that mark a cross-breed (含……血统的杂交犬) and the separators between parent breeds.
_CROSS_WORDS = ("杂交犬", "杂交", "混血犬", "混血", "混种", "串串", "串", "血统")
_SEPARATORS = re.compile(r"\s*(?:×|✕|\*|\+|/|、|,|，|与|和|\bx\b|\bX\b)\s*")
# What does not tell one breed name from another: spaces, 间隔号 and hyphens (比利时·马林诺斯, Pit-Bull).
_IGNORED = re.compile(r"[\s·・\-_]+")


class FierceFinding(enum.StrEnum):
    """What 一(二) says of a dog's breed."""

    LISTED = "listed"  # 列入烈性犬名录 (under the notice's name or an alias)
    CROSS_OF_LISTED = "cross_of_listed"  # 含上述犬血统的杂交犬
    NOT_LISTED = "not_listed"  # a known breed outside the list, or a cross of such breeds only
    OFFICER_DECISION_REQUIRED = "officer_decision_required"  # a name the service cannot place (D-03)


def is_large(shoulder_height_cm: Decimal, body_length_cm: Decimal, params: ParameterSet) -> bool:
    """一(一): 超过 excludes the threshold itself, so 55.0 cm is not large and 55.1 cm is."""
    return shoulder_height_cm > params.decimal("large_shoulder_height_cm") or body_length_cm > params.decimal(
        "large_body_length_cm"
    )


def normalise(name: str) -> str:
    """The form breed names are compared in: full-width → half-width (NFKC), case folded, spaces, 间隔号 and hyphens
    removed, and a trailing 犬 dropped (马犬 and 马 differ, so one character always stays)."""
    key = _IGNORED.sub("", unicodedata.normalize("NFKC", name)).casefold()
    return key[:-1] if key.endswith("犬") and len(key) > 2 else key


@dataclass(frozen=True)
class BreedName:
    """A name the service can place: the listed breed it names (None for a breed known to be off the list), and
    for an alias, the name as written in the table and where it comes from."""

    listed: str | None
    alias: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class BreedCatalogue:
    """Every name of each listed fierce breed (the notice's own and its aliases), and common breeds outside the list,
    keyed by their normalised form."""

    names: Mapping[str, BreedName]

    @classmethod
    def from_params(cls, params: ParameterSet) -> "BreedCatalogue":
        """The catalogue of ``breeds.toml``; ``ValueError`` if two of its names normalise alike (the table would
        then say two things of one name)."""
        entries = [(listed, BreedName(listed)) for listed in params["fierce"]]
        entries += [
            (alias, BreedName(listed, alias, str(source)))
            for listed, aliases in params["fierce"].items()
            for alias, source in aliases.items()
        ]
        entries += [(other, BreedName(None)) for other in params["known_other"]]
        names: dict[str, BreedName] = {}
        for name, meaning in entries:
            key = normalise(name)
            if key in names:
                raise ValueError(f"{params.book}@{params.version}: 犬种名称“{name}”与已有名称重复（{key}）")
            names[key] = meaning
        return cls(names)

    def lookup(self, name: str) -> BreedName | None:
        """What one breed name is, or None when the service cannot place it."""
        return self.names.get(normalise(name))


def _parent_breeds(breed: str) -> tuple[list[str], bool]:
    """Split a described breed into its parent breeds; say whether it is described as a cross."""
    breed = unicodedata.normalize("NFKC", breed)
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
    fierce: bool | None  # None: the breed cannot be placed, an officer decides (never a guessed False)
    finding: FierceFinding
    cross: bool
    fierce_lineage: tuple[str, ...]
    unrecognised_names: tuple[str, ...]
    basis: tuple[str, ...]
    reasons: tuple[str, ...] = field(default=())

    @property
    def recognised(self) -> bool:
        """Every name given for the dog was placed (a cross of a listed breed and an unknown one is still fierce)."""
        return not self.unrecognised_names

    @property
    def large_or_fierce(self) -> bool:
        """Known to be large or fierce: what 五 and the 重点管理区 rule (D-07) are about."""
        return self.large or self.fierce is True


def _finding(
    lineage: tuple[str, ...], unplaced: list[str], parents: list[str], cross: bool, params: ParameterSet
) -> FierceFinding:
    """含上述犬血统: one listed parent makes a cross fierce. Without one, the breed is off the list only when every
    parent is named and known; a cross naming fewer than two parents (金毛串) may have a listed one, and an officer
    decides what the list cannot place (D-03; under the other reading, ``unplaced_breed_finding`` "not_listed", a
    name the list cannot place is taken as off it)."""
    if lineage:
        return FierceFinding.CROSS_OF_LISTED if cross else FierceFinding.LISTED
    if unplaced or not parents or (cross and len(parents) < 2):
        return FierceFinding(params["unplaced_breed_finding"])
    return FierceFinding.NOT_LISTED


def _fierce_reasons(finding: FierceFinding, breed: str, names: dict[str, BreedName | None]) -> list[str]:
    lineage = dict.fromkeys(name.listed for name in names.values() if name and name.listed)
    reasons = []
    if finding is FierceFinding.LISTED:
        reasons.append(f"列入烈性犬名录：{'、'.join(lineage)}")
    if finding is FierceFinding.CROSS_OF_LISTED:
        reasons.append(f"含上述犬血统的杂交犬：{'、'.join(lineage)}")
    for given, name in names.items():
        if name and name.alias:
            reasons.append(f"“{given}”即名录中的“{name.listed}”（别名“{name.alias}”，出处：{name.source}）")
    unplaced = [given for given, name in names.items() if name is None]
    if unplaced:
        reasons.append(f"未能识别的犬种：{'、'.join(unplaced)}")
        if finding is FierceFinding.NOT_LISTED:
            reasons.append("名录无从识别的犬种按未列入烈性犬名录认定")
    if finding is FierceFinding.OFFICER_DECISION_REQUIRED:
        if not unplaced:
            reasons.append(f"“{breed}”未写明全部亲本犬种，无从判断是否含烈性犬血统")
        reasons.append("是否属于烈性犬（名录中的犬种或含其血统的杂交犬）须由执法人员认定")
    return reasons


def classify(
    breed: str, shoulder_height_cm: Decimal, body_length_cm: Decimal, params: ParameterSet, catalogue: BreedCatalogue
) -> Classification:
    """Apply 一(一) and 一(二) to one dog. A breed the service cannot place is neither fierce nor not fierce: an
    officer decides (``fierce`` None, finding ``officer_decision_required``)."""
    large = is_large(shoulder_height_cm, body_length_cm, params)
    parents, cross = _parent_breeds(breed)
    names = {parent: catalogue.lookup(parent) for parent in parents}
    lineage = tuple(dict.fromkeys(name.listed for name in names.values() if name and name.listed))
    unplaced = [parent for parent, name in names.items() if name is None]
    finding = _finding(lineage, unplaced, parents, cross, params)
    reasons = []
    if large:
        reasons.append(
            f"肩高 {shoulder_height_cm} 厘米、体长 {body_length_cm} 厘米，超过 "
            f"{params['large_shoulder_height_cm']} 厘米肩高或 {params['large_body_length_cm']} 厘米体长标准"
        )
    return Classification(
        large=large,
        fierce=None if finding is FierceFinding.OFFICER_DECISION_REQUIRED else bool(lineage),
        finding=finding,
        cross=cross,
        fierce_lineage=lineage,
        unrecognised_names=tuple(unplaced),
        basis=(CLAUSE_LARGE, CLAUSE_FIERCE),
        reasons=tuple(reasons + _fierce_reasons(finding, breed, names)),
    )
