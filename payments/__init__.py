"""Payments (F1-F5): fees, the national payment platform, refunds, receipts."""
