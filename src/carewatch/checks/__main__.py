"""``uv run python -m carewatch.checks`` rewrites docs/checks.md from the check definitions."""
from carewatch.checks.catalogue import write_catalogue

print(write_catalogue())
