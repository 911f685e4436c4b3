"""The in-process engine: jieba + scikit-learn, trained from the Rasa project's YAML on first use."""
