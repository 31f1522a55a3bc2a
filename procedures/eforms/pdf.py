"""The e-form printed as PDF in the legal layout of a Vietnamese form (WeasyPrint, Noto Serif
embedded): the national motto, the form code, the title, "label: value" lines with dotted
leaders, groups as tables, the place and date line and the signature block."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.agencies.models import Province
from procedures.models import EForm, FilledForm

from .display import display_items

#: The national motto heading every administrative form (Decree 30/2020/NĐ-CP, Appendix I).
COUNTRY = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def _place() -> str:
    name = (Province.current().name or "").strip()
    for prefix in ("Tỉnh ", "Thành phố "):
        name = name.removeprefix(prefix)
    return "" if name in ("Tỉnh", "Thành phố") else name


def render_html(form: EForm, definition: dict[str, Any], data: dict[str, Any] | None,
                *, filled: FilledForm | None = None) -> str:
    """The print HTML; always in Vietnamese, the language of the legal form."""
    with translation.override("vi"):
        when = timezone.localtime(filled.created_at).date() if filled else None
        signer = ""
        if filled is not None:
            signer = filled.user.get_full_name()
        return render_to_string("procedures/eforms/pdf.html", {
            "form": form,
            "definition": definition,
            "items": display_items(definition, data),
            "country": COUNTRY,
            "motto": MOTTO,
            "place": _place(),
            "when": when,
            "signer": signer,
            "blank": filled is None,
        })


def render_pdf(form: EForm, definition: dict[str, Any], data: dict[str, Any] | None,
               *, filled: FilledForm | None = None) -> bytes:
    from weasyprint import HTML

    html = render_html(form, definition, data, filled=filled)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def filled_pdf(filled: FilledForm) -> bytes:
    version = filled.version
    return render_pdf(version.form, version.definition, filled.data, filled=filled)


def blank_pdf(form: EForm) -> bytes:
    version = form.current_version
    definition = version.definition if version else {"title": form.name, "fields": []}
    return render_pdf(form, definition, None)
