"""`vaultkit init` and `vaultkit sync`: the commands that create notes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import cast

import click

from vaultkit.cli.app import VAULT, main, plural, print_build, shell_path
from vaultkit.commands.init import InitResult, init_vault
from vaultkit.commands.survey import open_vault
from vaultkit.commands.sync import SyncResult, sync_vault
from vaultkit.config import LINK_STYLES, LinkStyle
from vaultkit.files.display import shown
from vaultkit.model import Kind
from vaultkit.report.structure import (
    Structure,
    document,
    join_lines,
    preview,
    structure,
    totals_line,
    yours_lines,
)
from vaultkit.scaffold.create import CreationReport
from vaultkit.scaffold.reworded import Ambiguity, Rewording


@main.command(short_help="Create a study vault from your two lists.")
@VAULT
@click.option(
    "--readlist", "reading_list", metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Reading list to import instead of the shipped one (`1. [Title](https://…)`, "
         "a link table…). Alone: no questions (the shipped lists come only together); add yours "
         "with --questions.",
)
@click.option(
    "--questions", "syllabus", metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Question list to import instead of the shipped one (`* Question?`, `41. [E] …`); "
         "its sections join reading topics by number, title or [topics] in vaultkit.toml.",
)
@click.option(
    "--links", type=click.Choice(LINK_STYLES), default=None,
    help="Links in note bodies: `wiki` ([[Note]], Obsidian; the default) or `markdown` "
         "(relative [Note](../Sources/Note.md), for VS Code, vim and GitHub).",
)
@click.option("--dry-run", is_flag=True, help="Print the files it would create and the "
              "structure found (topics, counts, groups, joins, skipped lines); write nothing.")
@click.option("--verbose", is_flag=True, help="With --dry-run: every skipped line.")
@click.option("--json", "as_json", is_flag=True, help="With --dry-run: the preview as one JSON "
              "document for scripts (its `schema` key is its version).")
def init(  # click passes every option by name
    vault: Path,
    *,
    reading_list: Path | None,
    syllabus: Path | None,
    links: str | None,
    dry_run: bool,
    verbose: bool,
    as_json: bool,
) -> None:
    """Create a study vault in VAULT from your reading list and question syllabus.

    A list not given is the vault's own (in Lists/) if it has one; the shipped pair is
    used only when neither is given nor in the vault. It writes a note per source and
    per question, a hub per topic, Home.md, your lists, vaultkit.toml, the dashboards.

    Safe to run again: it only creates what is missing and never changes or deletes
    a note that exists, so your notes and edits always survive.

    \b
    Examples:
      vaultkit init ~/study
      vaultkit init ~/study --readlist my-papers.md --questions interview.md
      vaultkit init ~/study --links markdown --dry-run
      vaultkit init ~/study --readlist my-papers.md --dry-run --verbose
    """
    if (verbose or as_json) and not dry_run:
        raise click.UsageError(f"{'--json' if as_json else '--verbose'} goes with --dry-run.")
    result = init_vault(
        vault,
        reading_list=reading_list,
        syllabus=syllabus,
        links=cast("LinkStyle | None", links),
        dry_run=dry_run,
    )
    found = structure(result.catalog, result.warnings, result.lists)
    if as_json:
        click.echo(json.dumps(document(found, result.report), ensure_ascii=False, indent=2))
    elif dry_run:  # the preview lists the skipped lines itself: no warnings on stderr
        for line in preview(found, result.report, result.vault, verbose=verbose):
            click.echo(shown(line))
        _print_rewordings(result.reworded, result.ambiguous)
    else:
        _print_init(result, found)


def _print_init(result: InitResult, found: Structure) -> None:
    for path, warning in result.warnings:
        click.secho(f"warning: {path}:{warning.line}: {warning.message}", fg="yellow", err=True)
    report = result.report
    click.echo(
        f"Created {plural(len(report.created), 'file')} in {result.vault}"
        f" ({len(report.skipped)} already there, left as they are)."
    )
    for line in yours_lines(report.created):
        click.secho(shown(line), fg="yellow")
    for line in [totals_line(found), *join_lines(found)]:
        click.echo(shown(line))
    _print_rewordings(result.reworded, result.ambiguous)
    if result.build is not None:
        print_build(result.build, quiet_unchanged=True)
    click.echo("")
    click.echo("Next:")
    click.echo(f"  Open {result.vault} as a vault in Obsidian (or any editor); "
               f"start at {shown(str(_home(result.report)))}.")
    where = shell_path(result.vault)
    click.echo(f"  vaultkit watch {where}    keeps the dashboards current while you study")
    click.echo(f"  vaultkit status {where}   where you stand, topic by topic")


@main.command(short_help="Add notes for new list entries, then build.")
@VAULT
@click.option("--dry-run", is_flag=True, help="Print what would be created; write nothing.")
@click.option("--new", "accept_new", is_flag=True, help="Give entries that sync reports as "
              "ambiguous rewordings notes of their own (the old notes stay as they are).")
def sync(vault: Path, *, dry_run: bool, accept_new: bool) -> None:
    """Make notes for entries added to the lists inside VAULT, then build.

    Add a source to Lists/Reading list.md (or a question to Lists/Question
    syllabus.md), run sync, and its note appears (with a hub, if its topic is new).
    Existing notes are never changed or deleted; an entry whose note you deleted is
    reported, not re-created. An entry you reworded keeps its note; when it is not
    clear which entry a new wording replaces, sync says so and makes no note (reword
    one at a time, or pass --new).
    """
    root, settings = open_vault(vault)
    result = sync_vault(root, settings, dry_run=dry_run, accept_new=accept_new)
    _print_sync(result, dry_run=dry_run)


def _print_sync(result: SyncResult, *, dry_run: bool) -> None:
    for where, warning in result.warnings:
        click.secho(f"warning: {where}:{warning.line}: {warning.message}", fg="yellow", err=True)
    verb = "would be created" if dry_run else "created"
    for planned in result.created:
        click.echo(shown(f"{'create' if dry_run else 'created'}  {planned.path}"))
    for line in yours_lines(result.created):  # a new entry's name held by a file of the user's
        click.secho(shown(line), fg="yellow")
    for kind, title in result.without_notes:
        click.echo(shown(f"no note  {kind} “{title}” (its note was deleted; `vaultkit init` "
                         "restores it)"))
    _print_rewordings(result.reworded, result.ambiguous)
    for path in result.gone:
        click.echo(shown(f"not listed  {path} (its entry left the lists; the note is kept)"))
    click.echo(f"{plural(len(result.created), 'new note').capitalize()} {verb}.")
    if result.build is not None:
        print_build(result.build, quiet_unchanged=True)


def _print_rewordings(reworded: Sequence[Rewording], ambiguous: Sequence[Ambiguity]) -> None:
    for rewording in reworded:
        click.echo(shown(rewording.line))
    for ambiguity in ambiguous:
        click.secho(shown(ambiguity.line), fg="yellow")


def _home(report: CreationReport) -> PurePosixPath:
    """Where vaultkit's Home is: `Home (2).md` when the user's own `Home.md` was there first."""
    for planned in (*report.created, *report.skipped):
        if planned.kind == Kind.HOME:
            return planned.existing or planned.path
    return PurePosixPath("Home.md")
