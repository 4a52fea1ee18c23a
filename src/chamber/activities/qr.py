"""QR codes for sign-ups (segno: pure Python, SVG out, no image library needed)."""

from __future__ import annotations

import segno


def qr_svg(payload: str, scale: int = 6, inline: bool = True) -> str:
    """The QR code of `payload` as SVG markup: inline for a page, or a whole document
    (with XML declaration) to serve as image/svg+xml."""
    code = segno.make(payload, error="m", micro=False)
    if inline:
        return code.svg_inline(scale=scale, border=2, dark="#000", light="#fff", omitsize=True)
    import io

    buf = io.BytesIO()
    code.save(buf, kind="svg", scale=scale, border=2, dark="#000", light="#fff")
    return buf.getvalue().decode()


def qr_matrix(payload: str) -> list[list[bool]]:
    """The modules of the QR code (True = dark), e.g. to paint test video frames."""
    code = segno.make(payload, error="m", micro=False)
    return [[bool(v) for v in row] for row in code.matrix]
