"""/api/v1/rules: the rules as code — their contracts, single and batch evaluation, and matching.

Each rule gets its own routes with a request body generated from its input contract (unknown fields
are refused), so the OpenAPI document describes every input in Chinese. Values are read exactly as a
spreadsheet cell would be (amounts as strings are safest: ``"120000.00"``); a bad value in a batch is
reported in ``errors`` with its row, never a failure of the whole request.
"""


import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, create_model

from taizhang.benefits import rule_book
from taizhang.clock import local_today
from taizhang.rules.describe import input_rows
from taizhang.rules.rule import BoundRule
from taizhang.rules.single import evaluate_one, evaluate_records, match_profile
from taizhang.web.deps import Login, permit

router = APIRouter(prefix="/rules", tags=["政策兑现"])
MAX_BATCH_ROWS = 10_000
Scalar = str | bool | int | Decimal | None


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RuleOut(BaseModel):
    name: str
    label: str
    entity: str
    entity_label: str
    measure: str | None
    period: str
    amount_label: str | None
    summary: str


class InputOut(BaseModel):
    name: str
    headers: str
    kind: str
    requirement: str
    help: str


class RuleDetailOut(RuleOut):
    citation: dict
    inputs: list[InputOut]
    one_of: list[list[str]]
    key: list[str]
    parameters: list[dict] = Field(description="评估日期适用的参数取值及其出处")
    example: dict[str, Any]


class ResultOut(BaseModel):
    rule: str
    label: str
    date: dt.date
    eligible: bool | None
    amount: str | None = Field(description="金额（元），字符串形式的精确小数")
    amount_label: str | None
    outputs: dict[str, Any]
    why_not: list[str] = Field(description="不符合的条件及原因（中文）")
    trace: list[dict] = Field(description="逐项条件与计算步骤：值、要求、是否符合、依据条款（引文与位置）")
    citation: dict
    explanation: str = Field(description="给申请人的测算单（可打印）")


class BatchOut(BaseModel):
    summary: dict
    results: list[dict]
    errors: list[dict]


class MatchIn(In):
    profile: dict[str, Scalar] = Field(description="企业或个人的情况（各规则的输入字段，可只填一部分）")
    date: dt.date | None = None


def _rule_out(bound: BoundRule) -> dict:
    rule = bound.rule
    return {"name": rule.name, "label": rule.label, "entity": rule.entity, "entity_label": rule.entity_label,
            "measure": bound.citation.measure, "period": rule.period_text, "amount_label": rule.amount_label,
            "summary": rule.summary}


@router.get("", summary="全部规则", response_model=list[RuleOut])
def list_rules(login: Annotated[Login, permit("rules.view")]) -> list[RuleOut]:
    return [RuleOut(**_rule_out(bound)) for bound in rule_book()]


@router.post("/match", summary="政策匹配：一个企业或个人可能享受的全部政策", response_model=list[dict])
def match(body: MatchIn, login: Annotated[Login, permit("rules.evaluate")]) -> list[dict]:
    return [m.to_json() for m in match_profile(rule_book(), dict(body.profile), on=body.date or local_today())]


def _inputs_model(bound: BoundRule) -> type[BaseModel]:
    fields = {f.name: (Scalar, Field(default=None, description=f"{f.label}（{f.kind_text}，{f.requirement_text}）"))
              for f in bound.rule.fields}
    name = "".join(part.title() for part in bound.rule.name.split("_"))
    return create_model(f"{name}Inputs", __base__=In, **fields)


def _add_routes(bound: BoundRule) -> None:
    rule = bound.rule
    inputs = _inputs_model(bound)
    evaluate_in = create_model(f"{inputs.__name__}Evaluate", __base__=In, inputs=(inputs, ...),
                               date=(dt.date | None, None))
    batch_in = create_model(f"{inputs.__name__}Batch", __base__=In,
                            rows=(list[inputs], Field(min_length=1, max_length=MAX_BATCH_ROWS)),
                            date=(dt.date | None, None))

    def detail(login: Annotated[Login, permit("rules.view")],
               on: Annotated[dt.date | None, Query(alias="date", description="评估日期，默认今天")] = None
               ) -> RuleDetailOut:
        day = on or local_today()
        parameters = [value.to_json() for value in bound.parameters.at(day).values.values()]
        return RuleDetailOut(**_rule_out(bound), citation=bound.citation.to_json(),
                             inputs=[InputOut(name=n, headers=h, kind=k, requirement=r, help=x)
                                     for n, h, k, r, x in input_rows(bound)],
                             one_of=[list(group) for group in rule.one_of], key=list(rule.key),
                             parameters=parameters, example=rule.example)

    def evaluate(body: evaluate_in, login: Annotated[Login, permit("rules.evaluate")]) -> ResultOut:
        from taizhang.rules.trace import explanation

        result = evaluate_one(bound, body.inputs.model_dump(exclude_none=True), on=body.date or local_today())
        return ResultOut(**result.to_json(), explanation=explanation(result))

    def batch(body: batch_in, login: Annotated[Login, permit("rules.evaluate")]) -> BatchOut:
        records = [row.model_dump(exclude_none=True) for row in body.rows]
        outcome = evaluate_records(bound, records, on=body.date or local_today())
        return BatchOut(summary=outcome.summary, results=outcome.results, errors=[e.to_json() for e in outcome.errors])

    router.add_api_route(f"/{rule.name}", detail, methods=["GET"], response_model=RuleDetailOut,
                         summary=f"{rule.label}：依据、输入说明与参数", name=f"rule_{rule.name}")
    router.add_api_route(f"/{rule.name}/evaluate", evaluate, methods=["POST"], response_model=ResultOut,
                         summary=f"{rule.label}：测算一个申请对象（含逐项依据与测算单）", name=f"rule_{rule.name}_evaluate")
    router.add_api_route(f"/{rule.name}/batch", batch, methods=["POST"], response_model=BatchOut,
                         summary=f"{rule.label}：批量测算（每行计算或列入错误清单，最多{MAX_BATCH_ROWS}行）",
                         name=f"rule_{rule.name}_batch")


for _bound in rule_book():
    _add_routes(_bound)
