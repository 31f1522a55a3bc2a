"""Dossiers (D1-D11): submission, intake, processing, results, lookup."""
