"""vaultkit: a reading list and a question syllabus become a linked study vault."""

# A literal, read by the build too (pyproject's [tool.hatch.version]): asking
# importlib.metadata costs ~40 ms at every start of the command.
__version__ = "0.1.0"

__all__ = ["__version__"]
