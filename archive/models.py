"""Archive (H1-H2; Circular 13/2023/TT-BNV) — and, for now, the citizen's data warehouse
("Kho dữ liệu", D9; LEGAL-NOTES §3: electronic results go to the applicant's data warehouse;
§9: digitized papers are reused).

The warehouse belongs to a person keyed by the personal ID number (organisations by their
organisation code), not to an account: it lists the signed results returned to them online or at
the counter, and the papers digitized at the counter for their dossiers. A new dossier can reuse
any item instead of uploading the paper again. Nobody but the owner sees the items.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarehouseItem(models.Model):
    """One document in a citizen's data warehouse (points at the stored file, never copies it
    until it is reused in a dossier)."""

    class Kind(models.TextChoices):
        RESULT = "result", _("result of a dossier")
        DIGITIZED = "digitized", _("digitized paper")

    owner_key = models.CharField(_("personal ID or organisation code"), max_length=20,
                                 db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    title = models.CharField(_("title"), max_length=255)
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("dossier"))
    result = models.ForeignKey("dossiers.DossierResult", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("result"))
    dossier_file = models.ForeignKey("dossiers.DossierFile", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("digitized paper"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["owner_key", "-added_at", "-id"]
        verbose_name = _("data warehouse item")
        verbose_name_plural = _("data warehouse")
        constraints = [
            models.UniqueConstraint(fields=["owner_key", "result"], name="warehouse_result_once",
                                    condition=models.Q(result__isnull=False)),
            models.UniqueConstraint(fields=["owner_key", "dossier_file"],
                                    name="warehouse_file_once",
                                    condition=models.Q(dossier_file__isnull=False)),
        ]
        indexes = [models.Index(fields=["owner_key", "-added_at"])]

    def __str__(self) -> str:
        return f"{self.owner_key}: {self.title}"
