"""Procedures catalogue (P1-P6): procedures, publication decisions, e-forms, internal processes.

Models arrive with the issue that builds this app.
"""
