"""Fixed word sets and regular expressions of the quote finder (``quotes``).

Reporting adjuncts ("in a statement", "by text message", "to CBC News"), where reported
content stops (a dash aside, ", which", a second cue verb), auxiliaries and finite-verb
markers. Kept apart so the finder reads as rules, and the lists can grow without touching them.
"""

from __future__ import annotations

import re

from annotations.detect.lexicon import wordset

LETTERS_RE = re.compile(r"[A-Za-z]+")
EDGE = " \t\r\n\"“”„«»‘’',.;:!?—–-"
CLOSE_MARKS = frozenset("\"”»’'")
OPEN_MARKS = frozenset("\"“«„‘'")
OBJECT_CUES = frozenset({"tell", "ask", "inform", "assure", "urge", "remind", "notify", "advise"})
CLAUSE_WEAK = frozenset({"believe", "think", "feel", "hope", "fear", "expect", "know", "worry"})
DAYS = wordset(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday"""
)
LEADS = wordset(
    """in on at after before when while if as during asked when following speaking writing
    addressing responding referring since though although but and"""
)
TAIL_WORDS = frozenset({"by", "from", "to", "with", "via", "phone", "email", "reporters",
                        "out", "up", "back"})
PREPOSITIONS = frozenset({"about", "of", "with", "for", "into", "over", "out", "up", "off",
                          "down", "around", "from", "by"})
FINITE = wordset(
    """is was were are has have had will would can could should must may might
does did do 's 're won't can't didn't doesn't don't isn't wasn't aren't weren't hasn't haven't
shall"""
)
SAY_LIKE = frozenset({"say", "tell", "write", "state", "claim", "insist", "argue", "assert",
                      "contend", "warn", "add", "admit", "acknowledge", "note", "explain",
                      "announce", "allege", "believe", "think", "feel", "hope", "fear", "know",
                      "predict", "reply", "respond", "concede", "confirm", "deny", "maintain",
                      "stress", "emphasize", "report", "tweet", "suggest", "agree", "estimate"})
_DAY = (r"(?:on\s+|last\s+|this\s+|early\s+|late\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday"
        r"|Saturday|Sunday|today|yesterday|last week|this week|earlier this week|last month"
        r"|earlier)(?:\s+(?:morning|afternoon|evening|night))?")
_MEDIUM = (r"(?:statement|interview|email|e-mail|release|news release|press release|letter|post"
           r"|tweet|video|speech|phone call|phone interview|conference call|news conference"
           r"|press conference|report|message|text message|briefing|appearance|court documents?"
           r"|court filings?|filing|op-ed|column|book|memo|blog post|podcast|radio interview"
           r"|television interview|town hall|hearing|testimony|affidavit|ruling|decision)")
# A run of capitalised words ("The Canadian Press"). Written so that each end offset is tried
# once, longest first, as ``(?:[A-Z]\w*\s*)+`` tries them: that form splits a long capitalised
# word in every possible way and takes exponential time when what follows does not fit.
_CAPITALISED = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*\s*"
# White space is taken whole (possessive ``*+``/``++``) where what follows cannot start with
# it, so a long run of spaces is not split between two quantifiers in every possible way.
ADJUNCT_RE = re.compile(
    r"(?:\s*+(?:,\s*+)?(?:" + _DAY + r"|(?:in|during|at|via|through|on|with|over)\s++"
    r"(?:an?|the|his|her|their|its|this|that)?\s*+(?:[\w'’.-]+\s+){0,3}?" + _MEDIUM + r"s?"
    r"(?:\s+(?:on|to|with|from)\s+" + _CAPITALISED + r")?"
    r"|(?:by|via|over)\s+(?:text message|email|e-mail|phone|telephone|text)"
    r"|to\s+(?:reporters|journalists|the media|the press|supporters|the crowd|(?:The\s+)?"
    + _CAPITALISED + r")"
    r")(?=[\s,.;:]))+\s*,?"
)
INTENT_VERBS = wordset("pledge promise vow threaten propose vote want plan seek aim")
BE_ING = wordset("is was were are be been am keep keeps kept started began continued 's 're")
NOUN_LIKE_CUES = wordset(
    "states reports claims charges calls plans hopes fears notes estimates comments promises "
    "answers requests remarks statements posts tweets attacks rules supports warnings"
)
MODALS = wordset("will would could can to did do does may might should must")
SKIP_AFTER_CUE = DAYS | {"on", "last", "week", "earlier", "this", "again", "also", "previously",
                         "recently", "then", "once", ",", ":", "—", "–"}
# Grouped by first character (white space, comma, semicolon; in the order of the plain list
# within each group), so a search skips every other character without trying each branch.
CLAUSE_STOP_RE = re.compile(
    r"\s+(?:(?:—|–|--)\s+|and then\s+|(?:and|but)\s+(?:also\s+)?(?:said|says|told|noted|added"
    r"|argued|insisted|warned|called|urged|vowed|promised|pledged|claimed)\b)"
    r"|,\s+(?:which\b|and then\s+|however\b|without\s+\w+ing\b"
    r"|with\s+(?:[A-Z][\w.'’-]*\s+){1,3}\w+ing\b"
    r"|(?:hours|days|weeks|minutes|moments)\s+(?:after|before)\b"
    r"|(?:but|and|while|although|though|whereas|yet)\s+"
    r"(?=(?:the|a|an|he|she|they|it|we|i|his|her|their|its|[A-Z]\w*)\b)"
    r"|(?:meaning|saying|adding|noting|arguing|citing|calling|suggesting|explaining"
    r"|insisting|warning|claiming|describing|referring|prompting|leaving|sending|asking)\b)"
    r"|;\s"
)
TRAILING_ADJUNCT_RE = re.compile(
    r"\s+(?:in|during|at|on|via)\s+(?:an?|the|his|her|their|its)\s+(?:[\w'’-]+\s+){0,3}?"
    r"(?:statement|interview|email|e-mail|release|letter|post|tweet|video|speech|appearance"
    r"|diatribe|op-ed|column|briefing|news conference|press conference|rally|debate|hearing)s?"
    r"(?:\s+(?:on|last|this)\s+\w+)?(?:\s+(?:morning|afternoon|evening|night))?\s*$"
)
CONTINUE_WORDS = frozenset({"and", "but", "then", "before", "after", "as", "while", "when"})
# a participial "asked" ("Asked whether ...", "when asked if ...") and the question word
QUESTION_LEADS = wordset("when after if once , ; : — –")
QUESTION_WORDS = wordset("whether if how what why when who where about")
# a pronoun fused with an auxiliary starts a finite clause ("she'll turn", "they've")
CONTRACTED_AUX = ("’ll", "'ll", "’d", "'d", "’re", "'re", "’ve", "'ve", "’m", "'m")
# "issued a statement saying that ...": a document noun before a participial speech verb
MEDIA_NOUNS = wordset(
    "statement statements letter release tweet tweets email e-mail post message memo video ad "
    "ads filing op-ed column editorial speech interview announcement"
)
# cue verbs whose person object may be long before the "that" ("told the crowd at X that")
TELL_LIKE = wordset("tell assure inform remind warn notify advise convince persuade")
# "it's", "there's": a pronoun fused with "is" starts a finite clause
PRONOUN_IS = wordset("it he she that there what here who this")
# cue verbs only next to a quotation ('"...," he continued' / 'she continued: "..."')
QUOTE_ONLY_CUES = wordset("continue read")
# words between "and"/"but" and a second cue verb of the same subject
COORD_SKIP = wordset("also later then has have had would will could did does not never often again")
# words opening a sentence-initial subordinate clause ("When she said ..., the crowd ...")
SUBORDINATORS = wordset("when after before as while although though because if since once until")
# a conjunction left at the end of a content cut before the next attribution
DANGLING_RE = re.compile(r"(?:\s+|,\s*)(?:but|and|while|yet|so)\s*$")
# possessive determiners: "His 34% support among women" is a noun phrase, not a clause
POSSESSIVES = wordset("his her their its our my your")
# words before a participial cue whose speaker is the sentence's subject ("after telling")
PARTICIPLE_LEADS = wordset("and by after before while when since without")
# evidence verbs that may follow their content like speech verbs ("..., records show.")
EVIDENTIAL = wordset("show indicate find reveal")
# discourse connectives: an opening "But, he said," is not part of what was said
CONNECTIVES = frozenset(
    """but and so yet still now however meanwhile indeed also then moreover furthermore thus
    therefore besides nevertheless nonetheless anyway well and or instead otherwise first second
    finally""".split()
) | {"after all", "in the end", "in contrast", "of course", "in fact", "for example",
     "for instance", "that said", "at the same time", "on the other hand", "in other words",
     "by contrast", "as a result", "in short", "in addition", "at least", "to be sure"}
