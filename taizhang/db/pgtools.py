"""PostgreSQL's own dump and restore programs, matched to the server's major version.

``pg_dump`` refuses a server newer than itself and an archive is best read by the ``pg_restore`` of
the same release, so the program is chosen per server: the one of the same major version among
``/usr/lib/postgresql/*/bin`` (Debian's layout) and the ``PATH``, else the oldest newer one.
The password travels in the environment, never on the command line (other users can read that).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import lru_cache
from glob import glob
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.engine import URL

from taizhang.errors import TaizhangError


class ToolMissing(TaizhangError):
    status = 500
    code = "tool_missing"


class ToolFailed(TaizhangError):
    status = 500
    code = "tool_failed"


def server_major(connection: Connection) -> int:
    return int(connection.exec_driver_sql("SHOW server_version_num").scalar()) // 10_000


def find_tool(name: str, major: int) -> Path:
    """The ``pg_dump``/``pg_restore`` that fits a server of this major version."""
    found = {}
    for candidate in [*sorted(glob(f"/usr/lib/postgresql/*/bin/{name}")), shutil.which(name)]:
        version = _major_of(candidate) if candidate else None
        if version is not None:
            found.setdefault(version, Path(candidate))
    if major in found:
        return found[major]
    newer = sorted(v for v in found if v > major)
    if newer:
        return found[newer[0]]
    have = "、".join(str(v) for v in sorted(found)) or "无"
    raise ToolMissing(f"找不到与 PostgreSQL {major} 匹配的 {name}（本机已有版本：{have}）："
                      f"请安装 postgresql-client-{major}。")


@lru_cache(maxsize=16)
def _major_of(program: str) -> int | None:
    try:
        output = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"\)\s+(\d+)", output)
    return int(match[1]) if match else None


def run_tool(program: Path, arguments: list[str], url: URL) -> None:
    """Run a PostgreSQL client program against the database at ``url``; its errors become ours."""
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, "PGCONNECT_TIMEOUT": "30"}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    result = subprocess.run([str(program), "--no-password", f"--dbname={conninfo}", *arguments],
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-5:]
        raise ToolFailed(f"{program.name} 运行失败（退出码 {result.returncode}）：" + " / ".join(detail),
                         details=detail)
