"""Faithful shortening: deletions only, whole words, still a sentence, ages kept."""

from __future__ import annotations

from kurzum.core.shorten import shorten

KOFMAN = (
    "Nur dank der Waffenlieferungen habe Russland den Krieg überhaupt so lange führen können, "
    "erklärt der renommierte amerikanische Militäranalyst Michael Kofman (42) gegenüber "
    "«Foreign Policy»."
)


def _words_in_order(short: str, source: str) -> bool:
    position = 0
    for word in short.rstrip(".").split():
        found = source.find(word, position)
        if found < 0:
            return False
        position = found + len(word)
    return True


def test_fitting_sentence_is_unchanged() -> None:
    result = shorten("Die Brücke kostet 48 Mio. Franken.", "de", 160)
    assert result is not None
    assert result.text == "Die Brücke kostet 48 Mio. Franken."
    assert result.spans == ((0, 34),)


def test_trailing_attribution_is_dropped() -> None:
    result = shorten(KOFMAN, "de", 100)
    assert result is not None
    assert result.text == (
        "Nur dank der Waffenlieferungen habe Russland den Krieg überhaupt so lange führen können."
    )


def test_parenthetical_is_dropped_but_age_is_kept() -> None:
    sentence = (
        "Kremlsprecher Dmitri Peskow (56) nannte das Versprechen, Nordkorea in Clubs wie BRICS "
        "(Staatenvereinigung von Russland, China, Indien, Brasilien) zu bringen, einen Erfolg."
    )
    result = shorten(sentence, "de", 130)
    assert result is not None
    assert "Peskow (56)" in result.text
    assert "Staatenvereinigung" not in result.text
    assert len(result.spans) == 2
    assert "".join(sentence[a:b] for a, b in result.spans) + "" == result.text


def test_appended_relative_clause_is_dropped() -> None:
    sentence = (
        "Die KN-23 ist eine ballistische Kurzstreckenrakete, die erstmals 2019 getestet und mit "
        "den russischen Iskander-M-Raketen verglichen wurde."
    )
    result = shorten(sentence, "de", 80)
    assert result is not None
    assert result.text == "Die KN-23 ist eine ballistische Kurzstreckenrakete."


def test_object_clause_and_needed_relative_clause_are_kept() -> None:
    assert (
        shorten(
            "Der Sprecher des Stadtrats sagte am Mittwoch vor den Medien, dass die "
            "Brücke wie geplant gebaut werde.",
            "de",
            60,
        )
        is None
    )
    assert (
        shorten(
            "Nordkorea ist eines der ärmsten Länder der Welt, doch es verfügt über "
            "etwas, das die Freundschaft begünstigt hat.",
            "de",
            80,
        )
        is None
    )


def test_inserted_relative_clause_is_dropped_unless_it_goes_on() -> None:
    johnson = (
        "Johnson, who became the face of HIV/Aids 22 years ago, is now campaigning for more "
        "people to get tested for the disease."
    )
    result = shorten(johnson, "en", 90)
    assert result is not None
    assert result.text == (
        "Johnson is now campaigning for more people to get tested for the disease."
    )
    ryanair = (
        "Ryanair, qui dessert 37 pays, principalement européens, a transporté près de 184 "
        "millions de passagers au cours de l’exercice 2023-24."
    )
    short = shorten(ryanair, "fr", 100)
    assert short is None or "Ryanair principalement" not in short.text


def test_english_and_french_attributions() -> None:
    en = shorten(
        "The repair will take about 18 months and cost $12 million, officials said.", "en", 70
    )
    assert en is not None
    assert en.text == "The repair will take about 18 months and cost $12 million."
    fr = shorten(
        "Le verdict sera annoncé mercredi en Suisse, a indiqué le tribunal fédéral.", "fr", 50
    )
    assert fr is not None
    assert fr.text == "Le verdict sera annoncé mercredi en Suisse."


def test_never_cuts_mid_word_and_keeps_word_order() -> None:
    sentence = (
        "Dank Nordkorea konnte Russland im vergangenen Jahr dreimal so viel Artillerie abfeuern "
        "wie die Ukraine – die währenddessen auf weitere Munitionslieferungen warten musste."
    )
    for limit in range(40, 170, 7):
        result = shorten(sentence, "de", limit)
        if result is None:
            continue
        assert len(result.text) <= limit
        assert result.text.endswith(".")
        assert _words_in_order(result.text, sentence)


def test_unshortenable_sentence_gives_none() -> None:
    assert (
        shorten("Ein sehr langer Satz ohne jede Möglichkeit zur Kürzung bleibt lang.", "de", 40)
        is None
    )


def test_english_news_agency_attribution_dateline_and_dashes_are_dropped() -> None:
    syria = (
        "Syria carried out an airstrike on a refugee camp in northern Lebanon Saturday, killing "
        "nine Syrians and wounding nine more, a Lebanese state-run news agency reported."
    )
    short = shorten(syria, "en", 160, 140)
    assert short is not None
    assert short.text == (
        "Syria carried out an airstrike on a refugee camp in northern Lebanon Saturday, killing "
        "nine Syrians and wounding nine more."
    )
    denied = shorten("The company lost money again last year, nobody has confirmed.", "en", 40)
    assert denied is None  # a negated attribution changes the claim: never dropped
    cnn = "(CNN) -- A man was arrested on Tuesday after a chase through the city, police said."
    short = shorten(cnn, "en", 70)
    assert short is not None
    assert short.text == "A man was arrested on Tuesday after a chase through the city."
    dashed = (
        "Guangzhou -- capital of China's richest and most progressive province -- has taken "
        "the first steps to end labour camps."
    )
    short = shorten(dashed, "en", 70)
    assert short is not None
    assert short.text == "Guangzhou has taken the first steps to end labour camps."


def test_english_intro_phrase_and_participle_clause_are_dropped() -> None:
    glancy = (
        "Although she admitted stealing the money, Glancy was spared prison after it emerged "
        "she spent it on her dying friend."
    )
    short = shorten(glancy, "en", 100)
    assert short is not None
    assert short.text == (
        "Glancy was spared prison after it emerged she spent it on her dying friend."
    )
    assert _words_in_order(short.text, glancy)
    # an intro before an article or a plural noun goes, and the bullet starts with a capital
    calm = "After weeks of relative calm, clashes erupted in several areas of the capital Cairo."
    short = shorten(calm, "en", 60)
    assert short is not None
    assert short.text == "Clashes erupted in several areas of the capital Cairo."
    assert short.spans == ((30, len(calm)),)  # the source of every character but the case
    # before a pronoun it stays: "he" would lean on a sentence the box does not show
    match = "After the match against Basel in the rain, he said the team had deserved the win."
    assert shorten(match, "en", 60) is None
    strike = "Syria carried out an airstrike on a camp in Lebanon, killing nine Syrians."
    short = shorten(strike, "en", 60)
    assert short is not None
    assert short.text == "Syria carried out an airstrike on a camp in Lebanon."
    # "something" is not a participle opening a clause
    wife = "He wanted to buy a present for his wife, something she would love."
    assert shorten(wife, "en", 45) is None


def test_a_leading_subordinate_clause_keeps_its_main_clause() -> None:
    sentence = (
        "While the province has stopped short of attacking the system, saying it was not "
        "opposed to punishment, recent announcements suggest that change is coming soon."
    )
    short = shorten(sentence, "en", 160, 70)
    assert short is None or not short.text.endswith("the system.")
