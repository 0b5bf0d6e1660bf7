"""A citation of the law: the document and the clause a figure or a decision rests on.

Every service cites its gazette documents the same way, ``衢政发〔2023〕2号 三(四)6``: the document number, one space,
the clause as the text numbers it (heading 三, sub-heading (四), item 6; ``附件1 一(三)1`` inside an annex). Answers
carry that string (a ``basis`` field); each service's helper builds it here, so the form has one home and a test can
read any citation back into its document and clause (tests/common/test_citations.py checks each against the text).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    document: str  # 衢政发〔2023〕2号: a document number holds no space, so the first space ends it
    clause: str  # 三(四)6, 附件1 一(三)1, 附件 说明2: may hold spaces, and may name several clauses (二、三)

    def __post_init__(self) -> None:
        if not self.document or any(c.isspace() for c in self.document):
            raise ValueError(f"a document number is one word: {self.document!r}")
        if not self.clause.strip():
            raise ValueError(f"{self.document}: a citation names its clause")

    def __str__(self) -> str:
        return f"{self.document} {self.clause}"

    @classmethod
    def parse(cls, text: str) -> Citation:
        """The citation ``str()`` rendered: ``Citation.parse("衢政发〔2023〕2号 三(四)6").clause == "三(四)6"``."""
        document, _, clause = text.strip().partition(" ")
        return cls(document, clause.strip())
