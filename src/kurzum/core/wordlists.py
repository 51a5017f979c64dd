"""Word lists per language, kept as data: function words, and openers that need an antecedent.

Function words are ignored by the overlap and centrality features (they match everywhere).
Openers are first words that refer back to something earlier ("Er sagte …", "Diese wurden …",
"Denn …", "Il …", "This …"): a sentence opening with one cannot stand alone as a bullet unless
its antecedent sentence is the directly preceding bullet. Lists written by hand and checked
against the first words of all sentences of ``../shared/data/dev``.
"""

from __future__ import annotations

from kurzum.models import Language


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``, as a set (how word lists are written)."""
    return frozenset(text.split())


STOPWORDS: dict[Language, frozenset[str]] = {
    "de": word_set(
        "der die das des dem den ein eine einer eines einem einen und oder aber doch sondern "
        "in im ins an am auf aus bei beim mit nach von vom zu zum zur für über unter vor hinter "
        "neben zwischen durch gegen ohne um bis seit ab als wie wenn weil dass ob so auch noch "
        "nur schon sehr mehr nicht kein keine keinen keiner ist sind war waren wird werden wurde "
        "wurden hat haben hatte hatten sei seien wäre würde würden kann können konnte konnten "
        "soll sollen sollte muss müssen musste will wollen wollte er sie es ich wir ihr man sich "
        "sein seine seiner seinen seinem ihre ihrer ihren ihrem ihm ihn ihnen uns dies diese "
        "dieser dieses diesem diesen jener jene was wer wo wann warum dort hier da dann denn "
        "nun jetzt etwa rund laut sowie bereits beim zudem jedoch allerdings dabei damit dafür "
        "dazu davon darauf daran worden gibt gab geht ging alle allem allen aller viele vielen "
        "einige einigen andere anderen anderer sagte sagt habe hätten gegenüber"
    ),
    "fr": word_set(
        "le la les l un une des du de d au aux et ou mais donc or ni car à a dans en sur sous "
        "par pour avec sans chez entre vers contre depuis pendant avant après selon comme que "
        "qu qui quoi dont où ce cet cette ces c se s sa son ses leur leurs il elle ils elles on "
        "nous vous je j y ne n pas plus très aussi déjà encore est sont était étaient été être "
        "sera seront serait ont avait avaient avoir fait faire peut peuvent pourrait doit doivent "
        "lui eux tout tous toute toutes autre autres même si lors ainsi alors dont cela ça celui "
        "celle ceux quand comment pourquoi notamment également toutefois cependant a-t-il "
        "selon indique déclaré affirmé"
    ),
    "en": word_set(
        "the a an and or but nor so yet of in on at to for from by with without about into onto "
        "over under after before between through during against among as than then that this "
        "these those there here it its it's he him his she her hers they them their we us our "
        "you your i me my is are was were be been being has have had do does did will would "
        "shall should can could may might must not no also just only very more most such what "
        "which who whom whose when where why how all any both each few other some own same too "
        "said says say told according while if because since until up down out off again once "
        "s t"
    ),
}
