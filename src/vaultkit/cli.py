"""The `vaultkit` command: thin click commands over the core functions."""

from __future__ import annotations

import json
import logging
import os
import shlex
import sys
from enum import IntEnum
from pathlib import Path
from typing import cast

import click

from vaultkit import __version__
from vaultkit.commands.build import BuildResult, build_once
from vaultkit.commands.init import InitResult, init_vault
from vaultkit.commands.survey import Survey, open_vault, survey
from vaultkit.commands.sync import SyncResult, sync_vault
from vaultkit.config import LINK_STYLES, LinkStyle
from vaultkit.errors import VaultkitError
from vaultkit.files.display import shown
from vaultkit.report.overview import Check, status_document, topic_checks, totals
from vaultkit.report.progress import TopicProgress
from vaultkit.report.structure import (
    Structure,
    document,
    join_lines,
    preview,
    structure,
    totals_line,
)


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


_VAULT = click.argument(
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


# --- init ---------------------------------------------------------------------------------


@main.command(short_help="Create a study vault from your two lists.")
@_VAULT
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
    else:
        _print_init(result, found)


def _print_init(result: InitResult, found: Structure) -> None:
    for path, warning in result.warnings:
        click.secho(f"warning: {path}:{warning.line}: {warning.message}", fg="yellow", err=True)
    report = result.report
    click.echo(
        f"Created {_plural(len(report.created), 'file')} in {result.vault}"
        f" ({len(report.skipped)} already there, left as they are)."
    )
    for line in [totals_line(found), *join_lines(found)]:
        click.echo(shown(line))
    if result.build is not None:
        _print_build(result.build, quiet_unchanged=True)
    click.echo("")
    click.echo("Next:")
    click.echo(f"  Open {result.vault} as a vault in Obsidian (or any editor); start at Home.md.")
    where = _shell_path(result.vault)
    click.echo(f"  vaultkit watch {where}    keeps the dashboards current while you study")
    click.echo(f"  vaultkit status {where}   where you stand, topic by topic")


# --- build --------------------------------------------------------------------------------


@main.command(short_help="Write the dashboards once (cron, CI).")
@_VAULT
def build(vault: Path) -> None:
    """Write the dashboards of VAULT once: for cron, CI, or without a watcher.

    Reads every note, then rewrites Dashboards/Progress, Unanswered questions, Reading
    queue and Problems, each only if its text changed. A dashboard you edited by hand
    is moved aside to "<name> (edited).md" first, never overwritten. Your notes are
    only read.
    """
    root, settings = open_vault(vault)
    _print_build(build_once(root, settings))


def _print_build(result: BuildResult, *, quiet_unchanged: bool = False) -> None:
    for original, kept in result.kept:
        click.secho(f"kept your edits to {shown(original)} in {shown(kept)}", fg="yellow",
                    err=True)
    if result.written:
        click.echo(shown(f"Dashboards written: {', '.join(_names(result.written))}."))
    elif not quiet_unchanged:
        click.echo("Dashboards unchanged.")
    count = result.problems
    if count:
        click.echo(f"{_plural(count, 'problem')}: see Problems.md or run `vaultkit check`.")


# --- status -------------------------------------------------------------------------------


@main.command(short_help="Where you stand, topic by topic.")
@_VAULT
@click.option("--json", "as_json", is_flag=True,
              help="Print the figures as one JSON document for scripts; its `schema` key is "
                   "its version.")
def status(vault: Path, as_json: bool) -> None:
    """Show where you stand in VAULT: totals and each topic's coverage. Changes no note.

    \b
    A topic is covered when its core and practitioner reading is done, its hub's
    Summary has enough lines, and enough of its questions are refined (targets in
    vaultkit.toml).
    """
    root, settings = open_vault(vault)
    surveyed = survey(root, settings)
    if as_json:
        document = status_document(surveyed.root, surveyed.progress, surveyed.problems)
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    _print_status(surveyed)


def _print_status(surveyed: Survey) -> None:
    progress = surveyed.progress
    click.secho(shown(str(surveyed.root)), bold=True)
    for tally in totals(progress).plan:
        click.echo(f"  {tally.label:<18} {tally.bar:<16} {tally.done}/{tally.total}")
    if progress.topics:
        click.echo("")
        width = min(48, max(len(t.hub.name) for t in progress.topics))
        for topic in progress.topics:
            name = _short(shown(topic.hub.name), width)
            click.echo(f"  {name:<{width}}  {_topic_marks(topic)}")
    click.echo("")
    if surveyed.problems:
        click.secho(f"{_plural(len(surveyed.problems), 'problem')}: run `vaultkit check` to "
                    "list them.", fg="yellow")
    else:
        click.echo("No problems.")


def _topic_marks(topic: TopicProgress) -> str:
    marks = "  ".join(_styled(check) for check in topic_checks(topic))
    covered = click.style("  covered", fg="green", bold=True) if topic.covered else ""
    optional = click.style("  (optional)", dim=True) if topic.optional else ""
    return marks + covered + optional


def _styled(check: Check) -> str:
    """`✓ core` in green, `✗ core` in red, `· practitioner` dim when there is nothing to check."""
    if check.ok is None:
        return click.style(f"· {check.text}", dim=True)
    if check.ok:
        return click.style(f"✓ {check.text}", fg="green")
    return click.style(f"✗ {check.text}", fg="red")


# --- check --------------------------------------------------------------------------------


@main.command(short_help="List problems; exit 1 if there are any.")
@_VAULT
def check(vault: Path) -> None:
    """List the problems in VAULT; exit 1 if there are any, 0 if none. Changes no note.

    For CI on a vault kept in git. Problems: notes that cannot be read (broken YAML,
    not UTF-8, empty), unknown status values, a status that disagrees with the note's
    text, broken links, duplicate ids, notes whose entries left the lists.
    """
    root, settings = open_vault(vault)
    problems = survey(root, settings).problems
    for problem in problems:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        click.echo(shown(f"{where}: {problem.message}"))
    if problems:
        click.secho(f"{_plural(len(problems), 'problem')}.", fg="red", err=True)
        sys.exit(ExitStatus.PROBLEMS)
    click.echo("No problems.")


# --- sync ---------------------------------------------------------------------------------


@main.command(short_help="Add notes for new list entries, then build.")
@_VAULT
@click.option("--dry-run", is_flag=True, help="Print what would be created; write nothing.")
def sync(vault: Path, dry_run: bool) -> None:
    """Make notes for entries added to the lists inside VAULT, then build.

    Add a source to Lists/Reading list.md (or a question to Lists/Question
    syllabus.md), run sync, and its note appears (with a hub, if its topic is new).
    Existing notes are never changed or deleted; an entry whose note you deleted is
    reported, not re-created.
    """
    root, settings = open_vault(vault)
    _print_sync(sync_vault(root, settings, dry_run=dry_run), dry_run=dry_run)


def _print_sync(result: SyncResult, *, dry_run: bool) -> None:
    for where, warning in result.warnings:
        click.secho(f"warning: {where}:{warning.line}: {warning.message}", fg="yellow", err=True)
    verb = "would be created" if dry_run else "created"
    for planned in result.created:
        click.echo(shown(f"{'create' if dry_run else 'created'}  {planned.path}"))
    for kind, title in result.without_notes:
        click.echo(shown(f"no note  {kind} “{title}” (its note was deleted; `vaultkit init` "
                         "restores it)"))
    for path in result.gone:
        click.echo(shown(f"not listed  {path} (its entry left the lists; the note is kept)"))
    click.echo(f"{_plural(len(result.created), 'new note').capitalize()} {verb}.")
    if result.build is not None:
        _print_build(result.build, quiet_unchanged=True)


# --- watch --------------------------------------------------------------------------------


@main.command(short_help="Keep the dashboards current as you study.")
@_VAULT
@click.option(
    "--debounce", "debounce_ms", type=click.IntRange(10, 10_000), default=100, show_default=True,
    metavar="MS",
    help="Quiet time after the last save before rebuilding, in milliseconds.",
)
@click.option("-v", "--verbose", is_flag=True, help="Also log debug details (periodic rescans).")
def watch(vault: Path, debounce_ms: int, verbose: bool) -> None:
    """Keep the dashboards of VAULT current while you study; stop with Ctrl-C.

    Rebuilds within about a second of any save, in Obsidian or any editor: only the
    notes that changed are re-read. A list in Lists/ that you edited gets notes for its
    new entries (like `vaultkit sync`) once you leave it alone for five seconds, so a
    half-typed entry gets none. One line is logged per rebuild.

    Ctrl-C, SIGTERM and SIGHUP (a closed terminal) stop it with status 0 within a
    moment, even during the first scan; under nohup, SIGHUP stays ignored. One
    watcher per vault: a second one exits with status 2, naming the first one's pid.

    \b
    Keep it running in the background with, for example:
      nohup vaultkit watch ~/study > ~/.vaultkit-watch.log 2>&1 &
    or a systemd user unit / launchd agent (see the README).
    """
    # Imported here: watchdog costs ~30 ms at every start, and only this command needs it.
    from vaultkit.watch.live import watch_vault  # noqa: PLC0415

    root, settings = open_vault(vault)
    logging.getLogger("vaultkit").setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in logging.getLogger().handlers:  # a long-running log wants the time
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    click.echo(f"Watching {root} (Ctrl-C to stop).", err=True)
    quiet = debounce_ms / 1000
    watch_vault(root, settings, quiet=quiet, max_wait=max(1.0, 10 * quiet))
    click.echo("Stopped.", err=True)


# --- helpers ------------------------------------------------------------------------------


def _names(paths: list[str]) -> list[str]:
    return [p.rsplit("/", 1)[-1].removesuffix(".md") for p in paths]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _shell_path(path: Path) -> str:
    """The path as a shell word: `it's vault` → `'it'"'"'s vault'`, ready to copy and paste."""
    return shlex.quote(shown(str(path)))
