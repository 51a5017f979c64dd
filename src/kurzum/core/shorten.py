"""Faithful shortening of a too-long sentence: only deletions, never a cut mid-word.

Deletions, tried in this order until the sentence fits: a parenthetical (but never an
age "(56)" after a name), a dashed insertion or a dateline ("NEW DELHI: …"), a kicker before a
colon, a relative clause between commas (", who …,"), a trailing attribution (", sagte er
gegenüber «Foreign Policy»"), an introductory phrase before a capitalised subject ("Although …,
Glancy was …"), a role before a full name ("der Fussballer Juan Izquierdo"), and appended
clauses from the end (", die erstmals 2019 getestet wurde", "; …", " – …", ", killing …"). What
remains is a list of spans of the source sentence, in order, so every word of the bullet comes
from the sentence; a final full stop is added when the end was cut, so it is still a sentence.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kurzum.core.rules import rules
from kurzum.core.wordlists import word_set
from kurzum.models import Language

__all__ = ["Shortened", "is_attribution", "shorten"]

# A parenthetical with the space before it; ages "(56)" and "(l.)"-style captions differ:
# ages stay (house style keeps names with ages), everything else may go.
_PARENTHETICAL = re.compile(r"\s*\(([^()]{1,120})\)")
_AGE = re.compile(r"\d{1,3}")
# Paired dashes around an insertion: "Nordkorea – abgesehen von China – hat …".
_DASHED = re.compile(r"\s+(?:[–—]|--?)\s[^–—]{3,120}?\s(?:[–—]|--?)(?=\s)")
# A dateline before the text: "NEW DELHI: …", "FLUSHING MEADOWS — …", "(CNN) -- …".
_DATELINE = re.compile(
    r"(?:[A-ZÀ-Ý][A-ZÀ-Ý.'’-]+(?:\s[A-ZÀ-Ý][A-ZÀ-Ý.'’-]+){0,3}(?:,\s[A-Z][\w.]+)?\s*"
    r"(?:\([A-Za-z]+\)\s*)?(?::|\s[–—]|\s--)|\([A-Z]+\)\s*(?:--|[–—]))\s+(?=[A-ZÀ-Ý])"
)

_ATTRIBUTION: dict[Language, re.Pattern[str]] = {
    "de": re.compile(
        r",\s+(?:wie\s[^,;:«»„“\"]{0,80}?(?:mitteilte|mitteilt|sagte|sagt|berichtete|berichtet|"
        r"schreibt|schrieb|meldete|meldet|bestätigte|erklärte|erklärt|hiess|hieß|heisst|heißt|"
        r"zugab|einräumte|verriet|betonte|ankündigte)|"
        r"so\s|sagte|sagt|sagten|erklärte|erklärt|betonte|betont|meinte|schreibt|"
        r"schrieb|berichtet|berichtete|meldet|meldete|teilte|teilt|hiess|hieß|heisst|heißt|"
        r"bestätigte|sagt|warnte|fügte|ergänzte|kritisierte|zitiert|laut\s|gemäss\s|gemäß\s|"
        r"erfuhr|erfuhren|hiess\s+es|hieß\s+es)"
        r"[^,;:«»„“\"]{0,140}(?:«[^»]{0,40}»[^,;]{0,20})?(?=[.!]?[»“\"]?$)"
    ),
    "fr": re.compile(
        r",\s+(?:a\s+(?:déclaré|indiqué|affirmé|expliqué|précisé|souligné|estimé|ajouté|"
        r"annoncé|confié|rapporté)|a-t-il|a-t-elle|ont\s+(?:déclaré|indiqué|affirmé)|selon\s|"
        r"d'après\s|explique|indique|précise|souligne|estime|affirme|rapporte|déclare|ajoute|"
        r"confie|annonce)[^,;:«»\"]{0,90}(?=[.!]?[»\"]?$)"
    ),
    "en": re.compile(
        # ", he said." / ", said Sheriff Joe Smith on Monday." / ", she told reporters.": after
        # "said" only when, where or who, never what ("…, he said the team deserved the win")
        r",\s+(?:(?:he|she|they|it|police|officials|authorities)\s+)?"
        r"(?:(?:said|says|added|explained|reported|claimed|wrote|writes)"
        r"(?:\s+(?:(?:on|in|at|to|during|after|before|while|when|yesterday|today|tonight|last|"
        r"this|earlier|later|recently|previously)\b[^,;:\"“”]{0,70}|[A-Z][^,;:\"“”]{0,70}|"
        r"the(?:\s+[\w'’-]+){1,3}))?"
        r"|told\s[^,;:\"“”]{1,70}|according\s+to\s[^,;:\"“”]{1,70})"
        r"(?=[.!]?[\"”]?$)"
        # ", a Lebanese state-run news agency reported." / ", a panel has concluded."
        r"|,\s+(?![^,;:]*\b(?:not|no|nobody|never|denied)\b)[\w'’ .-]{2,60}?\s"
        r"(?:(?:has|have|had)\s+)?(?:said|reported|concluded|announced|confirmed|revealed)"
        r"(?=[.!]?[\"”]?$)"
    ),
}

# A relative clause between commas, which the sentence does not need to stand:
# "Johnson, who became the face of HIV 22 years ago, is now campaigning …".
_INSERTED: dict[Language, re.Pattern[str]] = {
    "de": re.compile(
        # a relative clause ends on its verb (lower case): ", das Handy-Waschmittel," is an
        # item of an enumeration, and without it the list would lose its commas
        r",\s(?:der|die|das|dem|den|deren|dessen|welche[rsm]?)\s[^,;:«»„“\"()]{3,90}?\s[a-zäöüß]+,(?=\s)"
        # an apposition: ", eine der vier Hauptschulen in Sindelfingen,"
        r"|,\s(?:ein|eine|einer|eines|einem)\s[^,;:«»„“\"()]{3,90}?,(?=\s)"
        # a preposition with a relative pronoun, ending in its verb: ", in der der Rapper …
        # schildert," (", in der Nacht auf Sonntag," ends in a noun and stays)
        r"|,\s(?:in|an|auf|mit|von|bei|für|über|unter|nach|aus|zu|durch|gegen|um|vor|hinter)\s"
        r"(?:der|dem|den|denen|deren|dessen|welche[rsm]?)\s[^,;:«»„“\"()]{3,110}?\s[a-zäöüß]+,(?=\s)"
    ),
    # relative clauses and appositions: "X, le président de Y, a déclaré …"
    "fr": re.compile(
        r",\s(?:qui|dont|où|lequel|laquelle|un|une|le|la|les|l['’])\s?[^,;:«»\"()]{3,90}?,(?=\s)"
    ),
    "en": re.compile(r",\s(?:who|which|whose|where|a|an|the)\s[^,;:\"“”()]{3,90}?,(?=\s)"),
}

# An introductory phrase before the subject, which a news bullet can do without when the
# subject after it starts with a capital or an article: "Although she admitted stealing the
# money, Glancy was spared prison …" -> "Glancy was spared prison …"; "Une semaine après
# l'attaque, Gordon Brown a appelé …" -> "Gordon Brown a appelé …". Never a condition ("If …",
# "Si …"). Not German: its verb comes right after the phrase ("Nach dem Spiel sagte er …"), so
# the rest is no sentence.
# A subject in lower case after the phrase: an article or a plural noun that opens a clause
# ("After weeks of relative calm, clashes erupted …"); the bullet then starts with a capital.
_EN_SUBJECT = (
    r"(?:the|a|an|police|officials|authorities|investigators|prosecutors|researchers|"
    r"scientists|doctors|experts|protesters|residents|clashes|troops|rebels|voters)\b"
)
_INTRO: dict[Language, re.Pattern[str]] = {
    "en": re.compile(
        r"(?:After|As|Although|Though|While|With|In|For|When|Since|Despite|Following|Upon|"
        r"During|Before|Amid|Having|Because|On|At|Earlier|Last|Later|Under|Over)\s"
        r"[^,;:\"“”()]{3,80}?,\s+(?=[A-Z]|" + _EN_SUBJECT + r")"
    ),
    "fr": re.compile(
        r"(?:Après|Avant|Lors\s+d|Depuis|Pendant|Durant|Malgré|Face\s+à|Suite\s+à|"
        r"À\s+la\s+suite\s+d|En\s+marge\s+d|Dans\s+la\s+foulée\s+d|"
        r"(?:Un|Une|Deux|Trois|Quelques|Plusieurs|\d+)\s+(?:jours?|semaines?|mois|ans?|heures?)"
        r"\s+(?:après|avant))\b[^,;:«»\"()]{3,160}?,\s+(?=[A-ZÀ-Ý][a-zà-ÿ]|(?:le|la|les|l['’]|un|une)\b)"
    ),
}
# A sentence opening with a subordinate clause: its main clause comes after the first comma,
# so the clause after that comma must stay ("While X, saying …, officials …").
_SUBORDINATE_START = re.compile(
    r"(?:While|Although|Though|Because|If|Unless|Whereas|When|Whilst|Alors que|Bien que|"
    r"Quoique|Si|Lorsque|Puisque|Tandis que)\s",
)
# English "-ing" words that are not a participle opening a clause (", something …").
_NOT_PARTICIPLE = word_set(
    "something nothing anything everything morning evening king spring thing things building "
    "ring wedding meeting bring sing sting swing wing"
)

# A role right before a full name may go, the last resort before appended clauses: the reader
# loses who the person is, not what happened (patterns: ``[shorten] role…`` of the rules).
_ROLE_WINDOW = 60  # characters before the role in which its article and modifiers are looked for
# A first name and a surname after a space: half of the long sentences have none, and this
# search costs a third of the role patterns'.
_NAME_PAIR = re.compile(r"\s[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?\s+[A-ZÀ-Ý][a-zà-ÿ]+")

# A kicker before a colon, followed by a sentence opening with a capital (not a quotation).
_KICKER = re.compile(r"[^:«»„“”\"]{3,120}?:\s+(?=[A-ZÄÖÜÀ-Ý][a-zäöüßà-ÿ])")
_NEXT_WORD = re.compile(r"\s*([\w'’-]+)")
_CLAUSE_START = re.compile(r"(?:,|;|\s[–—])\s+([\w'’-]+)")
_CONTINUATION = 30  # a comma this close after an inserted clause means it goes on
_MIN_KEPT_WORDS = 6  # a shortened sentence keeps at least this many words ...
_MIN_KEPT_CHARS = 40  # ... and characters, or it is a fragment rather than a statement
_CLOSERS = "»“”\"'’)"
_QUOTES = "«»„“”\"'‘‹›"


class Shortened(NamedTuple):
    """The kept spans of a sentence (offsets into it) and the resulting bullet text.

    (A named tuple: one or more are made per sentence, faster than a frozen dataclass.)
    """

    spans: tuple[tuple[int, int], ...]
    text: str


def shorten(
    sentence: str,
    language: Language,
    max_chars: int,
    target: int | None = None,
    start: int = 0,
) -> Shortened | None:
    """The longest faithful shortening of ``sentence`` within ``target`` characters.

    When ``target`` (default: ``max_chars``) cannot be reached, the sentence without its
    parentheticals, inserted clauses and trailing attribution is returned if that fits
    ``max_chars``; None when nothing fits ``max_chars``.
    """
    goal = max_chars if target is None else min(target, max_chars)
    spans: list[tuple[int, int]] = [(start, len(sentence))]
    candidate = Shortened(((start, len(sentence)),), sentence[start:])
    if len(candidate.text) <= goal:
        return candidate
    fallback = candidate if len(candidate.text) <= max_chars else None
    steps = (
        _drop_parentheticals,
        _drop_kicker,
        _drop_inserted,
        _drop_attribution,
        _drop_intro,
        _drop_role,
    )
    for step in (*steps, _drop_last_clause):
        while True:
            reduced = step(sentence, spans, language)
            if reduced is None or not _enough(sentence, reduced):
                break
            spans = reduced
            candidate = _build(sentence, spans, cut=spans[-1][1] < len(sentence))
            if not _is_statement(candidate.text):
                return fallback
            if len(candidate.text) <= goal:
                return candidate
            if step is _drop_last_clause:
                continue
            if len(candidate.text) <= max_chars:
                fallback = candidate
            break
    return fallback


def is_attribution(part: str, language: Language) -> bool:
    """Whether ``part`` (a removed trailing clause) is an attribution ("wie er mitteilte")."""
    return _ATTRIBUTION[language].fullmatch(f", {part.strip(' ,.')}") is not None


def _build(sentence: str, spans: list[tuple[int, int]], *, cut: bool) -> Shortened:
    """Join the kept spans; after a cut end, strip trailing punctuation and add a full stop.

    A bullet whose opening was cut starts with a capital ("…, the department gave up" -> "The
    department gave up"): the one change that is not a deletion, as an editor would make it.
    """
    text = "".join(sentence[a:b] for a, b in spans)
    if spans and spans[0][0] > 0 and text[:1].islower():
        text = text[0].upper() + text[1:]
    if cut:
        stripped = text.rstrip(" ,;:–—-")
        spans = _trim_end(spans, len(text) - len(stripped))
        text = stripped + "."
    return Shortened(tuple(spans), text)


def _trim_end(spans: list[tuple[int, int]], excess: int) -> list[tuple[int, int]]:
    """Shorten the spans from the end by ``excess`` characters."""
    result = list(spans)
    while excess > 0 and result:
        a, b = result[-1]
        take = min(excess, b - a)
        excess -= take
        if b - take > a:
            result[-1] = (a, b - take)
        else:
            result.pop()
    return result


def _remove(spans: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The spans minus the sentence range ``start:end``."""
    result: list[tuple[int, int]] = []
    for a, b in spans:
        if b <= start or a >= end:
            result.append((a, b))
            continue
        if a < start:
            result.append((a, start))
        if b > end:
            result.append((end, b))
    return result


def _kept(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether the sentence range ``start:end`` is still entirely kept."""
    return any(a <= start and end <= b for a, b in spans)


def _drop_parentheticals(
    sentence: str, spans: list[tuple[int, int]], language: Language
) -> list[tuple[int, int]] | None:
    """Remove a dateline, every parenthetical and dashed insertion except ages after a name."""
    result = spans
    dateline = _DATELINE.match(sentence)
    if dateline is not None and _kept(result, 0, dateline.end()):
        result = _remove(result, 0, dateline.end())
    for match in _PARENTHETICAL.finditer(sentence) if "(" in sentence else ():
        if _AGE.fullmatch(match.group(1).strip()) or not _kept(result, *match.span()):
            continue
        result = _remove(result, *match.span())
    dashed = "–" in sentence or "—" in sentence or " -" in sentence
    for match in _DASHED.finditer(sentence) if dashed else ():
        if _kept(result, *match.span()):
            result = _remove(result, *match.span())
    return result if result != spans else None


def _drop_kicker(
    sentence: str, spans: list[tuple[int, int]], language: Language
) -> list[tuple[int, int]] | None:
    """Remove a kicker before a colon when a whole sentence follows it.

    "Weniger Steuern beim Einkaufen: Der Bundestag hat …" -> "Der Bundestag hat …": the part
    after the colon is a complete statement with its own capitalised subject.
    """
    if ":" not in sentence:
        return None  # every kicker ends in a colon: most sentences need no regex (lazy, slow)
    match = _KICKER.match(sentence, spans[0][0])
    if match is None or not _kept(spans, spans[0][0], match.end()):
        return None
    return _remove(spans, spans[0][0], match.end())


def _drop_inserted(
    sentence: str, spans: list[tuple[int, int]], language: Language
) -> list[tuple[int, int]] | None:
    """Remove relative clauses set off by commas in the middle of the sentence."""
    result = spans
    for match in _INSERTED[language].finditer(sentence):
        following_comma = sentence.find(",", match.end())
        if 0 <= following_comma < match.end() + _CONTINUATION:
            continue  # ", qui dessert 37 pays, principalement européens, a …": not a clause
        if _negated(match.group(), language):
            continue  # never delete a negation
        following = _NEXT_WORD.match(sentence, match.end())
        if following is not None and following.group(1).lower() in rules(language).binds_next:
            continue  # ", das …, ohne … zu missachten": the closing comma opens another clause
        if match.end() < len(sentence) - 2 and _kept(result, *match.span()):
            # keep the comma's place as a space: "Johnson, who …, is" -> "Johnson is"
            result = _remove(result, match.start(), match.end())
    return result if result != spans else None


def _drop_attribution(
    sentence: str, spans: list[tuple[int, int]], language: Language
) -> list[tuple[int, int]] | None:
    """Remove a trailing ", sagte er …" / ", a déclaré …" / ", he said" clause."""
    if spans[-1][1] != len(sentence):
        return None  # the end is cut already: no trailing clause left to remove
    pattern = _ATTRIBUTION[language]
    if language == "de":
        match = pattern.search(sentence)
    else:
        # English and French attributions hold no comma after their opening one: a match can
        # only start at the last comma (one C-speed rfind instead of a regex try at every
        # position; same match)
        last = sentence.rfind(",")
        match = pattern.match(sentence, last) if last >= 0 else None
    if match is None or not _kept(spans, match.start(), match.end()):
        return None
    if sentence[:1] in _QUOTES or _negated(match.group(), language):
        return None  # without its attribution a quote would have no speaker
    return _remove(spans, match.start(), len(sentence))


def _drop_intro(
    sentence: str, spans: list[tuple[int, int]], language: Language
) -> list[tuple[int, int]] | None:
    """Remove an introductory phrase before a capitalised subject (English, French)."""
    pattern = _INTRO.get(language)
    match = pattern.match(sentence) if pattern is not None else None
    if match is None or not _kept(spans, 0, match.end()):
        return None
    if _negated(match.group(), language):
        return None  # "Although there were no other missing people, …": never drop a negation
    return _remove(spans, 0, match.end())


def _drop_role(
    sentence: str, spans: list[tuple[int, int]], language: Language
) -> list[tuple[int, int]] | None:
    """Remove a role before a full name ("der Fussballer Juan Izquierdo" -> "Juan Izquierdo")."""
    if _NAME_PAIR.search(sentence) is None:
        return None  # no full name: nothing to drop (every role match needs one)
    table = rules(language)
    result = spans
    for match in table.role.finditer(sentence):
        start = match.start()
        window = sentence[max(0, start - _ROLE_WINDOW) : start]
        lead = table.role_lead.search(window)
        if lead is not None:
            start -= len(window) - lead.start()
        elif table.role_needs_article:
            continue  # "le président Emmanuel Macron": French names its roles with an article
        if table.role_not_after.search(sentence[max(0, start - 8) : start]):
            continue
        if _kept(result, start, match.end()):
            result = _remove(result, start, match.end())
    return result if result != spans else None


def _drop_last_clause(
    sentence: str, spans: list[tuple[int, int]], language: Language
) -> list[tuple[int, int]] | None:
    """Remove the last appended clause (", die …", "; …", " – …") still in the spans."""
    end = spans[-1][1]
    last: re.Match[str] | None = None
    for match in _CLAUSE_START.finditer(sentence, 0, end):
        last = match
    if last is None or not _kept(spans, last.start(), last.start() + 1):
        return None
    opener = last.group(1)
    table = rules(language)
    if last.group().startswith(",") and not (
        opener.lower() in table.clause_openers or _participle(opener, language)
    ):
        return None
    before = sentence[: last.start()].split()
    if before and before[-1].lower().strip("»«„“”\"'") in table.needs_clause:
        return None  # "hat entschieden, …", "warf dem Parlament vor, …": the clause is needed
    clause = sentence[last.start() + 1 : end]
    if table.complement.search(clause) or _negated(clause, language):
        return None  # a zu-infinitive, dass/ob clause or a negation is never cut
    if _SUBORDINATE_START.match(sentence) and "," not in sentence[: last.start()]:
        return None  # "While X, saying …" without the rest would be no sentence
    return _remove(spans, last.start(), len(sentence))


def _negated(text: str, language: Language) -> bool:
    """Whether ``text`` contains a negation word of ``language`` ("nicht", "ne", "not")."""
    negations = rules(language).negations
    return any(w in negations for w in _WORDS.findall(text.lower()))


_WORDS = re.compile(r"[\w]+|n't")


def _participle(word: str, language: Language) -> bool:
    """An English participle opening an appended clause: ", killing nine people"."""
    return (
        language == "en"
        and word.islower()
        and word.endswith("ing")
        and len(word) > 5
        and word not in _NOT_PARTICIPLE
    )


def _enough(sentence: str, spans: list[tuple[int, int]]) -> bool:
    """Whether the kept spans are still long enough to be a statement, not a fragment."""
    head = "".join(sentence[a:b] for a, b in spans)
    return len(head.split()) >= _MIN_KEPT_WORDS and len(head) >= _MIN_KEPT_CHARS


def _is_statement(text: str) -> bool:
    """Balanced quotes and parentheses, and a full stop at the end."""
    if text.count("«") != text.count("»") or text.count("(") != text.count(")"):
        return False
    # „…“ (German) and “…” (English) share “: each pair has two marks, so the sum is even.
    if (text.count("„") + text.count("“") + text.count("”")) % 2 or text.count('"') % 2:
        return False
    return text.rstrip(_CLOSERS).endswith((".", "!"))
