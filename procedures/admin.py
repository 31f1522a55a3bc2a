"""Admin registrations of the procedures app."""
