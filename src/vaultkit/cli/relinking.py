"""`vaultkit relink`: repair links after renames and moves, or convert the link style."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import click

from vaultkit.cli.app import VAULT, ExitStatus, main, plural, print_build, shell_path
from vaultkit.commands.build import build_once
from vaultkit.commands.relink import RelinkPlan, apply_relink, plan_relink
from vaultkit.commands.survey import open_vault
from vaultkit.config import LINK_STYLES, LinkStyle
from vaultkit.files.display import shown


@main.command(short_help="Repair links after renames and moves; switch the link style.")
@VAULT
@click.option("--dry-run", is_flag=True,
              help="Print each change as a diff (- old line, + new line); write nothing.")
@click.option(
    "--links", type=click.Choice(LINK_STYLES), default=None,
    help="Also write every link to a note in this style: `wiki` ([[Note]]) or `markdown` "
         "([Note](../Sources/Note.md)). Must be what `links` in vaultkit.toml says.",
)
def relink(vault: Path, dry_run: bool, links: str | None) -> None:
    """Repair the links in VAULT's notes that renames and moves broke.

    Rename or move a note outside Obsidian (vim, a file manager, `mv`) and the
    links to it still name the old file; move a note in Markdown-link mode and
    its own relative links point from its old folder. The note's title and
    aliases remember its old name, so `vaultkit check` says which note it was,
    and relink rewrites those links to the note where it is now, keeping the
    text you see: [[Old]] becomes [[New|Old]], [text](../Old.md) becomes
    [text](../New.md). Links in code are never touched. A link two notes could
    answer is left for you, and listed.

    With --links STYLE it also converts every link to a note into STYLE. Set
    `links` in vaultkit.toml to STYLE first: that one setting decides how new
    notes and the dashboards link. In markdown style an embed (![[…]]) becomes
    a plain link, as other editors cannot show a note inline; properties
    (topic:, also_in:) stay quoted wikilinks, as Obsidian requires.

    It edits only the notes vaultkit made, and only their links. Each note is
    written in one step, and only if its bytes are still those relink read: a
    note you save meanwhile is left as it is and reported (run relink again).

    \b
    Examples:
      vaultkit relink ~/study --dry-run          preview every change
      vaultkit relink ~/study                    repair the links
      vaultkit relink ~/study --links markdown   after links = "markdown"

    \b
    Exit status: 0 done (also when there was nothing to do), 2 when a note
    could not be read or written, is a link (symbolic or hard), or changed
    meanwhile (the rest are written).
    """
    root, settings = open_vault(vault)
    plan = plan_relink(root, settings, style=cast("LinkStyle | None", links))
    for path, why in plan.unread:
        click.secho(shown(f"not read  {path}: {why}"), fg="yellow", err=True)
    for path, why in plan.left:
        click.secho(shown(f"left  {path}: link to {why}"), fg="yellow", err=True)
    if dry_run:
        _print_preview(plan)
        return
    result = apply_relink(plan)
    for change in result.written:
        click.echo(shown(f"relinked  {change.path} ({plural(change.links, 'link')})"))
    for path, what in result.warnings:
        click.secho(shown(f"warning  {path}: {what}"), fg="yellow", err=True)
    for path, why in result.skipped:
        click.secho(shown(f"skipped  {path}: {why}"), fg="yellow", err=True)
    count = sum(c.links for c in result.written)
    if not plan.changes:
        click.echo("Nothing to relink." if not plan.unread else
                   "Nothing to relink in the notes read.")
    else:
        left = len(result.skipped)
        click.echo(f"Relinked {plural(count, 'link')} in {plural(len(result.written), 'note')}"
                   + (f"; {left} left as {'it was' if left == 1 else 'they were'}."
                      if left else "."))
    if result.written:
        print_build(build_once(root, settings), quiet_unchanged=True)
    failed = [path for path, _ in (*plan.unread, *result.skipped)]
    if failed:
        # A note relink could not read or write may hold the very links it was asked to
        # repair: a CI gate or a script must not take that for done.
        click.secho(shown(f"Error: {plural(len(failed), 'note')} not read or not written "
                          f"({', '.join(failed)}); fix what is said above, then run "
                          f"`vaultkit relink {shell_path(root)}` again."), fg="red", err=True)
        sys.exit(ExitStatus.ERROR)


def _print_preview(plan: RelinkPlan) -> None:
    """The plan as a unified diff without context: `--- a/path`, `+++ b/path`, a hunk a line."""
    for change in plan.changes:
        click.echo(shown(f"--- a/{change.path}"))
        click.echo(shown(f"+++ b/{change.path}"))
        for number, old, new in change.lines():
            click.secho(f"@@ -{number} +{number} @@", fg="cyan")
            click.secho(shown(f"-{old}"), fg="red")
            click.secho(shown(f"+{new}"), fg="green")
    count = sum(c.links for c in plan.changes)
    if plan.changes:
        click.echo(f"{plural(count, 'link').capitalize()} in {plural(len(plan.changes), 'note')} "
                   f"would change; nothing written. Run without --dry-run to write them.")
    else:
        click.echo("Nothing to relink." if not plan.unread else
                   "Nothing to relink in the notes read.")
