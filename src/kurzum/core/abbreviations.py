"""Abbreviations that end with a full stop without ending a sentence, kept as data per language.

Compared case-sensitively, without the final full stop. Collected from the dev data
(``../shared/data/dev``) and the tricky lines of ``tests/core/test_segment.py``. Single letters
("M.", "z. B.", initials), dotted acronyms ("U.S.") and ordinals ("am 3. Oktober") are handled
by rule in ``segment.py`` and are not listed. Words that usually end a sentence ("etc.", "usw.")
are left out on purpose: a wrong merge costs more than a rare wrong split.
"""

from __future__ import annotations

from kurzum.models import Language


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``, as a set."""
    return frozenset(text.split())


_COMMON: frozenset[str] = _words(
    "Abb Abs Abt approx Apr Art Aufl Aug Bahnhofstr Bd Bde Bio bzw ca Capt Chr Col Dec Dez Di "
    "Dipl Do Dr evtl exkl Fa Feb Fig Fr Gen ggf Gov Hauptstr Hon Hr Hrn Hrsg hrsg Ing inkl Jan "
    "Jh Jhd Jr Jul Jun Kap Kt lit Lt Mar max Mi Mia min Mio Mo Mr Mrd Mrs Ms Mär No Nov Nr Oct "
    "Okt Prof Rep Rev Sa Sek Sen Sep Sept Sgt So Sr St str Str Tel Tsd vgl Vol vs Ziff zit"
)
_DE: frozenset[str] = _words(
    "allg Anm bes Bf Bsp bspw bzgl ca Dir dt ehem Ehem Eidg eidg engl ev evang ff franz frz Gde "
    "geb gem gest Hbf Hptm ital Jg Jhs kath Kdt Lt Mag Maj max Min Mind mind Mrd Oblt Pfr Pl "
    "Präs rd röm Sek sog span Std stv Stv Tsd ugs urspr Urspr Verf verh Vors zB zT österr"
)
_FR: frozenset[str] = _words(
    "al apr art fr av avr bd boul Cf cf ch chap Dr déc env ex fg fév févr hab J.-C janv juil Me "
    "Mgr Mio mio Mlle Mlles MM Mme Mmes mrd nov n° oct pp Pr resp rte sept St Ste tél vol "
    "éd"
)
_EN: frozenset[str] = _words(
    "a.m Adm Ala approx Apr Ariz Ark Aug Ave Blvd Bros Calif Capt Cmdr Co Col Colo Conn Corp "
    "Dec Del Det Dr e.g Feb Fig Fla Ft Ga Gen Gov Hon i.e Ill Inc Ind Insp Jan Jr Jul Jun Kan "
    "Ky La Lt Ltd Mass Md Mich Minn Miss Mo Mont Mr Mrs Ms Mt Neb Nev No Nos Nov Oct Okla Ore "
    "p.m Pa Pres Prof Rd Rep Rev Sen Sep Sept Sgt Sr St Supt Tenn Tex Va vs Vt Wash Wis Wyo"
)

ABBREVIATIONS: dict[Language, frozenset[str]] = {
    "de": _COMMON | _DE,
    "fr": _COMMON | _FR,
    "en": _COMMON | _EN,
}
