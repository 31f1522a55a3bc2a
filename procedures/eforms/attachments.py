"""Checks on uploaded attachments: the real type by content, the size limit and the EICAR
malware test signature (the hook where a real scanner would sit)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS = {"pdf": ".pdf", "jpg": ".jpg", "png": ".png"}
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
#: The industry-standard anti-malware test string; a file carrying it is refused like malware.
EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
_CHUNK = 64 * 1024


def detect_kind(head: bytes) -> str | None:
    for kind, magics in SIGNATURES.items():
        if any(head.startswith(m) for m in magics):
            return kind
    return None


def contains_malware_signature(upload: UploadedFile) -> bool:
    overlap = b""
    upload.seek(0)
    for chunk in upload.chunks(_CHUNK):
        if EICAR in overlap + chunk:
            upload.seek(0)
            return True
        overlap = chunk[-len(EICAR):]
    upload.seek(0)
    return False


def check_upload(upload: UploadedFile, *, accept: list[str], max_size_mb: float,
                 label: str) -> str:
    """The detected kind (``pdf``, ``jpg``, ``png``) of a valid upload; raises a translated
    :class:`ValidationError` otherwise."""
    if upload.size is not None and upload.size > max_size_mb * 1024 * 1024:
        raise ValidationError(
            _("“%(label)s”: the file is %(size)s MB; at most %(limit)s MB is accepted.")
            % {"label": label, "size": f"{upload.size / 1024 / 1024:.1f}",
               "limit": f"{max_size_mb:g}"}, code="size")
    if not upload.size:
        raise ValidationError(_("“%(label)s”: the file is empty.") % {"label": label},
                              code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = detect_kind(head)
    if kind is None or kind not in accept:
        raise ValidationError(
            _("“%(label)s”: the file's content is not an accepted type (%(kinds)s).")
            % {"label": label, "kinds": ", ".join(k.upper() for k in accept)}, code="type")
    if contains_malware_signature(upload):
        raise ValidationError(
            _("“%(label)s”: the file contains a malware signature and was refused.")
            % {"label": label}, code="malware")
    return kind
