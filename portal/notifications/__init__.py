"""Notification channels shared by the business apps (D10)."""
