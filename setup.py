"""Build shim for ``scrapyd-deploy``, which runs ``python setup.py bdist_egg``: the metadata, packages,
package data and the ``scrapy`` settings entry point scrapyd needs all live in pyproject.toml."""

from setuptools import setup

setup()
