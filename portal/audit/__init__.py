"""The append-only audit log (O4, H2)."""
