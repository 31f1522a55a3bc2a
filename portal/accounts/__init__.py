"""Accounts and roles (U1-U6): the custom user, agency memberships, permissions."""
