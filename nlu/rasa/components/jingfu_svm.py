"""A Rasa 3.6 intent classifier: a linear SVM over the pipeline's sparse sentence features.

Runs inside the Rasa virtualenv (Python 3.10, Rasa's scikit-learn), not in the bot's: `jingfu nlu
train` and `jingfu nlu serve` put this folder on PYTHONPATH, and config.yml names the class as
``jingfu_svm.SvmIntentClassifier``. DIET still recognises the entities.

Why: DIET's intent head learnt our training phrasing by heart (training accuracy 0.99 after five of
its 20 epochs) and confused the neighbouring specialties on other people's phrasing; docs/nlu.md has
the measured comparison. The classifier follows the embedded engine's (`nlu/embedded/model.py`): TF-IDF
with sublinear term frequency, scikit-learn's default C, and one softmax temperature fitted on a
held-out fifth of the training data, so confidences sum to one and the specialty intents' summed
confidence can compete with the other intents (`nlu/ranking.py`).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.optimize import minimize_scalar
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC

logger = logging.getLogger(__name__)

_FILE = "svm.npz"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SvmIntentClassifier(IntentClassifier, GraphComponent):
    """Linear SVM intent classifier with temperature-scaled softmax confidences."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Featurizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "scipy"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": 1.0, "calibration_share": 0.2, "random_seed": 20240604}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.idf: np.ndarray | None = None
        self.weights: np.ndarray | None = None  # (features, classes)
        self.bias: np.ndarray | None = None
        self.classes: list[str] = []
        self.temperature = 1.0

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SvmIntentClassifier:
        return cls(config, model_storage, resource)

    # Features -----------------------------------------------------------------------------------

    def _counts(self, messages: list[Message]) -> csr_matrix:
        rows = []
        for message in messages:
            sparse = message.get_sparse_features(attribute=TEXT)[1]  # (sequence, sentence)
            if sparse is not None:
                rows.append(csr_matrix(sparse.features))
            else:  # no features at all (e.g. an empty text): a row of zeros
                rows.append(csr_matrix((1, len(self.idf) if self.idf is not None else 0)))
        width = max(row.shape[1] for row in rows)
        padded = [hstack([r, csr_matrix((1, width - r.shape[1]))]) if r.shape[1] < width else r for r in rows]
        return vstack(padded).tocsr()

    def _tfidf(self, counts: csr_matrix) -> csr_matrix:
        assert self.idf is not None
        matrix = counts.astype(np.float64).tocsr(copy=True)
        width = len(self.idf)
        if matrix.shape[1] < width:  # a featurizer may have grown; pad, never crash
            matrix = hstack([matrix, csr_matrix((matrix.shape[0], width - matrix.shape[1]))]).tocsr()
        matrix = matrix[:, :width]
        positive = matrix.data > 0
        matrix.data[positive] = 1.0 + np.log(matrix.data[positive])
        matrix = matrix.multiply(self.idf).tocsr()
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return csr_matrix(matrix.multiply(1.0 / norms[:, None]))

    # Training -----------------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.debug("no intent examples: SvmIntentClassifier not trained")
            return self._resource
        counts = self._counts(examples)
        labels = np.asarray([str(e.get(INTENT)) for e in examples])
        documents = np.asarray((counts > 0).sum(axis=0)).ravel()
        self.idf = np.log((1.0 + len(examples)) / (1.0 + documents)) + 1.0
        matrix = self._tfidf(counts)
        self.temperature = self._fit_temperature(matrix, labels)
        svm = LinearSVC(C=self.config["C"], random_state=self.config["random_seed"]).fit(matrix, labels)
        self.classes = [str(c) for c in svm.classes_]
        self.weights = np.ascontiguousarray(svm.coef_.T, dtype=np.float64)
        self.bias = np.asarray(svm.intercept_, dtype=np.float64)
        self.persist()
        return self._resource

    def _fit_temperature(self, matrix: csr_matrix, labels: np.ndarray) -> float:
        train_rows, held_rows = train_test_split(
            np.arange(len(labels)),
            test_size=self.config["calibration_share"],
            random_state=self.config["random_seed"],
            stratify=labels,
        )
        svm = LinearSVC(C=self.config["C"], random_state=self.config["random_seed"])
        svm.fit(matrix[train_rows], labels[train_rows])
        scores = svm.decision_function(matrix[held_rows])
        column = {str(c): i for i, c in enumerate(svm.classes_)}
        truth = np.asarray([column[str(label)] for label in labels[held_rows]])

        def log_loss(temperature: float) -> float:
            z = scores / temperature
            z = z - z.max(axis=1, keepdims=True)
            log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            return float(-log_p[np.arange(len(truth)), truth].mean())

        return float(minimize_scalar(log_loss, bounds=(0.01, 10.0), method="bounded").x)

    # Prediction ---------------------------------------------------------------------------------

    def process(self, messages: list[Message]) -> list[Message]:
        if self.weights is None or self.bias is None or not messages:
            return messages
        scores = self._tfidf(self._counts(messages)) @ self.weights + self.bias
        scores = scores / self.temperature
        scores -= scores.max(axis=1, keepdims=True)
        probabilities = np.exp(scores)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        for message, row in zip(messages, probabilities, strict=True):
            order = np.argsort(-row)
            ranking = [{"name": self.classes[i], "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    # Storage ------------------------------------------------------------------------------------

    def persist(self) -> None:
        if self.idf is None or self.weights is None or self.bias is None:
            return
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(
                directory / _FILE,
                idf=self.idf,
                weights=self.weights,
                bias=self.bias,
                classes=np.asarray(self.classes),
                temperature=np.asarray([self.temperature]),
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SvmIntentClassifier:
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                stored = np.load(directory / _FILE, allow_pickle=False)
                component.idf = stored["idf"]
                component.weights = stored["weights"]
                component.bias = stored["bias"]
                component.classes = [str(c) for c in stored["classes"]]
                component.temperature = float(stored["temperature"][0])
        except (ValueError, FileNotFoundError, OSError):
            logger.warning("SvmIntentClassifier: no trained model in %s; it will not classify", resource.name)
        return component
