"""Documents issued for a dossier (D4, Circular 03/2025/TT-VPCP Annex I): the receipt and
appointment, the request to complete and the refusal, rendered to PDF and stored privately."""
