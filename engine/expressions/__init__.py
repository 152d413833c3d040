"""The restricted evaluator for every expression and script from a diagram: parsing, the allow-list, the interpreter
with its limits, names read and set, call signatures."""
