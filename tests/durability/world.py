"""What the durability tests and their helper processes agree on: the periods a county may report
on, who reports, and how a saved report's content is fingerprinted."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

AS_OF = date(2020, 11, 25)  # the policy is judged on this day: 2020-11 is the running period
# Every month before the running one may be reported on; 250 of them give each county 23 × 250 saves.
PERIODS = tuple(f"{year}-{month:02d}" for year in range(2000, 2021) for month in range(1, 13)
                if (year, month) <= (2020, 10))


@dataclass(frozen=True)
class Reporter:
    """A county's reporter: its unit, its API token and the sub-tasks its county leads."""

    username: str
    unit_id: int
    token: str
    tasks: tuple[int, ...]

    def jobs(self, count: int) -> list[tuple[int, str]]:
        """``count`` distinct (task, period) pairs, the county's tasks taken in turn for each period."""
        pairs = [(task, period) for period in PERIODS for task in self.tasks]
        if count > len(pairs):
            raise ValueError(f"only {len(pairs)} distinct reports for {self.username}")
        return pairs[:count]


def content_checksum(task_id: int, period: str, progress: str, problems: str, next_steps: str) -> str:
    return hashlib.sha256("\x1f".join([str(task_id), period, progress, problems, next_steps]).encode()).hexdigest()
