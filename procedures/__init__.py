"""Procedures catalogue (P1-P6): procedures, publication decisions, e-forms, internal processes."""
