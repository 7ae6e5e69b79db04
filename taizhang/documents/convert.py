"""Word → PDF with LibreOffice (headless), and the fonts the PDF is set in.

LibreOffice renders with the fonts installed on this machine. The official faces of GB/T 9704
(方正小标宋简体, 仿宋_GB2312, 楷体_GB2312 …) are rarely installed on a server, so the PDF names Noto
Serif CJK SC (Noto Sans CJK SC for 黑体) for every official face that fontconfig does not know.
Each conversion uses its own LibreOffice profile, so conversions may run side by side.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import fields, replace
from functools import lru_cache
from pathlib import Path

from taizhang.errors import ConfigurationError
from taizhang.exports.bulletin_docx import NOTO, OFFICIAL, Fonts

TIMEOUT_SECONDS = 180


class ConverterMissing(ConfigurationError):
    status = 503
    code = "pdf_converter_missing"


class ConversionFailed(ConfigurationError):
    code = "pdf_conversion_failed"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return frozenset()
    listing = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, timeout=60, check=False).stdout
    return frozenset(name.strip() for line in listing.splitlines() for name in line.split(","))


def pdf_fonts() -> Fonts:
    """The official faces that are installed, Noto CJK for the others."""
    installed = installed_families()
    return replace(OFFICIAL, **{f.name: getattr(NOTO, f.name) for f in fields(Fonts)
                                if getattr(OFFICIAL, f.name) not in installed})


def docx_to_pdf(docx: bytes, *, name: str = "通报") -> bytes:
    executable = soffice()
    if executable is None:
        raise ConverterMissing("未安装 LibreOffice，无法生成 PDF：请安装 libreoffice-writer-nogui"
                               "（sudo apt-get install libreoffice-writer-nogui；.ci/run 会自动安装），或只生成 Word 版。")
    with tempfile.TemporaryDirectory(prefix="taizhang-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "document.docx"
        source.write_bytes(docx)
        command = [executable, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "pdf", "--outdir", str(folder), str(source)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False,
                                  cwd=folder)
        except subprocess.TimeoutExpired:
            raise ConversionFailed(f"LibreOffice 转换“{name}”超时（{TIMEOUT_SECONDS}秒），请稍后重试。") from None
        target = folder / "document.pdf"
        if not target.exists():
            message = (done.stderr or done.stdout).strip()[:300]
            raise ConversionFailed(f"LibreOffice 未能把“{name}”转换为 PDF：{message or '没有输出'}")
        return target.read_bytes()
