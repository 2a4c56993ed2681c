"""The scrutiny tracker: committees, meetings, their recommendations, responses and letters."""
