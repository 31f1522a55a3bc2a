"""Feedback and evaluation (K1-K4): citizens' feedback, satisfaction surveys, the 766 index.

Models arrive with the issue that builds this app.
"""
