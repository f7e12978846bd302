"""vaultkit: a reading list and a question syllabus become a linked study vault."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vaultkit")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
