"""What ``sitegen build`` prints of its warnings: each one, except of a rule broken many
times, whose first few are printed and the rest counted.

A site brought over from another system can break one rule in every article (a
thousand medical reviews over a year old): two thousand warnings on every build
fill the terminal, hide what else there is, and slow each rebuild down. So, as
compilers and site generators that summarise repeated warnings do, of a rule
with more than :data:`ALL_UP_TO` findings ``build`` shows the first
:data:`SHOWN_PER_RULE`, in the order ``sitegen check`` gives (by file and line),
then one line counts the rest by rule. ``sitegen check`` lists every finding with
its file and line, and ``sitegen build --all-warnings`` prints them all. Errors are
never here: an error stops the build, and each one is printed.

    >>> from generator.errors import SiteWarning
    >>> found = [SiteWarning(f"p{n}.md", "old", line=8, rule="review-age") for n in range(20)]
    >>> print(warnings_text(found))
    p0.md:8: warning: old [review-age]
    p1.md:8: warning: old [review-age]
    p2.md:8: warning: old [review-age]
    17 more not shown (review-age 17): `sitegen check` lists every one, \
`sitegen build --all-warnings` prints them here
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from generator.errors import SiteError

ALL_UP_TO = 15  # a new site's dozen starter texts, each a different thing to fill in
SHOWN_PER_RULE = 3


def warnings_text(warnings: Sequence[SiteError], every: bool = False) -> str:
    """The lines to print for a build's warnings (and information), or ``""`` for none.

    With ``every``, each one; else those of a rule with more than :data:`ALL_UP_TO`
    beyond its first :data:`SHOWN_PER_RULE` are left out, and a line counts them."""
    counts = Counter(warning.rule for warning in warnings)
    many = set() if every else {rule for rule, n in counts.items() if rule and n > ALL_UP_TO}
    shown: list[str] = []
    seen: Counter[str | None] = Counter()
    for warning in warnings:
        seen[warning.rule] += 1
        if warning.rule not in many or seen[warning.rule] <= SHOWN_PER_RULE:
            shown.append(str(warning))
    left_out = Counter({rule: counts[rule] - SHOWN_PER_RULE for rule in many})
    if left_out:
        shown.append(_left_out_line(left_out))
    return "\n".join(shown)


def _left_out_line(left_out: Counter[str]) -> str:
    by_rule = ", ".join(
        f"{rule} {count:,}"
        for rule, count in sorted(left_out.items(), key=lambda item: (-item[1], item[0]))
    )
    return (
        f"{left_out.total():,} more not shown ({by_rule}): `sitegen check` lists every one, "
        "`sitegen build --all-warnings` prints them here"
    )
