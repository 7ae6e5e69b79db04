"""The application's route table as the tests walk it: every effective route with its permission."""

from __future__ import annotations

from dataclasses import dataclass

from taizhang.web.deps import Permit


@dataclass(frozen=True)
class RouteInfo:
    path: str
    method: str
    permits: tuple[Permit, ...]
    name: str


def _permits(dependant) -> list[Permit]:
    found = []
    for dep in dependant.dependencies:
        if isinstance(dep.call, Permit):
            found.append(dep.call)
        found.extend(_permits(dep))
    return found


def route_table(app) -> list[RouteInfo]:
    out = []
    for route in app.routes:
        contexts = route.effective_route_contexts() if hasattr(route, "effective_route_contexts") else []
        for ctx in contexts:
            for method in sorted(ctx.methods - {"HEAD"}):
                out.append(RouteInfo(path=ctx.path, method=method, permits=tuple(_permits(ctx.dependant)),
                                     name=ctx.name))
    return out
