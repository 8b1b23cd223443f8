"""Safety notices: red-flag phrases typed into the search box.

A patient may type an emergency into a specialist search ("crushing chest pain", "face
drooping", "I want to kill myself"). The search still answers as usual; the answer also
carries :func:`notices_for` the text, each telling them to call 999 or NHS 111 now. A
notice never removes, reorders or filters results.

The table (:data:`RULES`) is the whole policy, and ``docs/safety-notices.md`` explains it:
what each notice is for, what may trigger one and who reviews a change (a clinician). The
rule for phrases: **a symptom, or an emergency happening, triggers a notice; the name of a
condition, specialty, specialist, test or treatment does not** ("chest pain" does, as a
symptom, although the catalog also lists it; "stroke", "heart attack", "epilepsy",
"anaphylaxis", "depression" alone do not). Suicide and self-harm are the exception: any
mention brings the crisis lines. A phrase is added for a symptom, never to fix one search.

Matching is on words. The text is case-folded, accents folded, apostrophes dropped
("can't" is "cant") and every other run of punctuation or space is one word break, so
"Chest-pain!" is "chest pain" and "painting" is never "pain". A phrase is written as the
patient would type it, in lower case; ``...`` in a phrase stands for up to
:data:`MAX_GAP` other words ("pain in ... chest" matches "pain in my chest"). A rule's
``unless`` phrases name a context that is not the emergency ("can't breathe through my
nose"): a trigger is ignored where an ``unless`` phrase overlaps it. Negation is not
understood: "no chest pain" shows the chest pain notice, which errs on the safe side.

Cheap to import and to run: stdlib only (besides the shape), the table is turned into a
word index on the first call, and only the first :data:`MAX_CHARS` characters are read,
so no input costs more than a 200-character one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from typing_extensions import TypedDict

from chalicelib.shapes import documented

MAX_CHARS = 200
"""The search API's limit on ``q``; text beyond it is not read."""
MAX_GAP = 3
"""How many other words ``...`` in a phrase stands for, at most."""
GAP = "..."

_APOSTROPHES = str.maketrans("", "", "'\u2018\u2019\u02bc`\u00b4\u2032")
_WORD = re.compile(r"[^\W_]+")


@documented
class Notice(TypedDict):
    """A safety notice to show above the results: the patient's words suggest an emergency."""

    code: str
    """Which notice, in snake_case, such as "chest_pain"; stable, for styling and counting."""
    message: str
    """What to tell the patient, in plain UK English, naming 999, NHS 111 or both."""


@dataclass(frozen=True)
class Rule:
    """One notice and the phrases that bring it (see the module's docstring for the syntax)."""

    code: str
    message: str
    phrases: tuple[str, ...]
    unless: tuple[str, ...] = ()


RULES: tuple[Rule, ...] = (
    Rule(
        code="chest_pain",
        message=(
            "Call 999 now if you have chest pain that came on suddenly, feels heavy, tight or crushing, "
            "spreads to your arm, neck, jaw or back, or comes with sweating, feeling sick or breathlessness. "
            "For other chest pain, call NHS 111 or go to 111.nhs.uk."
        ),
        phrases=(
            "chest pain",
            "chest pains",
            "chest ache",
            "pain in ... chest",
            "pains in ... chest",
            "crushing chest",
            "tight chest",
            "chest tightness",
            "chest is tight",
            "chest feels tight",
            "chest feels heavy",
            "tightness in ... chest",
            "chest pressure",
            "pressure in ... chest",
            "pressure on ... chest",
            "having a heart attack",
            "signs of a heart attack",
            "symptoms of a heart attack",
            "heart attack symptoms",
        ),
    ),
    Rule(
        code="stroke",
        message=(
            "Call 999 now if someone's face has dropped on one side, they cannot lift both arms, "
            "or their speech is slurred or muddled, even if it gets better. These can be signs of a stroke."
        ),
        phrases=(
            "face drooping",
            "face is drooping",
            "face droop",
            "face droops",
            "drooping face",
            "droopy face",
            "face dropping",
            "face is dropping",
            "face dropped",
            "face has dropped",
            "face has fallen",
            "slurred speech",
            "speech is slurred",
            "speech slurred",
            "slurring",
            "can't lift both arms",
            "cannot lift both arms",
            "can't raise both arms",
            "sudden weakness",
            "sudden numbness",
            "suddenly weak",
            "suddenly numb",
            "weakness on one side",
            "weakness down one side",
            "numbness on one side",
            "numb on one side",
            "numb down one side",
            "having a stroke",
            "signs of a stroke",
            "signs of stroke",
            "symptoms of a stroke",
            "stroke symptoms",
        ),
    ),
    Rule(
        code="suicidal_thoughts",
        message=(
            "If you are thinking about ending your life or harming yourself, you do not have to cope alone. "
            "Call 999 or go to A&E now if you might act on these thoughts or have hurt yourself. "
            "For urgent mental health help, call NHS 111 and choose option 2. "
            "Samaritans are free to call on 116 123, day or night."
        ),
        phrases=(
            "suicide",
            "suicidal",
            "kill myself",
            "killing myself",
            "end my life",
            "ending my life",
            "end my own life",
            "take my own life",
            "taking my own life",
            "end it all",
            "want to die",
            "wanna die",
            "don't want to live",
            "don't want to be alive",
            "no reason to live",
            "not worth living",
            "isn't worth living",
            "better off dead",
            "self harm",
            "selfharm",
            "self harming",
            "self injury",
            "harm myself",
            "harming myself",
            "want to hurt myself",
            "cutting myself",
        ),
    ),
    Rule(
        code="severe_bleeding",
        message=(
            "Call 999 now if someone is bleeding heavily and it will not stop, or is vomiting or coughing up "
            "a lot of blood. Press firmly on a wound while you wait. For other bleeding that worries you, "
            "call NHS 111 or go to 111.nhs.uk."
        ),
        phrases=(
            "heavy bleeding",
            "bleeding heavily",
            "bleeding badly",
            "bleeding a lot",
            "bleeding won't stop",
            "bleeding will not stop",
            "bleeding that won't stop",
            "bleeding doesn't stop",
            "bleeding not stopping",
            "won't stop bleeding",
            "can't stop ... bleeding",
            "cannot stop ... bleeding",
            "losing a lot of blood",
            "lost a lot of blood",
            "blood everywhere",
            "spurting blood",
            "blood spurting",
            "pouring blood",
            "blood pouring",
            "gushing blood",
            "blood gushing",
            "vomiting blood",
            "throwing up blood",
            "coughing up blood",
        ),
        # Heavy periods are a gynaecology condition ("heavy menstrual bleeding"), not an emergency.
        unless=(
            "heavy menstrual bleeding",
            "heavy period bleeding",
            "heavy bleeding ... period",
            "heavy bleeding ... periods",
        ),
    ),
    Rule(
        code="breathing",
        message=(
            "Call 999 now if you or someone else is struggling to breathe, is choking, or their lips or skin "
            "are turning blue or grey. If breathing is harder than usual but not that bad, call NHS 111 "
            "or go to 111.nhs.uk."
        ),
        phrases=(
            "can't breathe",
            "cannot breathe",
            "can not breathe",
            "unable to breathe",
            "struggling to breathe",
            "struggling for breath",
            "fighting for breath",
            "gasping for breath",
            "gasping for air",
            "difficulty breathing",
            "difficulty in breathing",
            "trouble breathing",
            "hard to breathe",
            "can't catch ... breath",
            "choking",
            "lips ... blue",
            "blue lips",
            "turning blue",
            "going blue",
        ),
        # Blocked noses and the sensation of a lump in the throat belong to ENT, not to 999.
        unless=(
            "breathe through ... nose",
            "breathing through ... nose",
            "choking sensation",
            "choking feeling",
            "feeling of choking",
            "choking ... swallow",
            "choking ... swallowing",
        ),
    ),
    Rule(
        code="anaphylaxis",
        message=(
            "Call 999 now if someone may be having a severe allergic reaction (anaphylaxis): a swelling throat "
            "or tongue, trouble breathing or swallowing, or feeling faint. Use their adrenaline auto-injector, "
            "such as an EpiPen, if they have one."
        ),
        phrases=(
            "anaphylactic shock",
            "anaphylactic reaction",
            "severe allergic reaction",
            "serious allergic reaction",
            "throat swelling",
            "throat is swelling",
            "swelling of ... throat",
            "throat closing",
            "throat is closing",
            "swollen tongue",
            "tongue swelling",
            "tongue is swelling",
            "swelling of ... tongue",
            "used ... epipen",
            "used ... epi pen",
        ),
    ),
    Rule(
        code="sepsis",
        message=(
            "Call 999 now if someone who is unwell is confused or not making sense, has blue, grey, pale or "
            "blotchy skin, lips or tongue, or is struggling to breathe. These can be signs of sepsis. "
            "If you are worried but it is not that bad, call NHS 111 or go to 111.nhs.uk."
        ),
        phrases=(
            "sepsis",
            "septic shock",
            "septicaemia",
            "septicemia",
            "blood poisoning",
            "mottled skin",
            "skin is mottled",
            "skin ... mottled",
            "fever ... confused",
            "temperature ... confused",
            "confused ... fever",
            "confused ... temperature",
        ),
    ),
    Rule(
        code="meningitis",
        message=(
            "Call 999 now if someone has a rash that does not fade when you press a glass against it, or a high "
            "temperature with a stiff neck, a dislike of bright lights or confusion. These can be signs of "
            "meningitis. Do not wait for a rash: if you are worried, call NHS 111 or go to 111.nhs.uk."
        ),
        phrases=(
            "meningitis",
            "non blanching rash",
            "nonblanching rash",
            "rash ... doesn't fade",
            "rash ... does not fade",
            "rash ... won't fade",
            "rash ... not fading",
            "rash ... glass",
            "glass test",
            "stiff neck ... fever",
            "stiff neck ... temperature",
            "fever ... stiff neck",
            "temperature ... stiff neck",
            "neck stiffness ... fever",
            "fever ... neck stiffness",
            "stiff neck ... bright light",
            "stiff neck ... bright lights",
        ),
        # A vaccine is prevention, not the illness.
        unless=(
            "meningitis ... vaccine",
            "meningitis ... vaccines",
            "meningitis ... vaccination",
            "meningitis ... jab",
            "meningitis ... jabs",
        ),
    ),
    Rule(
        code="overdose",
        message=(
            "Call 999 now if someone has taken an overdose or swallowed something harmful and is very drowsy, "
            "struggling to breathe or having a fit. Otherwise call NHS 111 or go to 111.nhs.uk now, "
            "even if they seem well."
        ),
        phrases=(
            "overdose",
            "overdosed",
            "overdosing",
            "too many pills",
            "too many tablets",
            "too many paracetamol",
            "too much paracetamol",
            "too many painkillers",
            "too much medication",
            "too much medicine",
            "swallowed bleach",
            "drank bleach",
            "swallowed poison",
            "swallowed ... battery",
            "swallowed ... batteries",
        ),
    ),
    Rule(
        code="seizure",
        message=(
            "Call 999 now if someone is having a seizure (fit) for the first time, it lasts more than 5 minutes, "
            "they do not wake up afterwards or they are badly hurt. Otherwise call NHS 111 or go to 111.nhs.uk."
        ),
        phrases=(
            "having a seizure",
            "having a fit",
            "seizure won't stop",
            "seizure will not stop",
            "fit won't stop",
            "seizure ... 5 minutes",
            "seizure ... five minutes",
            "fit ... 5 minutes",
            "fit ... five minutes",
            "first seizure",
            "seizure ... first time",
            "first fit",
            "is fitting",
            "keeps fitting",
            "started fitting",
            "convulsing",
            "convulsion",
            "convulsions",
            "febrile seizure",
        ),
    ),
    Rule(
        code="unconscious",
        message=(
            "Call 999 now if someone is unconscious, will not wake up or is not breathing normally. "
            "The call handler will tell you what to do, including how to give CPR."
        ),
        phrases=(
            "unconscious",
            "unresponsive",
            "won't wake up",
            "will not wake up",
            "can't wake ... up",
            "cannot wake ... up",
            "not breathing",
            "stopped breathing",
            "collapsed",
        ),
        # A blocked nose, and body parts that "collapse", are not this.
        unless=(
            "breathing through ... nose",
            "collapsed lung",
            "collapsed ... arch",
            "collapsed ... arches",
            "collapsed ... disc",
            "collapsed ... vertebra",
            "collapsed ... vertebrae",
        ),
    ),
)

Parts = tuple[tuple[str, ...], ...]
"""A phrase as its runs of words; between two runs, up to ``MAX_GAP`` other words."""
_Index = dict[str, list[Parts]]


@dataclass(frozen=True)
class _Matcher:
    rule: Rule
    triggers: _Index
    unless: _Index


_matchers: list[_Matcher] | None = None


def _fold(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).casefold())
    return _WORD.findall("".join(c for c in folded if not unicodedata.combining(c)))


def words(text: str) -> list[str]:
    """The words notices match on: folded, apostrophes dropped, punctuation a break; first 200 characters."""
    return _fold(text[:MAX_CHARS])


def parts(phrase: str) -> Parts:
    """A phrase of the table as matched; a phrase that is empty or starts or ends with a gap is an error."""
    runs = tuple(tuple(_fold(run)) for run in phrase.split(GAP))
    if not all(runs):
        raise ValueError(f"not a phrase: {phrase!r}")
    return runs


def _index(phrases: tuple[str, ...]) -> _Index:
    index: _Index = {}
    for phrase in phrases:
        runs = parts(phrase)
        index.setdefault(runs[0][0], []).append(runs)
    return index


def _built() -> list[_Matcher]:
    global _matchers  # built on the first call, not on import: the api function's cold start
    if _matchers is None:
        _matchers = [_Matcher(rule, _index(rule.phrases), _index(rule.unless)) for rule in RULES]
    return _matchers


def _ends(runs: Parts, text: list[str], start: int) -> list[int]:
    """Where the phrase can end when it starts at ``start``; empty when it does not match there."""
    first = runs[0]
    if tuple(text[start : start + len(first)]) != first:
        return []
    ends = {start + len(first)}
    for run in runs[1:]:
        size = len(run)
        ends = {
            at + size
            for end in ends
            for at in range(end, min(end + MAX_GAP, len(text) - size) + 1)
            if tuple(text[at : at + size]) == run
        }
        if not ends:
            return []
    return sorted(ends)


def _spans(index: _Index, text: list[str], *, longest: bool) -> list[tuple[int, int]]:
    """Word spans ``[start, end)`` where a phrase of the index matches: the shortest or longest at each start."""
    found: list[tuple[int, int]] = []
    if not index:
        return found
    for start, word in enumerate(text):
        for runs in index.get(word, ()):
            ends = _ends(runs, text, start)
            if ends:
                found.append((start, ends[-1] if longest else ends[0]))
    return found


def notices_for(text: str) -> list[Notice]:
    """The notices the text calls for, each once, in the table's order; ``[]`` for most searches."""
    text_words = words(text)
    found: list[Notice] = []
    for matcher in _built():
        triggers = _spans(matcher.triggers, text_words, longest=False)
        if not triggers:
            continue
        blocks = _spans(matcher.unless, text_words, longest=True)
        if any(all(end <= b_start or b_end <= start for b_start, b_end in blocks) for start, end in triggers):
            found.append(Notice(code=matcher.rule.code, message=matcher.rule.message))
    return found
