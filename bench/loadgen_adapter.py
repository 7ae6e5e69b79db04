"""taizhang's adapter for the workload's load generator (../shared/workloads/loadgen.py):

    python3 loadgen.py --target bench/loadgen_adapter.py:TaizhangAdapter --data DIR \
        --base-url http://127.0.0.1:8000 --state workload-state.json ...

Every operation runs as the acting unit's account: its API token (from the state file that
``taizhang load-workload`` writes) goes in ``Authorization: Bearer``, so authentication, the
permission table and the unit scope are part of each request's cost.

- A: GET /api/v1/tasks?lead_unit_id=U&open=true&overdue=true&sort=due&limit=50&offset=…
- B: GET /api/v1/tasks/{id}/history?limit=20
- C: PUT /api/v1/tasks/{id}/reports/{period}?submit=true (save and submit in one transaction)
- D: GET /api/v1/tasks/rollup?unit_id=CITY
- export: GET /api/v1/tasks/export?unit_id=CITY&format=xlsx
"""

from __future__ import annotations

import json

import aiohttp

PAGE = 50
LAST_N = 20


class TaizhangAdapter:
    def __init__(self, base: str, state_path: str) -> None:
        with open(state_path, encoding="utf-8") as handle:
            state = json.load(handle)
        self.base = base.rstrip("/")
        self.tokens = state["tokens"]  # unit id → API token
        self.indicators = state["indicators"]  # task id → indicator id
        self.period = state["period"]  # the running period as of the ledger's day

    def _headers(self, unit: dict) -> dict:
        return {"Authorization": f"Bearer {self.tokens[unit['id']]}"}

    async def _json(self, response: aiohttp.ClientResponse, what: str) -> dict:
        body = await response.read()
        if response.status != 200:
            raise RuntimeError(f"{what} -> {response.status} {body[:200]!r}")
        return json.loads(body)

    async def op_a(self, s: aiohttp.ClientSession, unit: dict, page: int) -> int:
        params = {"lead_unit_id": unit["id"], "open": "true", "overdue": "true", "sort": "due", "limit": str(PAGE),
                  "offset": str((page - 1) * PAGE)}
        async with s.get(f"{self.base}/api/v1/tasks", params=params, headers=self._headers(unit)) as r:
            body = await self._json(r, "A")
        if "items" not in body or "total" not in body:
            raise RuntimeError("A: bad body")
        return 1

    async def op_b(self, s: aiohttp.ClientSession, task: dict, unit: dict) -> int:
        url = f"{self.base}/api/v1/tasks/{task['id']}/history"
        async with s.get(url, params={"limit": str(LAST_N)}, headers=self._headers(unit)) as r:
            body = await self._json(r, "B")
        if body.get("id") != int(task["id"]) or "submissions" not in body:
            raise RuntimeError("B: bad body")
        return 1

    async def op_c(self, s: aiohttp.ClientSession, task: dict, unit: dict, text: str, val: str | None) -> int:
        payload: dict = {"progress": text}
        indicator = self.indicators.get(task["id"])
        if val is not None and indicator is not None:
            payload["values"] = {str(indicator): val}
        url = f"{self.base}/api/v1/tasks/{task['id']}/reports/{self.period}"
        async with s.put(url, params={"submit": "true"}, json=payload, headers=self._headers(unit)) as r:
            body = await self._json(r, "C")
        if body.get("status") != "submitted":
            raise RuntimeError(f"C: not submitted ({body.get('status')})")
        return 1

    async def op_d(self, s: aiohttp.ClientSession, city_no: str, unit: dict) -> int:
        url = f"{self.base}/api/v1/tasks/rollup"
        async with s.get(url, params={"unit_id": unit["id"]}, headers=self._headers(unit)) as r:
            body = await self._json(r, "D")
        if "by_status" not in body or "completion_ratio" not in body:
            raise RuntimeError("D: bad body")
        return 1

    async def export(self, s: aiohttp.ClientSession, city_no: str, unit: dict) -> bytes:
        url = f"{self.base}/api/v1/tasks/export"
        async with s.get(url, params={"unit_id": unit["id"], "format": "xlsx"}, headers=self._headers(unit),
                         timeout=aiohttp.ClientTimeout(total=600)) as r:
            body = await r.read()
            if r.status != 200:
                raise RuntimeError(f"export -> {r.status}")
        return body
