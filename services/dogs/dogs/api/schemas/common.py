"""What the request and response bodies of the dogs routers share: the strict base, the field types, refusals."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from dogs.api.examples import EXAMPLES
from dogs.models import DOCUMENT_NUMBER_LENGTH
from qz_common.examples import examples_by_model
from qz_common.inputs import StrictInput

Centimetres = Annotated[Decimal, Field(gt=0, le=300, max_digits=6, decimal_places=1, description="厘米，可带一位小数")]
Name = Annotated[str, Field(min_length=1, max_length=60)]
DocumentNumber = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=DOCUMENT_NUMBER_LENGTH)] | None,
    Field(description="决定的文书号（如有）：同一记录、同一天、同一文书号的同一决定重复提交，只办理一次"),
]
Phone = Annotated[str, Field(pattern=r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$", description="手机或带区号的固定电话")]


class Strict(StrictInput, BaseModel):  # BaseModel named too: ruff then knows the subclasses are models
    """Request bodies: unknown fields and control characters refused, -0 read as 0 (qz_common.inputs)."""

    model_config = ConfigDict(json_schema_extra=examples_by_model(EXAMPLES))  # api/examples.py


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RejectIn(Strict):
    reasons: Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]], Field(min_length=1)] = Field(
        description="不予通过的理由（逐条）"
    )
    document_number: DocumentNumber = None
