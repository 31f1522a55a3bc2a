"""Dossiers (D1-D11): submission, intake, processing, results, lookup.

Models arrive with the issue that builds this app.
"""
