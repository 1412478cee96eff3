"""Response headers: who may frame which page, and what a page may load."""

from __future__ import annotations

from flask import Flask, Response, current_app, request


def register_security_headers(app: Flask) -> None:
    app.after_request(_headers)


def _headers(response: Response) -> Response:
    if request.path.startswith("/embed/"):
        allowed = current_app.config["EMBED_ALLOWED_ORIGINS"].strip() or "*"
        response.headers["Content-Security-Policy"] = f"frame-ancestors {allowed}"
    else:
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response
