"""Admin registrations of the feedback app."""
