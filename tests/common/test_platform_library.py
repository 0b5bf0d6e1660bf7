"""The shared library: dated parameters, money, identifiers, masking, problem documents, identity tokens."""

import datetime as dt
import json
import logging
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from testkit import id_number

from qz_common.errors import ProblemError, install_problem_handlers
from qz_common.identity import SigningKey, mint_token, verify_token
from qz_common.ids import USCC, IdNumber
from qz_common.logs import JsonFormatter, mask_pii
from qz_common.money import Yuan, to_fen
from qz_common.params import ParameterBook, RuleNotInForce

BOOK = """
[[versions]]
id = "2023"
effective_from = 2023-03-01
document = "示例〔2023〕1号"
[versions.values]
rate = "0.10"
months = 12

[[versions]]
id = "2024"
effective_from = 2024-01-01
document = "示例〔2024〕1号"
[versions.values]
rate = "0.12"
months = 12
"""


def test_parameter_versions_by_effective_date(tmp_path: Path) -> None:
    path = tmp_path / "example.toml"
    path.write_text(BOOK, encoding="utf-8")
    book = ParameterBook.load(path)
    assert book.at(dt.date(2023, 3, 1)).decimal("rate") == Decimal("0.10")  # in force on its first day
    assert book.at(dt.date(2023, 12, 31)).version == "2023"
    assert book.at(dt.date(2024, 1, 1)).decimal("rate") == Decimal("0.12")
    assert book.version("2023").integer("months") == 12
    with pytest.raises(RuleNotInForce) as refused:
        book.at(dt.date(2023, 2, 28))
    assert refused.value.first_effective == dt.date(2023, 3, 1)


def test_parameters_refuse_floats(tmp_path: Path) -> None:
    path = tmp_path / "floaty.toml"
    path.write_text(BOOK.replace('rate = "0.10"', "rate = 0.10"), encoding="utf-8")
    with pytest.raises(TypeError, match="quoted string"):
        ParameterBook.load(path)


@pytest.mark.parametrize(
    ("amount", "fen"), [("0.005", "0.01"), ("0.004", "0.00"), ("2.675", "2.68"), ("-1.005", "-1.01"), ("10", "10.00")]
)
def test_money_rounds_half_up_to_fen(amount: str, fen: str) -> None:
    assert str(to_fen(Decimal(amount))) == fen


def test_money_serialises_as_a_two_decimal_string() -> None:
    class Item(BaseModel):
        amount: Yuan

    assert Item(amount=Decimal("1234.5")).model_dump(mode="json") == {"amount": "1234.50"}


def test_identifiers() -> None:
    class Person(BaseModel):
        id_number: IdNumber
        uscc: USCC

    good = id_number("330803", dt.date(2001, 5, 5))
    assert Person(id_number=good.lower(), uscc="91110000600037341L").id_number == good.upper()
    with pytest.raises(ValueError, match="统一社会信用代码无效"):
        Person(id_number=good, uscc="91110000600037341X")


def test_logs_mask_id_numbers_and_mobiles() -> None:
    person = id_number("330802", dt.date(1985, 6, 15))
    assert mask_pii(f"证件 {person} 电话 13912345678") == f"证件 {person[:3]}{'*' * 11}{person[-4:]} 电话 139****5678"
    record = logging.makeLogRecord({"msg": "查询 %s", "args": (person,), "path": f"/v1/dossiers/citizens/{person}"})
    line = JsonFormatter("test").format(record)
    assert person not in line and json.loads(line)["path"].endswith(person[-4:])


def test_problem_documents_name_every_field() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    class Body(BaseModel):
        count: int
        day: dt.date

    @app.post("/things")
    def create(body: Body) -> dict[str, str]:
        raise ProblemError(409, "thing_exists", "已存在", field="count")

    client = TestClient(app)
    invalid = client.post("/things", json={"count": "many", "day": "tomorrow"})
    assert invalid.headers["content-type"] == "application/problem+json"
    body = invalid.json()
    assert body["code"] == "validation_failed" and body["field"] == "count"
    assert [(e["field"], e["detail"]) for e in body["errors"]] == [
        ("count", "应为整数"),
        ("day", "日期格式不正确，应为 YYYY-MM-DD"),
    ]
    conflict = client.post("/things", json={"count": 1, "day": "2023-03-01"}).json()
    assert (conflict["status"], conflict["code"], conflict["detail"]) == (409, "thing_exists", "已存在")
    assert client.get("/nowhere").json()["code"] == "not_found"


def test_identity_tokens_are_bound_to_their_service_and_expire() -> None:
    key = SigningKey("test", Ed25519PrivateKey.generate())
    public_keys = {key.kid: key.public_key}
    token = mint_token(key, audience="dogs", client_id="kecheng", scopes=["dogs:read"], district="柯城区")
    caller = verify_token(token, public_keys, "dogs")
    assert (caller.client_id, caller.district, caller.has_scope("dogs:read"), caller.has_scope("dogs:write")) == (
        "kecheng",
        "柯城区",
        True,
        False,
    )
    with pytest.raises(ProblemError) as wrong_service:
        verify_token(token, public_keys, "science")
    assert wrong_service.value.code == "identity_invalid"
    stale = mint_token(key, audience="dogs", client_id="x", scopes=[], now=dt.datetime(2023, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(ProblemError) as expired:
        verify_token(stale, public_keys, "dogs")
    assert expired.value.code == "identity_expired"
