"""Attachment limits: size, count and file types (by extension, checked against the file's first bytes)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.utils.translation import gettext as _

from staffroom.core.errors import field_error

# extension -> (content type, signatures the file must start with; empty = text, checked for NUL bytes)
KNOWN_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "pdf": ("application/pdf", (b"%PDF-",)),
    "txt": ("text/plain", ()),
    "log": ("text/plain", ()),
    "csv": ("text/csv", ()),
}


def allowed_extensions() -> list[str]:
    return [ext for ext in settings.SUPPORT_ATTACHMENT_EXTENSIONS if ext in KNOWN_TYPES]


def validate_uploads(uploads: Sequence) -> list[tuple[object, str]]:
    """Return (upload, content type) pairs, or refuse the whole message with a field error."""
    uploads = [upload for upload in uploads or () if upload is not None]
    if len(uploads) > settings.SUPPORT_ATTACHMENTS_PER_MESSAGE:
        raise field_error(
            "attachments",
            _("Attach at most %(count)d files.") % {"count": settings.SUPPORT_ATTACHMENTS_PER_MESSAGE},
        )
    checked = []
    limit = settings.SUPPORT_ATTACHMENT_MAX_BYTES
    for upload in uploads:
        name = getattr(upload, "name", "") or ""
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in allowed_extensions():
            raise field_error(
                "attachments",
                _("%(name)s: this file type is not accepted (accepted: %(types)s).")
                % {"name": name, "types": ", ".join(allowed_extensions())},
            )
        if upload.size > limit:
            raise field_error(
                "attachments",
                _("%(name)s is larger than %(size)s MB.") % {"name": name, "size": round(limit / 1024 / 1024, 1)},
            )
        if upload.size == 0:
            raise field_error("attachments", _("%(name)s is empty.") % {"name": name})
        content_type, signatures = KNOWN_TYPES[extension]
        upload.seek(0)
        head = upload.read(2048)
        upload.seek(0)
        if signatures and not head.startswith(signatures):
            raise field_error(
                "attachments", _("%(name)s is not really a %(ext)s file.") % {"name": name, "ext": extension}
            )
        if not signatures and b"\x00" in head:
            raise field_error("attachments", _("%(name)s is not a text file.") % {"name": name})
        checked.append((upload, content_type))
    return checked
