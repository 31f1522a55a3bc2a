"""Feedback and evaluation (K1-K4): citizens' feedback, satisfaction surveys, the 766 index."""
