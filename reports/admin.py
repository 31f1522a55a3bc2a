"""Admin registrations of the reports app."""
