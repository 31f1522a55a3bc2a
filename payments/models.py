"""Payments (F1-F5): fees, the national payment platform, refunds, receipts.

Models arrive with the issue that builds this app.
"""
