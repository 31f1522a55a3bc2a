"""Admin registrations of the archive app."""
