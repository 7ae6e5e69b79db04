"""An API client in a process of its own: ``python -m tests.durability.client HOST:PORT TOKEN JOBS`` reads
``[[task_id, period], …]`` from the JSON file JOBS, saves each report over one keep-alive connection, and
prints a JSON object: how many responses had each status, and the first few that were not 200.
Standard library only, so that eight of them start quickly."""

from __future__ import annotations

import http.client
import json
import sys
from collections import Counter


def save_report(connection: http.client.HTTPConnection, token: str, task_id: int, period: str,
                body: dict) -> tuple[int, dict]:
    """PUT /api/v1/tasks/{task_id}/reports/{period}: the response status and JSON body."""
    connection.request("PUT", f"/api/v1/tasks/{task_id}/reports/{period}", body=json.dumps(body).encode(),
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read()
    try:
        return response.status, json.loads(data)
    except ValueError:
        return response.status, {"raw": data.decode("utf-8", errors="replace")[:500]}


def report_body(period: str) -> dict:
    return {"progress": f"{period}进展：按计划推进。", "problems": "无", "next_steps": "继续推进"}


def main(base: str, token: str, jobs_file: str) -> None:
    host, port = base.split(":")
    with open(jobs_file, encoding="utf-8") as handle:
        jobs = json.load(handle)
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    statuses: Counter[int] = Counter()
    refused = []
    for task_id, period in jobs:
        status, body = save_report(connection, token, task_id, period, report_body(period))
        statuses[status] += 1
        if status != 200 and len(refused) < 5:
            refused.append({"task_id": task_id, "period": period, "status": status, "body": body})
    print(json.dumps({"statuses": {str(k): v for k, v in statuses.items()}, "refused": refused}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
