"""四 领养 (rules/adoption.py): the 《条例》 checklist the caseworker confirms, and the queue by time of application."""

from dogs.rules.adoption import CHECKLIST, QueuedApplication, earlier_open_applications, missing_checklist_items


def test_every_condition_must_be_confirmed() -> None:
    assert missing_checklist_items({}) == list(CHECKLIST)
    everything = dict.fromkeys(CHECKLIST, True)
    assert missing_checklist_items(everything) == []
    assert missing_checklist_items(everything | {"no_abuse_record": False}) == ["no_abuse_record"]


def test_an_application_waits_for_every_earlier_open_one() -> None:
    # 按照提交申请时间先后顺序确定 (D-13): the rejected first one no longer stands in the way
    queue = [QueuedApplication(1, "rejected"), QueuedApplication(2, "submitted"), QueuedApplication(3, "submitted")]
    assert earlier_open_applications(3, queue) == [2]
    assert earlier_open_applications(2, queue) == []
