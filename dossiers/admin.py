"""Admin registrations of the dossiers app."""
