"""qz_common.impact: the comparison every service's impact answers with, on records worked by hand."""

from decimal import Decimal as D

from qz_common.impact import Outcome, RecordImpact, histogram, summarise


def quoted(**amounts: str) -> Outcome:
    return Outcome(
        "quoted", {code: D(a) for code, a in amounts.items()}, {code: f"clause of {code}" for code in amounts}
    )


REFUSED = Outcome("not_entitled", {}, {})


def test_totals_items_counts_and_the_largest_changes() -> None:
    records = [
        RecordImpact("1", "a", quoted(house="100", reward="40"), quoted(house="100", reward="30")),  # −10
        RecordImpact("2", "b", quoted(house="50"), quoted(house="50")),  # unchanged
        RecordImpact("3", "c", quoted(house="80", reward="20"), REFUSED),  # −100, refused under the scenario
        RecordImpact("4", "d", REFUSED, quoted(house="5", extra="1")),  # +6, an item only the scenario has
    ]
    s = summarise(records, largest=2, bins=2)
    # before 140 + 50 + 100 + 0 = 290; after 130 + 50 + 0 + 6 = 186
    assert (s.records, s.total_before, s.total_after, s.difference) == (4, D("290"), D("186"), D("-104"))
    assert (s.gain, s.lose, s.unchanged, s.outcome_changed) == (1, 2, 1, 2)
    # house 100 + 50 + 80 = 230 → 100 + 50 + 5 = 155; reward 60 → 30; extra 0 → 1
    assert [(i.code, i.before, i.after) for i in s.items] == [
        ("house", D("230"), D("155")),
        ("reward", D("60"), D("30")),
        ("extra", D("0"), D("1")),
    ]
    assert [i.basis for i in s.items] == ["clause of house", "clause of reward", "clause of extra"]
    assert [r.record_id for r in s.largest] == ["3", "1"]  # |−100| then |−10|


def test_the_distribution_puts_each_difference_in_one_bin() -> None:
    # −100 to +6 in two bins of 53: [−100, −47) holds −100; [−47, 6] holds −10, 0 and 6 (the top included)
    bins = histogram([D("-100"), D("-10"), D("0"), D("6")], 2)
    assert [(b.low, b.high, b.records) for b in bins] == [(D("-100"), D("-47"), 1), (D("-47"), D("6"), 3)]
    assert [(b.low, b.high, b.records) for b in histogram([D("5"), D("5")], 10)] == [(D("5"), D("5"), 2)]
    assert histogram([], 10) == ()


def test_no_bin_is_narrower_than_a_fen_nor_beyond_the_largest_difference() -> None:
    # 0 to 0.11 in at most 10 bins: width 0.011 rounds up to 0.02, so six bins, the last [0.10, 0.11]
    bins = histogram([D("0"), D("0.11")], 10)
    assert [b.records for b in bins] == [1, 0, 0, 0, 0, 1]
    assert (bins[0].low, bins[-1].low, bins[-1].high) == (D("0"), D("0.10"), D("0.11"))


def test_changed_outcomes_first_lists_the_records_whose_outcome_changed_before_the_others() -> None:
    graded = {grade: Outcome(grade, {}, {}) for grade in "ABC"}
    records = [
        RecordImpact("1", "a", graded["B"], graded["B"]),
        RecordImpact("2", "b", graded["B"], graded["A"]),  # changes grade, no amount
        RecordImpact("3", "c", quoted(house="10"), quoted(house="30")),  # +20, same outcome
        RecordImpact("4", "d", graded["C"], graded["B"]),  # changes grade, no amount
    ]
    # by the size of the change alone: 3 (+20), then 1, 2, 4 (0 each, by id)
    assert [r.record_id for r in summarise(records).largest] == ["3", "1", "2", "4"]
    # the changed outcomes first (2, 4 by id), then by the size of the change: 3 (+20), 1
    assert [r.record_id for r in summarise(records, changed_outcomes_first=True).largest] == ["2", "4", "3", "1"]
    assert [r.record_id for r in summarise(records, largest=1, changed_outcomes_first=True).largest] == ["2"]
