"""Every file the application hands out — exports, templates, bulletins, evidence — leaves as a
download, never rendered inline, with its Chinese name intact."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def download(data: bytes, filename: str, content_type: str, *, personal: bool = False) -> Response:
    """``personal``: the file holds unmasked personal data, so no browser or proxy may keep a copy."""
    ascii_name = filename.encode("ascii", "ignore").decode().strip() or "download"
    headers = {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}",
               "X-Content-Type-Options": "nosniff"}
    if personal:
        headers |= NO_STORE
    return Response(data, media_type=content_type, headers=headers)
