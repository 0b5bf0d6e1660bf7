"""四 领养.

对申请领养犬只且符合《条例》第十三条或者第十四条规定条件的养犬人，综合行政执法部门审核通过后，
应当通知领养人携带相关材料办理领养、登记手续。
多人同时提出领养同一犬只的申请，按照提交申请时间先后顺序确定。
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dogs.rules.notice import cite

CLAUSE = cite("四")

# 《条例》第十三/十四条 are not in the gazette: the caseworker confirms each condition by hand.
CHECKLIST: Mapping[str, str] = {
    "full_civil_capacity": "领养人具有完全民事行为能力",
    "fixed_residence": "领养人有固定住所，且住所适宜饲养犬只",
    "registration_and_vaccination": "领养人承诺按规定办理养犬登记并定期免疫",
    "no_abuse_record": "领养人无虐待、遗弃犬只等违法记录",
    "household_consent": "同住人员同意饲养（如适用）",
}


def missing_checklist_items(checklist: Mapping[str, bool]) -> list[str]:
    """The 《条例》第十三/十四条 conditions the caseworker has not confirmed."""
    return [code for code in CHECKLIST if not checklist.get(code, False)]


@dataclass(frozen=True)
class QueuedApplication:
    queue_position: int
    status: str


def earlier_open_applications(position: int, queue: Sequence[QueuedApplication]) -> list[int]:
    """按照提交申请时间先后顺序确定: an application can only be approved when every earlier one is closed."""
    return sorted(a.queue_position for a in queue if a.queue_position < position and a.status == "submitted")
