"""Checks on imported tables: the findings model and the checks that produce findings."""
