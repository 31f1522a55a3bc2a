"""Agencies and the province configuration (A1-A3)."""
