"""Training with scikit-learn, and a lean numpy path for prediction (the model is tiny; sklearn's
per-call overhead would dominate a single short text)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu.embedded.entities import extract
from nlu.embedded.features import features, normalize
from nlu.embedded.gazetteer import Gazetteer
from nlu.interface import Entity
from nlu.training_data import TrainingData

REGULARISATION_C = 20.0


@dataclass(slots=True)
class LinearModel:
    vocabulary: dict[str, int]
    idf: np.ndarray  # (features,)
    weights: np.ndarray  # (features, classes)
    bias: np.ndarray  # (classes,)
    classes: list[str]

    def ranking(self, features: list[str]) -> list[tuple[str, float]]:
        counts: dict[int, int] = {}
        for feature in features:
            column = self.vocabulary.get(feature)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        scores = self.bias.copy()
        if counts:
            columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
            tf = np.fromiter(
                (1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts)
            )
            values = tf * self.idf[columns]
            values /= np.sqrt(values @ values)
            scores += values @ self.weights[columns]
        scores -= scores.max()
        probabilities = np.exp(scores)
        probabilities /= probabilities.sum()
        order = np.argsort(-probabilities)
        return [(self.classes[i], float(probabilities[i])) for i in order]


@dataclass(slots=True)
class EmbeddedModel:
    gazetteer: Gazetteer
    classifier: LinearModel
    synonyms: dict[str, str]

    def analyse(self, text: str) -> tuple[list[tuple[str, float]], tuple[Entity, ...]]:
        normalized = normalize(text)
        matches = self.gazetteer.find(normalized)
        ranking = self.classifier.ranking(features(normalized, matches))
        return ranking, extract(text, matches, self.synonyms)


def train(data: TrainingData) -> EmbeddedModel:
    # Synonym variants (typos, local names) must be found like the terms they stand for.
    lookups = {name: list(terms) for name, terms in data.lookups.items()}
    lookup_of = {t: name for name, terms in lookups.items() for t in terms}
    for variant, canonical in data.synonyms.items():
        if variant not in lookup_of and canonical in lookup_of:
            lookups[lookup_of[canonical]].append(variant)
    gazetteer = Gazetteer(lookups)

    def analyzer(text: str) -> list[str]:
        normalized = normalize(text)
        return features(normalized, gazetteer.find(normalized))

    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=1)
    matrix = vectorizer.fit_transform([e.text for e in data.examples])
    labels = [e.intent for e in data.examples]
    regression = LogisticRegression(C=REGULARISATION_C, max_iter=3000)
    regression.fit(matrix, labels)
    classes = [str(c) for c in regression.classes_]
    linear = LinearModel(
        vocabulary={str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
        idf=np.asarray(vectorizer.idf_, dtype=np.float64),
        weights=np.ascontiguousarray(regression.coef_.T, dtype=np.float64),
        bias=np.asarray(regression.intercept_, dtype=np.float64),
        classes=classes,
    )
    return EmbeddedModel(gazetteer, linear, dict(data.synonyms))
