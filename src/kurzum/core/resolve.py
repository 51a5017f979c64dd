"""Antecedent substitution: "Der 35-Jährige will …" → "Anders Muster will …" (issue 11, class 3).

A candidate that opens with a definite person description or a subject pronoun cannot stand
alone. When the article names that person unambiguously before the sentence, the opening
reference is replaced by the name copied verbatim from the article; the bullet's provenance
then lists the name's span and the rest of the sentence, so the faithfulness check and the
editor highlight cover both. Precision comes first (a wrong person is a factual error, worse
than a skipped bullet), so every rule must hold, else nothing is substituted:

- the reference opens the bullet in the nominative, followed by a verb (not "Den …", not
  "Der 35-Jährige aus Bern, …", not "Le ministre de la Santé …");
- an age description ("Der 35-Jährige", "The 35-year-old", "Le quadragénaire") needs exactly
  one name carrying that age earlier in the article ("Anders Muster (35)", "der 35-jährige
  Anders Muster", "John Smith, 35,");
- a role or origin description ("Der Walliser", "Die Ministerin", "The striker") needs
  exactly one person in the three sentences before (a full name, or the surname of one given
  earlier), introduced earlier with that very description as a title right before the name
  ("der Walliser Anders Muster", "Aussenministerin Anna Muster");
- a pronoun ("Er", "Elle", "She") needs exactly one person in the three sentences before, who
  is the subject of the sentence right before, shown by a title of the pronoun's gender (in
  English also by "he"/"her" after the name), no other person noun in the window, and a verb
  that needs a person ("sagte", "a déclaré", "said");
- a title that shows the other gender, anywhere before, blocks the name; two different full
  names with one surname ("Anna Muster", "Beat Muster") block it too;
- the bullet with the name stands alone (``standalone.classify``) and fits ``max_chars``.

The rule data (patterns, verbs, person nouns) lives in ``rules/{de,fr,en}.toml`` under
``[resolve]``, with examples checked by ``tests/core/test_rules.py``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from kurzum.core.rules import raw_rules
from kurzum.core.shorten import Shortened
from kurzum.core.standalone import classify
from kurzum.core.wordlists import STOPWORDS
from kurzum.models import Language, Sentence, Source

__all__ = ["Resolved", "Table", "Titles", "substitute", "table"]

_WINDOW = 3  # the antecedent of a description or pronoun is in the three sentences before
_UPPER = "A-ZÄÖÜÀ-ÖØ-Ý"
_LOWER = "a-zäöüßà-öø-ÿ"
# A capitalised name part ("Muster", "Meinl-Reisinger", "O'Brien", "al-Scharaa" after a
# capitalised one); a run is such parts, with particles ("von", "de la") between them.
_PART = (
    rf"[{_UPPER}][{_LOWER}]+(?:[{_UPPER}][{_LOWER}]+)*"
    rf"(?:['’-][{_UPPER}]?[{_LOWER}]+(?:[{_UPPER}][{_LOWER}]+)*)*(?![\w'’-])"
)
_TOKEN = re.compile(r"[\w'’-]+|[^\w\s]")
_WORDS = re.compile(r"[\w'’.-]*\w")
_PREVIOUS = re.compile(r"(?<![,;:]\s)(?<![,;:])\b([\w'’-]+)\s+$")  # ", die Anna …": relative
_CONTINUED = re.compile(rf"\s+[{_LOWER}]{{1,4}}-[{_UPPER}]|-")


@dataclass(frozen=True, slots=True)
class Titles:
    """Title words (lower-cased) as a set, and the long ones (4+ letters) as compound endings.

    Both forms are for speed: ``_is_title`` asks about every word near a pronoun.
    """

    words: frozenset[str]
    endings: tuple[str, ...]

    @classmethod
    def of(cls, titles: list[str]) -> Titles:
        words = tuple(t.lower() for t in titles)
        return cls(frozenset(words), tuple(t for t in words if len(t) >= 4))


@dataclass(frozen=True, slots=True)
class Table:
    """The compiled ``[resolve]`` rules of one language."""

    opening: re.Pattern[str]  # any of the three, without groups: the fast first test
    age: re.Pattern[str]
    description: re.Pattern[str]
    pronoun: re.Pattern[str]
    masculine: frozenset[str]
    feminine: frozenset[str]
    not_verbs: frozenset[str]
    person_verbs: frozenset[str]
    persons: tuple[str, ...]
    person_titles: Titles
    decades: dict[str, int]
    not_names: frozenset[str]
    not_before: frozenset[str]
    not_name_endings: tuple[str, ...]
    age_after: tuple[re.Pattern[str], ...]
    age_before: re.Pattern[str]
    name: re.Pattern[str]
    titles_m: Titles
    titles_f: Titles
    cues_m: frozenset[str]
    cues_f: frozenset[str]
    adverbs: frozenset[str]
    determiners: frozenset[str]
    language: Language


@cache
def table(language: Language) -> Table:
    """The compiled antecedent rules of ``language``."""
    data = raw_rules(language)["resolve"]
    particles = "|".join(re.escape(p) for p in data["particles"])
    name = re.compile(rf"(?<![\w'’-])(?:{_PART})(?:\s+(?:(?:{particles})\s+)*(?:{_PART}))+")
    openings = (data["age"], data["description"], data["pronoun"])
    opening = "|".join(f"(?:{p})" for p in openings)  # (group names differ: no clash)
    return Table(
        opening=re.compile(opening),
        age=re.compile(data["age"]),
        description=re.compile(data["description"]),
        pronoun=re.compile(data["pronoun"]),
        masculine=frozenset(data["masculine"]),
        feminine=frozenset(data["feminine"]),
        not_verbs=frozenset(data["not_verbs"]),
        person_verbs=frozenset(data["person_verbs"]),
        persons=tuple(p.lower() for p in data["persons"]),
        person_titles=Titles.of(data["persons"]),
        decades={k.lower(): v for k, v in data.get("decades", {}).items()},
        not_names=frozenset(w.lower() for w in data["not_names"]),
        not_before=frozenset(data["not_before"]),
        not_name_endings=tuple(data["not_name_endings"]),
        age_after=tuple(re.compile(p) for p in data["age_after"]),
        age_before=re.compile(data["age_before"]),
        name=name,
        titles_m=Titles.of(data["titles_m"]),
        titles_f=Titles.of(data["titles_f"]),
        cues_m=frozenset(data["cues_m"]),
        cues_f=frozenset(data["cues_f"]),
        adverbs=frozenset(data["adverbs"]),
        determiners=frozenset(data["determiners"]),
        language=language,
    )


@dataclass(frozen=True, slots=True)
class Resolved:
    """A bullet with its opening reference replaced by the antecedent's name.

    ``short`` holds the new text and the kept spans of the candidate sentence (the reference
    left out); ``name`` is the provenance of the name, in its own sentence.
    """

    short: Shortened
    name: Source


@dataclass(frozen=True, slots=True)
class _Name:
    """A full name in a sentence: its text, offsets in the sentence and surname key."""

    sentence: Sentence
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.sentence.text[self.start : self.end]

    @property
    def key(self) -> str:
        return self.text.split()[-1].lower()


def substitute(
    sentences: Sequence[Sentence],
    index: int,
    short: Shortened,
    language: Language,
    max_chars: int,
) -> Resolved | None:
    """The bullet ``short`` of sentence ``index`` with its opening reference named, or None.

    ``sentences`` are all sentences of the article (``sentences[i].index == i``).
    """
    rules = table(language)
    text = short.text
    if rules.opening.match(text) is None:
        return None  # the common case: no reference opens the bullet
    kind, match = _reference(text, rules)
    if match is None:
        return None
    first_start, first_end = short.spans[0]
    if first_start + match.end() > first_end:
        return None  # the reference is not the untouched opening of the sentence
    rest = text[match.end() :]
    if not _verb_follows(rest, rules):
        return None
    gender = _gender(match, rules)
    before = sentences[:index]
    if kind == "age":
        name = _by_age(before, match, rules, gender)
    elif kind == "description":
        name = _by_description(before, match.group("noun"), rules, gender)
    else:
        name = _by_pronoun(before, rest, rules, gender)
    if name is None:
        return None
    new_text = name.text + rest
    if len(new_text) > max_chars or classify(new_text, language) is not None:
        return None
    spans = ((first_start + match.end(), first_end), *short.spans[1:])
    source = Source(
        name.sentence.index, name.sentence.start + name.start, name.sentence.start + name.end
    )
    return Resolved(Shortened(spans, new_text), source)


def _reference(text: str, rules: Table) -> tuple[str, re.Match[str] | None]:
    """Which kind of opening reference ``text`` has (age, description, pronoun), and where."""
    match = rules.age.match(text)
    if match is not None:
        return "age", match
    match = rules.description.match(text)
    if match is not None:
        noun = match.group("noun").lower()
        if noun in rules.decades:
            return "age", match
        if noun.endswith(rules.persons):
            return "description", match
        return "", None
    match = rules.pronoun.match(text)
    return ("pronoun", match) if match is not None else ("", None)


def _verb_follows(rest: str, rules: Table) -> bool:
    """Whether the reference is a subject: a lower-case word, not a preposition, follows."""
    words = _TOKEN.findall(rest[:40])
    return (
        rest[:1] == " "
        and bool(words)
        and words[0][:1].islower()
        and words[0].lower() not in rules.not_verbs
    )


def _gender(match: re.Match[str], rules: Table) -> str | None:
    """ "m", "f" or None (cannot tell) from the reference's article or pronoun."""
    word = match.group(1).lower()
    if word in rules.masculine:
        return "m"
    if word in rules.feminine:
        return "f"
    return None


def _names(sentence: Sentence, rules: Table, language: Language) -> tuple[_Name, ...]:
    """The full names of ``sentence`` (see ``_find_names``), found once per sentence."""
    return _cached_names(sentence, language)


@lru_cache(maxsize=4096)
def _cached_names(sentence: Sentence, language: Language) -> tuple[_Name, ...]:
    return tuple(_find_names(sentence, table(language), language))


def _find_names(sentence: Sentence, rules: Table, language: Language) -> list[_Name]:
    """The full names (two or more capitalised parts) of ``sentence``; title words dropped.

    German capitalises every noun, so a run "YB-Goalie David von Ballmoos" keeps only its
    last two parts (with their particles): "David von Ballmoos". Runs with a word that is no
    name ("Kanton", "Mai", "Universität") or a function word are left out.
    """
    stop = STOPWORDS[language]
    names: list[_Name] = []
    for match in rules.name.finditer(sentence.text):
        parts = list(re.finditer(rf"{_PART}", match.group()))
        capital = [p for p in parts if p.group()[:1].isupper()]
        while capital and (
            capital[0].group().lower() in stop or capital[0].group().lower() in rules.not_names
        ):
            capital.pop(0)
        if len(capital) < 2:
            continue
        last = capital[-2:]
        words = [p.group() for p in last]
        if any(
            w.lower() in rules.not_names or w.lower() in stop or w.endswith(rules.not_name_endings)
            for w in words
        ):
            continue
        start = match.start() + last[0].start()
        end = match.start() + last[1].end()
        if _CONTINUED.match(sentence.text, end):
            continue  # "Ayman Sheib ad-Din", "Anna Muster-" : the name goes on
        previous = _PREVIOUS.search(sentence.text, 0, start)
        if previous is not None and (
            previous.group(1).lower() in rules.not_before or previous.group(1).isdigit()
        ):
            continue  # "das Duisburger Haus", "50 Millionen Bäume": a noun phrase
        names.append(_Name(sentence, start, end))
    return names


def _recent(before: Sequence[Sentence], rules: Table) -> list[_Name]:
    """The people mentioned in the last ``_WINDOW`` sentences before the reference.

    A full name counts, and so does a surname alone ("Muster sagte …") when the article
    gave the full name earlier: a later mention by surname is the same person.
    """
    full = [n for s in before for n in _names(s, rules, rules.language)]
    surnames = {n.key for n in full}
    window = before[-_WINDOW:]
    found: list[_Name] = []
    for sentence in window:
        for match in re.finditer(_PART, sentence.text):
            if match.group().lower() in surnames:
                found.append(_Name(sentence, match.start(), match.end()))
    for name in full:
        if name.sentence in window:
            found.append(name)
    found.sort(key=lambda n: (n.sentence.index, n.start))
    return found


def _unique(names: list[_Name], before: Sequence[Sentence], rules: Table) -> _Name | None:
    """The full name of the one person among ``names`` (by surname); None if several.

    The name is its latest full mention before the reference, copied as it stands; two
    different full names with that surname are two people, and nothing is chosen.
    """
    if not names or len({n.key for n in names}) != 1:
        return None
    key = names[0].key
    full = [n for s in before for n in _names(s, rules, rules.language) if n.key == key]
    if len({n.text for n in full}) != 1:
        return None  # "Anna Muster" and "Beat Muster": two people of one family
    return full[-1]


def _titles(name: _Name, before: Sequence[Sentence], rules: Table) -> tuple[list[str], str]:
    """The title words right before each mention of ``name``, and the gender they show.

    Only what is attached to the name counts: the word right before it ("Ministerin Anna
    Muster", "Ministerin Muster"), and the word before that when both are capitalised
    ("Walliser Stürmer Anders Muster"); never a word of another phrase ("sagte der Trainer
    über Anders Muster"). In English the sentence right before a pronoun adds the pronouns
    after the name ("Anna Muster … her weight").
    """
    words: list[str] = []
    shown = ""
    surname = name.text.split()[-1]
    prefix = name.text[: -len(surname)]
    mention = re.compile(rf"(?<![\w'’-]){re.escape(surname)}(?![\w'’-])")
    for sentence in before:
        for found in mention.finditer(sentence.text):
            start = found.start()
            if prefix and sentence.text[max(0, start - len(prefix)) : start] == prefix:
                start -= len(prefix)  # the full name: its title is before the first name
            attached = _attached(sentence.text[max(0, start - 80) : start])
            words.extend(attached)
            shown += "".join(_gender_of(w, rules) for w in attached)
            if rules.cues_m and sentence is before[-1]:
                tail = set(_WORDS.findall(sentence.text[found.end() :].lower()))
                shown += "m" * bool(tail & rules.cues_m) + "f" * bool(tail & rules.cues_f)
    return words, shown


def _attached(head: str) -> list[str]:
    """The title words that end ``head`` right before a name (lower-cased, nearest first)."""
    found = re.search(r"([\w'’.-]+)(?:\s+([\w'’.-]+))?\s+$", " " + head)
    if found is None:
        return []
    nearest, previous = found.group(2) or found.group(1), found.group(1)
    words = [nearest.lower()]
    if found.group(2) and nearest[:1].isupper() and previous[:1].isupper():
        words.append(previous.lower())
    return [w.strip(".") or w for w in words]


def _gender_of(word: str, rules: Table) -> str:
    """ "f" or "m" when ``word`` is a title of that gender, else ""."""
    if _is_title(word, rules.titles_f):
        return "f"
    if _is_title(word, rules.titles_m):
        return "m"
    return ""


def _is_title(word: str, titles: Titles) -> bool:
    """``word`` is one of ``titles`` or a compound ending in a long one ("Aussenministerin")."""
    return word in titles.words or word.endswith(titles.endings)


def _agrees(gender: str | None, shown: str) -> bool:
    """No description of the other gender before (when the reference shows one)."""
    if gender is None:
        return True
    other = "f" if gender == "m" else "m"
    return other not in shown


def _by_age(
    before: Sequence[Sentence], match: re.Match[str], rules: Table, gender: str | None
) -> _Name | None:
    """The one name that carries the reference's age (or decade) earlier in the article."""
    groups = match.groupdict()
    if groups.get("age"):
        low = high = int(groups["age"])
    else:
        low = rules.decades[match.group("noun").lower()]
        high = low + 9
    found: list[_Name] = []
    for sentence in before:
        for name in _names(sentence, rules, rules.language):
            if any(low <= age <= high for age in _ages(name, rules)):
                found.append(name)
    person = _unique(found, before, rules)
    if person is None or not _agrees(gender, _titles(person, before, rules)[1]):
        return None
    return person


def _ages(name: _Name, rules: Table) -> list[int]:
    """Ages written next to this mention: "Anders Muster (35)", "der 35-jährige Anders …"."""
    text = name.sentence.text
    ages: list[int] = []
    for pattern in rules.age_after:
        after = pattern.match(text, name.end)
        if after is not None:
            ages.append(int(after.group("age")))
    found = rules.age_before.search(text[max(0, name.start - 60) : name.start])
    if found is not None:
        ages.append(int(found.group("age")))
    return ages


def _by_description(
    before: Sequence[Sentence], noun: str, rules: Table, gender: str | None
) -> _Name | None:
    """The one recent name introduced earlier with the description ("Stürmer Anders …")."""
    name = _unique(_recent(before, rules), before, rules)
    if name is None:
        return None
    words, shown = _titles(name, before, rules)
    if not any(w.endswith(noun.lower()) for w in words) or not _agrees(gender, shown):
        return None
    return name


def _by_pronoun(
    before: Sequence[Sentence], rest: str, rules: Table, gender: str | None
) -> _Name | None:
    """The one recent name, subject of the sentence before, with a title of the same gender."""
    words = [w.lower() for w in _TOKEN.findall(rest[:80])]
    words = words[:1] + [w for w in words[1:3] if w not in rules.adverbs]  # "a aussi dit"
    if words[0] not in rules.person_verbs and " ".join(words[:2]) not in rules.person_verbs:
        return None
    recent = _recent(before, rules)
    name = _unique(recent, before, rules)
    if name is None or gender is None or not before:
        return None
    previous = [n for n in recent if n.sentence is before[-1]]
    if not previous or not _subject(previous[0], rules):
        return None  # the person is not the subject of the sentence right before
    shown = _titles(name, before, rules)[1]
    if gender not in shown or not _agrees(gender, shown):
        return None

    # another person in the window ("… traf die Botschafterin", "… and the minister"), one
    # of the pronoun's gender or a role of either: the pronoun may be theirs
    def person(word: str) -> bool:
        return _gender_of(word, rules) == gender or _is_title(word, rules.person_titles)

    window = [w.lower() for s in before[-_WINDOW:] for w in _WORDS.findall(s.text)]
    own = _titles(name, before[-_WINDOW:], rules)[0]
    if sum(map(person, window)) > sum(map(person, own)):
        return None
    return name


def _subject(name: _Name, rules: Table) -> bool:
    """Whether the name opens its sentence (after at most an article and a title) or is the
    speaker of a closing attribution ("…, sagte Ministerin Anna Muster.")."""
    text = name.sentence.text
    head = _TOKEN.findall(text[: name.start])
    if len(head) <= 2 and all(w.isalpha() or "-" in w for w in head):
        return True
    # an apposition to the opening subject: "Der Chef der Armee, General Anna Muster, sagte …"
    if (
        head
        and head[0].lower() in rules.masculine | rules.feminine | rules.determiners
        and head.count(",") == 1
        and len(head) - head.index(",") <= 3
        and text[name.end : name.end + 1] == ","
    ):
        return True
    tail = text[name.end :].strip()
    speaker = {w.lower() for w in head[-2:]}
    return tail in (".", "") and not speaker.isdisjoint(rules.person_verbs)
