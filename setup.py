"""The C extension (the CIN census reader's tag scanner); everything else is in pyproject.toml."""
from setuptools import Extension, setup

setup(ext_modules=[Extension("carewatch.sources._cin_tags", ["src/carewatch/sources/_cin_tags.c"])])
