"""Text normalisation and the feature space (word + char n-gram TF-IDF, speaker/cue/document).

The space is fitted once on a project's quotes (transductive: the idf weights see the whole
project, which the tool legitimately has) and reused by every refit. Rows are L2-normalised
text features concatenated with hashed one-hot columns for the speaker, the speaker within
its document, and the cue, so that a dot product between two rows is

    cos(text_a, text_b) + w_speaker [same speaker] + w_doc [same speaker, same article]
                        + w_cue [same cue]

which is how the same-speaker prior enters the kernel model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_SPACE = re.compile(r"\s+")
TOKEN_PATTERN = r"[#@]?\w[\w']*"

W_SPEAKER = 0.5
W_DOC_SPEAKER = 0.5
W_CUE = 0.1
W_WORD = 0.7
META_BITS = 2**18
MAX_DF = 0.9


def normalise(text: str) -> str:
    """Lower-case text with URLs and @handles folded and #CamelCase hashtags split into words.

    The hashtag itself stays (``#prolife`` keeps its own token) and its words follow it, so
    ``#StopHillary`` also reads as ``stop hillary``.
    """

    def split_tag(match: re.Match[str]) -> str:
        words = _CAMEL.findall(match.group(1))
        return f"#{match.group(1)} {' '.join(words)}"

    text = _URL.sub(" url ", text)
    text = _MENTION.sub(" @user ", text)
    text = _HASHTAG.sub(split_tag, text)
    return _SPACE.sub(" ", text).strip().lower()


def meta_tokens(speaker: str | None, cue: str | None, document: str | None) -> dict[str, float]:
    """Hashed one-hot tokens (with their weights) for the speaker, document-speaker and cue."""
    out: dict[str, float] = {}
    if speaker:
        key = speaker.strip().lower()
        out[f"spk={key}"] = W_SPEAKER**0.5
        if document:
            out[f"doc={document}|spk={key}"] = W_DOC_SPEAKER**0.5
    if cue:
        out[f"cue={cue.strip().lower()}"] = W_CUE**0.5
    return out


class FeatureSpace:
    """Word (1-2) and char_wb (2-5) n-gram TF-IDF over normalised text, plus meta columns.

    ``FeatureSpace(texts)`` fits the vocabularies; ``transform(texts, meta)`` gives a CSR matrix
    whose rows have text norm 1 (plus the meta weights). Fitting is deterministic.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        from sklearn.feature_extraction import FeatureHasher
        from sklearn.feature_extraction.text import TfidfVectorizer

        norm = [normalise(t) for t in texts] or [""]
        big = len(norm) >= 50
        # n-grams in most texts say nothing about stance and swamp the cosine (a boilerplate
        # hashtag on every tweet, a site's footer): drop them once the corpus is big enough.
        max_df = MAX_DF if big else 1.0
        self._word = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, token_pattern=TOKEN_PATTERN, max_df=max_df
        )
        self._char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            min_df=2 if big else 1,
            max_df=max_df,
            sublinear_tf=True,
        )
        try:
            self._word.fit(norm)
        except ValueError:  # no usable word (blank texts, or every word in every text)
            self._word = TfidfVectorizer(token_pattern=TOKEN_PATTERN).fit(["empty"])
        try:
            self._char.fit(norm)
        except ValueError:
            self._char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).fit(["empty"])
        self._hasher = FeatureHasher(n_features=META_BITS, input_type="dict", alternate_sign=False)
        self.n_texts = len(texts)

    def transform_text(self, texts: Sequence[str]) -> Any:
        """The L2-normalised text block for ``texts`` (CSR)."""
        from scipy import sparse
        from sklearn.preprocessing import normalize

        norm = [normalise(t) for t in texts]
        word = self._word.transform(norm) * W_WORD
        char = self._char.transform(norm)
        return normalize(sparse.hstack([word, char], format="csr"))

    def transform(
        self,
        texts: Sequence[str],
        meta: Sequence[tuple[str | None, str | None, str | None]] | None = None,
    ) -> Any:
        """Rows for ``texts``; ``meta`` gives (speaker, cue, document) per text, or None."""
        from scipy import sparse

        text_block = self.transform_text(texts)
        meta = meta if meta is not None else [(None, None, None)] * len(texts)
        meta_block = self._hasher.transform([meta_tokens(*m) for m in meta])
        return sparse.hstack([text_block, meta_block], format="csr")
