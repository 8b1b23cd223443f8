"""The curated words of query understanding: how patients say where, who pays, which
language, who for, and what they do not mean as a search term.

Only the *ways of saying* things live here. What the catalog holds (its insurers,
languages and hospitals) comes from the live index, and places from the offline
gazetteer (``chalicelib/geocoding/places.csv``): see :mod:`chalicelib.search.vocabulary`.
Every phrase is written folded (lowercase, no accents, no apostrophes), one word per
space, as :func:`chalicelib.search.understanding.fold` reduces what the patient typed.

Rule for edits: a phrase is added because patients say it, never to fix one judged query.
"""

from __future__ import annotations

# "near X", "in X", "around X": a place follows.
PLACE_CUES = frozenset({"near", "in", "around", "nr", "close to", "near to", "nearby", "by", "at", "from", "round"})
# "within 10 miles of X" (also "within 10 mi of", "10 miles from X").
RADIUS_UNITS = frozenset({"mile", "miles", "mi", "m"})
RADIUS_JOINS = frozenset({"of", "from", "around", "near"})
# Where the patient is, said without a place: the client sends lat/lon when it has them.
NEAR_ME = frozenset(
    ("near me", "close to me", "nearby", "near by", "local", "locally", "in my area", "around me", "near here")
)

# "covered by X", "that takes X", "X patient".
INSURER_CUES = frozenset(
    {
        "covered by", "cover from", "accepts", "accepting", "accept", "takes", "take", "taking", "that takes",
        "who takes", "who accepts", "that accepts", "insured by", "insured with", "insurance with", "with",
        "through", "via", "on", "recognised by", "recognized by", "registered with",
    }
)  # fmt: skip
INSURER_SUFFIXES = frozenset(
    {"patient", "patients", "insurance", "insured", "cover", "member", "members", "policy", "health insurance"}
)
# Names patients use for an insurer the catalog labels otherwise. Used only when the
# label on the right is one the live index holds.
INSURER_ALIASES = {
    "axa": "AXA Health",
    "axa ppp": "AXA Health",
    "axappp": "AXA Health",
    "axa ppp healthcare": "AXA Health",
    "allianz": "Allianz Care",
    "allianz worldwide care": "Allianz Care",
    "vitality health": "Vitality",
    "vitalityhealth": "Vitality",
    "bupa uk": "Bupa",
    "aviva health": "Aviva",
    "cigna healthcare": "Cigna",
    "freedom health": "Freedom Health Insurance",
    "general and medical": "General & Medical",
    "general medical": "General & Medical",
    "wpa health": "WPA",
    "exeter family friendly": "The Exeter",
}
# Insurer labels end in these words more often than patients say them: "Allianz Care"
# is also found as "covered by Allianz" (after a cue or before a suffix only).
INSURER_LABEL_TAILS = ("health insurance", "healthcare", "health", "care", "insurance")
# Paying for oneself: understood (so the words are not searched) but no filter, since
# every specialist sees self-paying patients.
SELF_PAY = frozenset((
    "self pay", "self paying", "selfpay", "self funded", "self funding", "self fund", "paying myself", "pay myself",
    "without insurance", "no insurance", "uninsured", "not insured",
))  # fmt: skip

# "speaks X", "X speaking", "X-speaking", "in X".
LANGUAGE_CUES = frozenset({"speaks", "speaking", "who speaks", "that speaks", "speaks in", "speak", "in", "fluent in"})
LANGUAGE_SUFFIXES = frozenset({"speaking", "speaker", "speakers", "speaks", "language", "spoken"})

GENDER_WORDS = {
    "female": "female",
    "woman": "female",
    "lady": "female",
    "male": "male",
    "man": "male",
    "gentleman": "male",
}
# "my son", "for my daughter": the patient is a child. Possessives are folded ("childrens").
CHILDREN_PHRASES = frozenset((
    "child", "children", "childrens", "childs", "kid", "kids", "my son", "son", "my daughter", "daughter", "baby",
    "my baby", "toddler", "my toddler", "infant", "boy", "girl", "teenager", "my teenager", "teen", "my child",
    "my kid", "grandson", "granddaughter", "my grandson", "my granddaughter", "newborn", "paediatric", "pediatric",
    "paeds", "peds",
))  # fmt: skip
# "my 7 year old", "a 3-year-old", "14 months old": a child's age (under this many years).
CHILD_AGE_UNITS = frozenset({"year", "years", "yr", "yrs", "month", "months", "week", "weeks"})
CHILD_AGE_BELOW_YEARS = 18
BOOKING_PHRASES = frozenset((
    "book online", "booking online", "online booking", "bookable online", "can book", "i can book",
    "can book online", "i can book online", "book now", "book today", "book an appointment online", "online",
    "with online booking",
))  # fmt: skip

# Words that say nothing about what the patient needs: they alone answer everyone.
GENERIC_WORDS = frozenset(
    {
        "consultant", "consultants", "doctor", "doctors", "dr", "specialist", "specialists", "physician",
        "physicians", "expert", "experts", "clinician", "clinicians", "private", "privately", "medic", "medics",
        "professional", "practitioner",
    }
)  # fmt: skip
# The sentence around a need: "I need a", "who can help with", "my ... keeps getting".
FILLER_PHRASES = frozenset((
    "i need", "i need to see", "i want", "i want to see", "i would like", "id like", "im looking for",
    "i am looking for", "looking for", "need", "want", "find", "find me", "search", "searching for", "please",
    "recommend", "recommended", "who can help with", "who can help", "can help with", "help with", "help me with",
    "help", "someone", "somebody", "someone who", "who", "that", "which", "for", "a", "an", "the", "my", "me",
    "i", "im", "with", "to", "see", "good", "best", "top", "great", "leading", "check", "checkup", "check up",
    "appointment", "appointments", "consultation", "keeps getting", "keep getting", "keeps", "getting", "has",
    "have", "had", "got", "gets", "suffering from", "suffer from", "suffers from", "problems with",
    "issues with", "and", "or", "of", "uk", "nhs", "treatment for", "doctor for", "specialist for",
    "consultant for", "what", "is", "are", "can", "could", "should", "do", "does", "again", "really", "very",
    "bad", "terrible", "constant", "recurring", "repeated", "ongoing", "some", "any", "on", "about", "advice",
    "in", "at", "book", "booking", "books",
))  # fmt: skip
# Before a name, nothing is understood: "Dr Preston" is a person, not a place.
HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "miss", "prof", "professor", "sir", "dame", "mx"})
# Towns that are also everyday words: a place only after a cue ("in Reading").
CUE_ONLY_TOWNS = frozenset({"reading", "bath", "rugby", "bury", "barry", "arnold", "sutton", "hamilton", "hope"})
# Words after which a postcode-shaped word is not a postcode ("vitamin B12").
NOT_POSTCODE_AFTER = frozenset({"vitamin", "type", "grade", "stage", "level", "class", "covid", "hpv"})
# A hospital's name is recognised whole, or less these words ("Hendon Hospital" for
# "BMI Hendon Hospital"); it must keep "hospital" or "clinic" or its group's name, else
# it is only a place ("near Hendon").
HOSPITAL_NAME_DROPS = frozenset({"bmi", "the"})
HOSPITAL_WORDS = frozenset({"hospital", "clinic", "bmi", "hosp"})
HOSPITAL_CUES = frozenset({"at", "in"})

# --- How, when and for how much (read by chalicelib.search.arrangements) ------------------
# How the patient wants to be seen: "video call", "by phone", "face to face". A way alone or
# with a word for the appointment after it ("video consultation", "phone appointment").
_SEEN_AS = ("consultation", "consultations", "consult", "appointment", "appointments", "call", "calls", "clinic")
_VIDEO = ("video", "by video", "via video", "over video", "on video", "video link", "videocall", "telemedicine",
          "telehealth", "teleconsultation", "video chat")  # fmt: skip
_PHONE = ("phone", "telephone", "by phone", "by telephone", "via phone", "over the phone", "over the telephone",
          "on the phone")  # fmt: skip
_IN_PERSON = ("in person", "face to face", "f2f", "seen in person")
# Said only with the appointment word: "online appointment" is booking online, "virtual
# colonoscopy" a test.
_VIDEO_WITH_SEEN_ONLY = ("online", "virtual", "remote")
CONSULTATION_PHRASES: dict[str, str] = {
    **{
        f"{way} {seen}".strip(): kind
        for kind, ways in (("video", _VIDEO), ("phone", _PHONE), ("in_person", _IN_PERSON))
        for way in ways
        for seen in ("", *_SEEN_AS)
    },
    **{
        f"{way} {seen}": "video"
        for way in _VIDEO_WITH_SEEN_ONLY
        for seen in ("consultation", "consultations", "consult")
    },
    **dict.fromkeys(("online video", "virtual appointment", "virtual appointments", "remote appointment"), "video"),
}
# After these, "video" or "phone" is part of another term ("video-assisted thoracoscopic
# surgery", "video EEG", "phone addiction", "phone number").
NOT_CONSULTATION_BEFORE = frozenset((
    "assisted", "eeg", "capsule", "telemetry", "monitoring", "fluoroscopy", "fluoroscopic", "urodynamics",
    "urodynamic", "laryngoscopy", "stroboscopy", "endoscopy", "oculography", "nystagmography", "thoracoscopic",
    "thoracoscopy", "game", "games", "gaming", "addiction", "number", "numbers",
))  # fmt: skip

# How soon, in days: "today", "this week", "next week"; "within 10 days", "in the next 2 weeks".
AVAILABILITY_LEADS = frozenset({"available", "availability", "seen", "appointment", "appointments"})
AVAILABILITY_PHRASES = {
    "today": 1, "tomorrow": 2, "by tomorrow": 2, "this week": 7, "within the week": 7, "next week": 14,
    "by next week": 14, "within a fortnight": 14, "this month": 30, "within the month": 30,
}  # fmt: skip
AVAILABILITY_CUES = frozenset({"within", "within the next", "in the next", "over the next", "next"})
COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "twelve": 12}  # fmt: skip
DAY_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "fortnight": 14, "month": 30, "months": 30}

# A ceiling on the fee: "under £200", "fees up to £150", "£250 or less".
FEE_LEADS = frozenset({"fee", "fees", "consultation fee", "consultation fees", "price", "priced", "cost", "costs",
                       "costing", "charging", "charges", "for"})  # fmt: skip
FEE_CUES = frozenset((
    "under", "less than", "below", "max", "maximum", "max of", "maximum of", "up to", "no more than",
    "not more than", "at most", "cheaper than", "within", "budget", "budget of", "a budget of",
))  # fmt: skip
FEE_SUFFIXES = frozenset({"or less", "or under", "or below", "or cheaper", "and under", "max", "maximum", "tops"})

# The order of the results: "soonest", "first available"; "cheapest", "lowest fee".
SORT_PHRASES = {
    **{phrase: "soonest" for phrase in (
        "soonest", "soonest available", "soonest appointment", "earliest", "earliest available",
        "earliest appointment", "first available", "first available appointment", "next available",
        "next available appointment", "as soon as possible", "asap", "quickest", "quickest appointment",
        "shortest wait", "shortest waiting time", "shortest waiting list",
    )},
    **{phrase: "fee" for phrase in (
        "cheapest", "cheapest first", "cheapest consultation", "lowest fee", "lowest fees", "lowest price",
        "lowest prices", "lowest cost", "least expensive", "most affordable",
    )},
}  # fmt: skip
