"""政策计算器: the window clerk's page. One form per rule (generated from its input contract); the result
shows the verdict, every condition with its clause, the printable explanation and the measure's text.
It calls the same ``evaluate_one`` as the API and the CLI."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from taizhang.benefits import rule_book
from taizhang.clock import local_today, parse_day
from taizhang.errors import ValidationFailed
from taizhang.rules.kinds import Day, Enum, Flag
from taizhang.rules.rule import BoundRule
from taizhang.rules.single import evaluate_one
from taizhang.rules.trace import explanation
from taizhang.web.deps import Login, permit
from taizhang.web.render import render

router = APIRouter(include_in_schema=False)
NOT_INPUTS = frozenset({"csrf_token", "date"})


def form_fields(bound: BoundRule, values: dict[str, str]) -> list[dict]:
    """What the template needs to draw one input per field."""
    fields = []
    for f in bound.rule.fields:
        control = {"name": f.name, "label": f.label, "help": f.help, "required": f.required,
                   "value": values.get(f.name, f.default if f.default is not None else "")}
        if isinstance(f.kind, Enum):
            control.update(type="select", options=[c.label for c in f.kind.choices])
        elif isinstance(f.kind, Flag):
            control.update(type="select", options=["是", "否"])
        elif isinstance(f.kind, Day):
            control.update(type="date")
        else:
            control.update(type="text", unit=f.kind.label)
        fields.append(control)
    return fields


def measure_text(bound: BoundRule) -> str:
    start, end = bound.document.measures[bound.citation.measure]
    return bound.document.text[start:end]


@router.get("/rules", name="rules")
def index(request: Request, login: Annotated[Login, permit("rules.view")]) -> Response:
    return render(request, "rules/index.html", rules=list(rule_book()))


def _add_pages(bound: BoundRule) -> None:
    name = bound.rule.name

    def show(request: Request, login: Annotated[Login, permit("rules.view")]) -> Response:
        return render(request, "rules/rule.html", bound=bound, fields=form_fields(bound, {}),
                      on=local_today().isoformat(), measure=measure_text(bound), result=None, errors=[])

    async def compute(request: Request, login: Annotated[Login, permit("rules.evaluate")]) -> Response:
        form = await request.form()
        values = {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}
        on_text = values.get("date") or local_today().isoformat()
        context = {"bound": bound, "fields": form_fields(bound, values), "on": on_text,
                   "measure": measure_text(bound), "result": None, "errors": [], "printout": ""}
        try:
            inputs = {k: v for k, v in values.items() if k not in NOT_INPUTS and v != ""}
            result = evaluate_one(bound, inputs, on=parse_day(on_text, "评估日期"))
        except ValidationFailed as exc:
            context["errors"] = [d.get("reason") and f"{d.get('label', d.get('field'))}“{d.get('value', '')}”{d['reason']}"
                                 or str(d) for d in exc.details] or [exc.message]
            return render(request, "rules/rule.html", status_code=422, **context)
        context.update(result=result, printout=explanation(result))
        return render(request, "rules/rule.html", **context)

    router.add_api_route(f"/rules/{name}", show, methods=["GET"], name=f"rules_{name}")
    router.add_api_route(f"/rules/{name}", compute, methods=["POST"], name=f"rules_{name}_compute")


for _bound in rule_book():
    _add_pages(_bound)
