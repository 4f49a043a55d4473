"""The GCDG_BUDGET switch: names, ordering of sizes, overrides, and a clear error."""
import pytest

from gcdg_lite.budgets import BUDGETS, budget
from gcdg_lite.errors import ConfigError


def test_default_is_book(monkeypatch):
    monkeypatch.delenv("GCDG_BUDGET", raising=False)
    assert budget().name == "book"


def test_environment_variable_selects(monkeypatch):
    monkeypatch.setenv("GCDG_BUDGET", " CI ")
    assert budget().name == "ci"


def test_budgets_grow_from_ci_to_full():
    ci, book, full = BUDGETS["ci"], BUDGETS["book"], BUDGETS["full"]
    for field in ("steps", "small_steps", "batch", "n_clips", "n_eval", "width", "gan_width"):
        assert getattr(ci, field) <= getattr(book, field) <= getattr(full, field), field
    assert ci.steps < book.steps < full.steps
    assert ci.gan_steps < book.gan_steps < full.gan_steps


def test_book_code_example_is_the_command_line_default():
    """Chapter 4's SpecGAN at `book` trains the CLI's default recipe: its steps and width are TrainConfig()'s."""
    from gcdg_lite.train import TrainConfig

    resolved = TrainConfig().resolve(samples=16384)
    book = BUDGETS["book"]
    assert (book.gan_steps, book.gan_width) == (resolved.steps, resolved.model_kwargs["d"])
    assert BUDGETS["ci"].gan_width < book.gan_width


def test_overrides_replace_one_field():
    b = budget("ci", steps=99)
    assert b.steps == 99 and b.batch == BUDGETS["ci"].batch


def test_unknown_budget_names_variable_and_choices(monkeypatch):
    monkeypatch.setenv("GCDG_BUDGET", "huge")
    with pytest.raises(ConfigError, match=r"GCDG_BUDGET='huge'.*ci, book, full"):
        budget()
