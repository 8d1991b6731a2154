"""Rules that depend on the date: medical reviews falling due, articles not yet published.

:func:`valid_until` says when the passing of time alone will change the build.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from generator.assemble import Visibility
from generator.config import Config
from generator.lint.findings import Finding
from generator.lint.front_matter import ARTICLE_KINDS
from generator.parse import ParsedFile


def reviews(config: Config, parsed: list[ParsedFile], visibility: Visibility) -> Iterator[Finding]:
    """Medical articles name their reviewer and are reviewed again every ``review_interval``."""
    settings = config.check
    today = visibility.now.astimezone(config.zone).date()
    for item in parsed:
        meta = item.meta
        if item.kind not in ARTICLE_KINDS or meta["draft"]:
            continue
        if not settings.is_medical(meta["category"], meta["tags"]):
            continue
        missing = [name for name in ("reviewed_by", "last_reviewed") if not meta[name]]
        if missing:
            yield Finding(
                "medical-review",
                item.src_path,
                "a medical article needs " + " and ".join(f"'{name}'" for name in missing),
                line=item.line_of("reviewed_by") or item.line_of("title"),
                column=1,
                hint=_review_hint(config, missing, today),
            )
        reviewed = _day(meta["last_reviewed"])
        if reviewed and add_months(reviewed, settings.review_interval) < today:
            yield Finding(
                "review-age",
                item.src_path,
                f"the medical review of {reviewed.isoformat()} is older than "
                f"{settings.review_interval} months",
                line=item.line_of("last_reviewed"),
                column=1,
                hint="have the reviewer check the article again, then update last_reviewed",
            )


def _review_hint(config: Config, missing: list[str], today: date) -> str:
    """The front-matter lines to add, valid YAML when pasted, with a real reviewer's key."""
    reviewer = next(iter(sorted(config.reviewers)), None)
    lines = {
        "reviewed_by": f"reviewed_by: {reviewer}" if reviewer else None,
        "last_reviewed": f"last_reviewed: {today.isoformat()}",
    }
    shown = [lines[name] for name in missing if lines[name]]
    advice = "" if reviewer else " and a reviewer under [reviewers] in site.toml"
    if not shown:
        return "add a reviewer under [reviewers] in site.toml and name its key as reviewed_by"
    return (
        f"once the article is reviewed, add these lines to the front matter{advice} "
        "(the key of the reviewer, the day of the review):\n" + "\n".join(shown)
    )


def valid_until(
    config: Config, parsed: list[ParsedFile], visibility: Visibility
) -> datetime | None:
    """The first moment after ``visibility.now`` at which the passing of time alone changes
    the build: an article's date comes (it is published) or a medical review falls due.

    Errs early, never late: every dated article and every review counts, whatever
    its kind, draft state or category.
    """
    now = visibility.now
    moments = []
    for item in parsed:
        if item.kind not in ARTICLE_KINDS:
            continue
        published = moment(item.meta["date"], config)
        if published > now and not visibility.future:
            moments.append(published)
        reviewed = _day(item.meta["last_reviewed"])
        if reviewed:
            due = add_months(reviewed, config.check.review_interval)
            if due < date.max:
                moments.append(moment(due + timedelta(days=1), config))
    return min((when for when in moments if when > now), default=None)


def unpublished(
    config: Config, parsed: list[ParsedFile], visibility: Visibility
) -> Iterator[Finding]:
    """Articles and pages this build leaves out, so that nobody wonders where they went."""
    for item in parsed:
        if item.kind not in (*ARTICLE_KINDS, "page"):
            continue
        if item.meta["draft"] and not visibility.drafts:
            yield Finding(
                "unpublished",
                item.src_path,
                "a draft: not published",
                line=item.line_of("draft"),
                column=1,
                hint="remove 'draft: true' to publish it; --drafts shows drafts in a build",
            )
        elif item.kind != "page" and not visibility.future:
            published = moment(item.meta["date"], config)
            if published > visibility.now:
                yield Finding(
                    "unpublished",
                    item.src_path,
                    f"dated {published.date().isoformat()}: not published before that day",
                    line=item.line_of("date"),
                    column=1,
                    hint="--future shows future-dated articles in a build",
                )


def _day(value: date | datetime | None) -> date | None:
    """The day of a front-matter date that may carry a time."""
    return value.date() if isinstance(value, datetime) else value


def moment(value: date | datetime, config: Config) -> datetime:
    """Like the build: a date without a time is midnight in the site's timezone."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=config.zone)
    return datetime.combine(value, time(), tzinfo=config.zone)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months``, on the month's last day when it has fewer days."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if year > date.max.year:
        return date.max
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
