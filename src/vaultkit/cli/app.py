"""The `vaultkit` group: how every command reports errors and exits, and the shared helpers."""

from __future__ import annotations

import logging
import os
import shlex
import sys
from enum import IntEnum
from pathlib import Path

import click

from vaultkit import __version__
from vaultkit.commands.build import BuildResult
from vaultkit.errors import VaultkitError
from vaultkit.files.display import shown


class ExitStatus(IntEnum):
    """What `vaultkit` exits with: the group's --help and README's Commands say the same."""

    OK = 0
    """Done; also when a pipe such as `| head` closes early."""
    PROBLEMS = 1
    """`check` found problems."""
    ERROR = 2
    """A usage error (click exits with 2 for those) or something vaultkit could not do."""


class _VaultkitGroup(click.Group):
    """Turns a `VaultkitError` or an `OSError` from any command into `Error: …` and exit
    status 2, and a closed pipe into a quiet exit 0."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except VaultkitError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            if exc.hint:
                click.echo(exc.hint, err=True)
            ctx.exit(ExitStatus.ERROR)
        except BrokenPipeError:  # `vaultkit status … | head -1`: the reader has what it wanted
            # Later writes (and the interpreter's last flush) go nowhere instead of failing.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(ExitStatus.OK)
        except OSError as exc:  # a disk full, a permission, a folder where a file should be
            # For a rename, `filename2` is where it was going: the path the user knows.
            name = exc.filename2 or exc.filename
            where = f"{name}: " if name else ""
            click.secho(f"Error: {where}{exc.strerror or exc}", fg="red", err=True)
            ctx.exit(ExitStatus.ERROR)


VAULT = click.argument(
    "vault", type=click.Path(file_okay=True, dir_okay=True, path_type=Path)
)


@click.group(cls=_VaultkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vaultkit")
@click.option("-v", "--verbose", is_flag=True, help="Log what vaultkit does, step by step.")
def main(verbose: bool) -> None:
    """Turn a reading list and a question syllabus into a linked study vault.

    \b
    Start with:
      vaultkit init ~/study        a vault from the shipped lists
      vaultkit status ~/study      where you stand, topic by topic
    Open the folder in Obsidian (or any editor) and begin at Home.md.
    Every command takes --help.

    \b
    Exit status: 0 done (also when a pipe such as `| head` closes early),
    1 `check` found problems, 2 a usage error or something vaultkit could
    not do (with an `Error: …` line saying what and where).
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def names(paths: list[str]) -> list[str]:
    return [p.rsplit("/", 1)[-1].removesuffix(".md") for p in paths]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def shell_path(path: Path) -> str:
    """The path as a shell word: `it's vault` → `'it'"'"'s vault'`, ready to copy and paste."""
    return shlex.quote(shown(str(path)))


def print_build(result: BuildResult, *, quiet_unchanged: bool = False) -> None:
    for original, kept in result.kept:
        click.secho(f"kept your edits to {shown(original)} in {shown(kept)}", fg="yellow",
                    err=True)
    if result.written:
        click.echo(shown(f"Dashboards written: {', '.join(names(result.written))}."))
    if result.panels:  # the topic panels and the index: counted, as there may be hundreds
        click.echo(f"Topic panels written: {len(result.panels)}.")
    if not result.written and not result.panels and not quiet_unchanged:
        click.echo("Dashboards unchanged.")
    count = result.problems
    if count:
        click.echo(f"{plural(count, 'problem')}: see Problems.md or run `vaultkit check`.")
