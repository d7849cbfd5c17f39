"""The registry of data exports: each app declares its kinds here; `staffroom.exports` runs them (inline or queued).

An export kind names the permissions it needs (checked when it is requested, again when the background task builds
it, and when its file is downloaded), a builder that turns (employee, parameters) into file bytes with the app's own
service (which checks the permissions itself and records the export as a security event), and optionally a row
count that decides whether the request builds it at once or queues it (`EXPORT_BACKGROUND_ROWS`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    fmt: str
    name: str  # without the extension
    rows: int | None = None

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.fmt}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.fmt]


@dataclass(frozen=True)
class ExportKind:
    code: str
    label: object  # a lazy translation
    permissions: tuple[str, ...]
    build: Callable[..., ExportFile]  # build(actor, params) -> ExportFile
    count: Callable[..., int] | None = None  # count(actor, params) -> rows; None: small by nature
    formats: tuple[str, ...] = field(default=("csv",))


_KINDS: dict[str, ExportKind] = {}


def register_export_kind(kind: ExportKind) -> ExportKind:
    """Declare an export kind (from an app's `ready()`); the same kind again is a no-op, another under its code an error."""
    if kind.code in _KINDS and _KINDS[kind.code].build is not kind.build:
        raise ValueError(f"export kind {kind.code!r} is registered twice")
    _KINDS[kind.code] = kind
    return kind


def export_kind(code: str) -> ExportKind:
    return _KINDS[code]


def export_kinds() -> dict[str, ExportKind]:
    return dict(_KINDS)
