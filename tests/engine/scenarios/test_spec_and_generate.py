"""Population specs are checked like rule files; the generator is seeded, calibrated to the
spec's cited figures, and written to Parquet without losing a value."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from kit import FACTS
from scenario_kit import CANADA, canada, small, written

from engine.errors import InputError, RuleSchemaError
from engine.scenarios import PopulationFile, load_spec


def test_the_canada_spec_cites_every_figure() -> None:
    spec = canada()
    cited = [spec.total_population, spec.jurisdictions.provinces, spec.household_types,
             spec.children, spec.age_distribution, spec.retirement_income,
             *spec.employment_income.values(), spec.groups.disability]  # fmt: skip
    assert all(c.reference.url.startswith("https://") for c in cited)
    assert all(c.note for c in cited if c.status == "unverified")


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = CANADA.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("ON: 0.38451", "ON: 3.8451", "less than or equal to 1"),
        ("ON: 0.38451", "ON: 0.28451", "shares sum to 0.9"),
        ("ON: 0.38451", "OT: 0.38451", "unknown province 'OT'"),
        ("toronto: 0.1965", "torono: 0.1965", "unknown municipality 'torono'"),
        ("seed: 20261130", "seed: 20261130\nsede: 1", "did you mean 'seed'"),
        ('band: "21-41"', 'band: "41-21"', "need 0 <= lo <= hi"),
    ],
)
def test_a_broken_spec_names_its_line_and_reason(
    tmp_path: Path, old: str, new: str, words: str
) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(RuleSchemaError) as caught:
        load_spec(path, FACTS)
    last = new.splitlines()[-1]
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if last in text)
    assert caught.value.line == line
    assert words in caught.value.reason


def test_the_same_seed_gives_the_same_population_and_another_seed_another() -> None:
    a, b, c = small(2_000), small(2_000), small(2_000, seed=7)
    assert np.array_equal(a.household_of, b.household_of)
    for name, values in a.person.items():
        assert np.array_equal(values, b.person[name], equal_nan=True), name
    assert not np.array_equal(a.person["date_of_birth"][:500], c.person["date_of_birth"][:500])


def test_weights_scale_the_sample_to_the_real_population() -> None:
    population = small(5_000)
    weighted = int(population.weight[population.household_of].sum())
    assert population.weight.dtype == np.int64
    assert abs(weighted - canada().total_population_value) / weighted < 0.01


def test_ages_and_provinces_match_the_spec() -> None:
    spec, population = canada(), small(60_000)
    w = population.weight[population.household_of].astype(float)
    bands = population.groups["age_band"]
    for band, share in spec.age_distribution.shares.items():
        assert abs(w[bands == band].sum() / w.sum() - share) < 0.03, band
    province = population.household["province"]
    hw = population.weight.astype(float)
    for code, share in spec.jurisdictions.provinces.shares.items():
        got = hw[province == FACTS["province"].code(code)].sum() / hw.sum()
        assert abs(got - share) < 0.01, code


def test_a_population_survives_parquet_value_for_value(tmp_path: Path) -> None:
    population = written(tmp_path / "pop.parquet", size=2_000, per_group=300)
    file = PopulationFile(tmp_path / "pop.parquet", FACTS)
    parts = list(file)
    assert file.row_groups == len(parts) == -(-population.n_households // 300)
    back = [population.slice(s, s + 300) for s in range(0, population.n_households, 300)]
    for got, want in zip(parts, back, strict=True):
        assert np.array_equal(got.household_of, want.household_of)
        assert np.array_equal(got.role, want.role)
        assert np.array_equal(got.weight, want.weight)
        for name, values in want.person.items():
            assert np.array_equal(got.person[name], values, equal_nan=True), name
        for name, values in want.household.items():
            assert np.array_equal(got.household[name], values, equal_nan=True), name
        for name, by_year in want.yearly.items():
            for year, values in by_year.items():
                if not np.isnan(values).all():
                    assert np.array_equal(got.yearly[name][year], values, equal_nan=True)
        for name, values in want.groups.items():
            assert (got.groups[name] == values).all(), name


def _rewrite(source: Path, target: Path, change: object) -> Path:
    import pyarrow.parquet as pq

    table = pq.read_table(source)
    changed = change(table)  # type: ignore[operator]
    pq.write_table(changed.replace_schema_metadata(table.schema.metadata), target)
    return target


@pytest.mark.parametrize(
    ("change", "column", "words"),
    [
        (lambda t: t.drop_columns(["weight"]), "weight", "required column missing"),
        (
            lambda t: t.rename_columns(
                [("net_incme@2025" if n == "net_income@2025" else n) for n in t.column_names]
            ),
            "net_incme@2025",
            "did you mean 'net_income'",
        ),
        (
            lambda t: t.rename_columns(
                [("net_income" if n == "net_income@2025" else n) for n in t.column_names]
            ),
            "net_income",
            "'<fact>@<year>'",
        ),
    ],
)
def test_a_bad_population_file_is_refused_naming_the_column(
    tmp_path: Path, change: object, column: str, words: str
) -> None:
    written(tmp_path / "pop.parquet", size=500)
    bad = _rewrite(tmp_path / "pop.parquet", tmp_path / "bad.parquet", change)
    with pytest.raises(InputError) as caught:
        PopulationFile(bad, FACTS)
    assert caught.value.path == column
    assert words in caught.value.reason


def test_an_unknown_enum_value_is_refused_when_read(tmp_path: Path) -> None:
    import pyarrow as pa

    written(tmp_path / "pop.parquet", size=500)

    def misspell(table: pa.Table) -> pa.Table:
        values = ["Ontaryo" if v == "ON" else v for v in table["province"].to_pylist()]
        index = table.column_names.index("province")
        return table.set_column(index, "province", pa.array(values))

    bad = _rewrite(tmp_path / "pop.parquet", tmp_path / "bad.parquet", misspell)
    with pytest.raises(InputError) as caught:
        PopulationFile(bad, FACTS).read(0)
    assert caught.value.path == "province"
    assert "unknown value 'Ontaryo'" in caught.value.reason


def test_a_drawn_population_puts_every_household_outside_the_cities_in_its_provinces_rest() -> None:
    population = small(4_000, seed=7)
    fact = FACTS["municipality"]
    place = population.household["municipality"]
    province = population.household["province"]
    assert not np.isnan(place[~np.isnan(province)]).any()
    codes = {fact.codes[v]: v for v in fact.values}
    for where, city in zip(province.tolist(), place.tolist(), strict=True):
        name = FACTS["province"].value_of(where)
        assert fact.value_provinces[codes[int(city)]] == name
    rest = {fact.codes[v] for v in FACTS["municipality"].rest_of_province.values()}
    assert (
        0.3 < np.isin(place, list(rest)).mean() < 0.9
    )  # most Canadians live outside the 20 cities
