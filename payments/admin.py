"""Admin registrations of the payments app."""
