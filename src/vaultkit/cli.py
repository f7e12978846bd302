"""The `vaultkit` command: thin click commands over the core functions."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import cast

import click

from vaultkit import __version__
from vaultkit.config import LINK_STYLES, LinkStyle
from vaultkit.errors import VaultkitError
from vaultkit.initialise import InitResult, init_vault


class _VaultkitGroup(click.Group):
    """Turns a `VaultkitError` from any command into `Error: …` and exit status 2."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except VaultkitError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            if exc.hint:
                click.echo(exc.hint, err=True)
            ctx.exit(2)


@click.group(cls=_VaultkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vaultkit")
@click.option("-v", "--verbose", is_flag=True, help="Log what vaultkit does, step by step.")
def main(verbose: bool) -> None:
    """Turn a reading list and a question syllabus into a linked study vault.

    \b
    Start with:
      vaultkit init ~/study        a vault from the shipped lists
      vaultkit init --help         importing your own lists, link styles
    Open the folder in Obsidian (or any editor) and begin at Home.md.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@main.command()
@click.argument("vault", type=click.Path(file_okay=True, dir_okay=True, path_type=Path))
@click.option(
    "--readlist", "reading_list", metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Reading list to import instead of the shipped one: the seed's shape "
         "(`1. **Title**`, link, `Why: …`) or an awesome list (`- [Title](https://…) - note`).",
)
@click.option(
    "--questions", "syllabus", metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Question syllabus to import instead of the shipped one: `*` bullets under "
         "level headings, or numbered lists like `41. [E] Question?`.",
)
@click.option(
    "--links", type=click.Choice(LINK_STYLES), default=None,
    help="Links in note bodies: `wiki` ([[Note]], Obsidian; the default) or `markdown` "
         "(relative [Note](../Sources/Note.md), for VS Code, vim and GitHub).",
)
@click.option("--dry-run", is_flag=True, help="Print what would be created; write nothing.")
def init(
    vault: Path,
    reading_list: Path | None,
    syllabus: Path | None,
    links: str | None,
    dry_run: bool,
) -> None:
    """Create a study vault in VAULT from your reading list and question syllabus.

    With no options it uses the lists that ship with vaultkit. It writes a note per
    source and per question, a hub note per topic, Home.md, dashboards, your lists
    (in Lists/) and vaultkit.toml.

    Safe to run again: it only creates what is missing and never changes or deletes
    a file that exists, so your notes and edits always survive.

    \b
    Examples:
      vaultkit init ~/study
      vaultkit init ~/study --readlist my-papers.md --questions interview.md
      vaultkit init ~/study --links markdown --dry-run
    """
    result = init_vault(
        vault,
        reading_list=reading_list,
        syllabus=syllabus,
        links=cast("LinkStyle | None", links),
        dry_run=dry_run,
    )
    for path, warning in result.warnings:
        click.secho(f"warning: {path}:{warning.line}: {warning.message}", fg="yellow", err=True)
    _print_init(result, dry_run=dry_run)


def _print_init(result: InitResult, *, dry_run: bool) -> None:
    report = result.report
    if dry_run:
        for planned in report.created:
            click.echo(f"create  {planned.path}")
        for planned in report.skipped:
            click.echo(f"skip    {planned.path} (exists as {planned.existing})")
    catalog = result.catalog
    verb = "Would create" if dry_run else "Created"
    click.echo(
        f"{verb} {len(report.created)} files in {result.vault}"
        f" ({len(report.skipped)} already there, left as they are)."
    )
    click.echo(
        f"  {len(catalog.sources)} sources · {len(catalog.questions)} questions · "
        f"{len(catalog.topics)} topics"
    )
    created = {kind: report.count(kind) for kind in ("source", "question", "topic")}
    if any(report.count(k, created=False) for k in ("source", "question", "topic")):
        click.echo(
            f"  new notes: {created['source']} sources · {created['question']} questions · "
            f"{created['topic']} topics"
        )
    if dry_run:
        click.echo("Nothing was written (--dry-run).")
        return
    click.echo("")
    click.echo("Next:")
    click.echo(f"  Open {result.vault} as a vault in Obsidian (or any editor); start at Home.md.")
    click.echo(f"  vaultkit watch {_shell_path(result.vault)}   keeps the dashboards current")


def _shell_path(path: Path) -> str:
    text = str(path)
    return f"'{text}'" if any(c in text for c in " '\"$`\\") else text
