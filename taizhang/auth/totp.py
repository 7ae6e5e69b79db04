"""Second factor: time-based one-time passwords (RFC 6238, 30-second steps, 6 digits) via pyotp.

A code is accepted for the current step or the one before (clock drift) and only once: the step it
matched is remembered and a code of the same or an earlier step is refused.
"""

from __future__ import annotations

from datetime import datetime

import pyotp
import segno

ISSUER = "重点任务推进台账"
STEP_SECONDS = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The provisioning URI as an inline SVG QR code, for the authenticator app to scan."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#1f2937")


def step_of(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step the code belongs to, if it is valid now and was not used before."""
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = step_of(now)
    for step in (current, current - 1):
        if last_step is not None and step <= last_step:
            continue
        if totp.at(step * STEP_SECONDS) == code:
            return step
    return None
