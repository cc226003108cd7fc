"""MentorDash: mentorship coverage, recruitment, wellbeing and outcomes for an academic department."""

__version__ = "0.1.0"
