"""Populations as Parquet: one row per person, one row group per chunk of whole households.

Columns: ``household`` (int64, non-decreasing), ``role``, ``weight`` (the household's integer
weight on each of its rows), then the facts by name, enums as their values (strings), dates as
dates, yes/no as booleans, yearly incomes as ``<fact>@<year>``, household facts repeated on each
member's row, and the disparity groups as ``group:<name>``. A fact left out, or null, is unknown.
A file is checked before any work starts: missing or unknown columns, wrong types and unknown
enum values are refused with the column named.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from engine.catalog.facts import ROLE_CODES, FactRegistry, Kind
from engine.errors import InputError
from engine.evaluation.population import Population, unknown_column
from engine.kleene import Array

__all__ = ["PopulationFile", "write_population"]

REQUIRED = ("household", "role", "weight", "province", "date_of_birth")
_GROUP = "group:"
_META_AS_OF = b"lifeevents.as_of"


def _column_type(facts: FactRegistry, name: str) -> pa.DataType:
    kind = facts[name].kind
    if kind == Kind.ENUM:
        return pa.dictionary(pa.int32(), pa.string())
    if kind == Kind.DATE:
        return pa.date32()
    if kind == Kind.BOOL:
        return pa.bool_()
    return pa.float64()


def _to_arrow(facts: FactRegistry, name: str, values: Array) -> pa.Array:
    known = ~np.isnan(values)
    kind = facts[name].kind
    if kind == Kind.ENUM:
        fact = facts[name]
        codes = [fact.code(v) for v in fact.values]
        return _coded(np.where(known, values, codes[0]), codes, list(fact.values), ~known)
    if kind == Kind.DATE:
        return pa.array(np.where(known, values, 0).astype("int32"), type=pa.date32(), mask=~known)
    if kind == Kind.BOOL:
        return pa.array(values == 1.0, type=pa.bool_(), mask=~known)
    return pa.array(values, type=pa.float64(), mask=~known)


def _dictionary(
    index: npt.NDArray[np.int64], words: list[str], missing: npt.NDArray[np.bool_] | None = None
) -> pa.Array:
    """A dictionary-encoded column from each row's index into ``words`` (``missing``: a mask
    of null rows)."""
    indices = pa.array(index.astype(np.int32), type=pa.int32(), mask=missing)
    return pa.DictionaryArray.from_arrays(indices, pa.array(words, type=pa.string()))


def _coded(
    values: npt.NDArray[Any],
    codes: list[int],
    words: list[str],
    missing: npt.NDArray[np.bool_] | None = None,
) -> pa.Array:
    """Values carried as codes (an enumerated fact, the role) as a dictionary column of the
    codes' words: indices into the words, no string per row."""
    order = np.argsort(codes)
    index = order[np.searchsorted(np.asarray(codes)[order], values)]
    return _dictionary(index, words, missing)


def _labels(values: npt.NDArray[Any]) -> tuple[list[str], npt.NDArray[np.int64]]:
    """A group column's distinct labels and each row's index among them. A column holds a few
    labels: they are looked for in a sample and each row found by binary search (sorting every
    row, as ``np.unique`` does, costs ten times more), then checked; a label the sample missed
    sends the column to ``np.unique``."""
    words = np.unique(values[:: max(1, len(values) // 1000)])
    index = np.minimum(np.searchsorted(words, values), max(len(words) - 1, 0))
    if len(values) and not np.array_equal(words[index], values):
        words, index = np.unique(values, return_inverse=True)
    return [str(w) for w in words], index.reshape(-1).astype(np.int64)


def _known_columns(population: Population) -> list[tuple[str, str, int | None]]:
    """(column, fact, year) of every fact with at least one known value in the population."""
    out: list[tuple[str, str, int | None]] = []
    for name, values in population.household.items():
        if not np.isnan(values).all():
            out.append((name, name, None))
    for name, values in population.person.items():
        if not np.isnan(values).all():
            out.append((name, name, None))
    for name, by_year in population.yearly.items():
        for year, values in sorted(by_year.items()):
            if not np.isnan(values).all():
                out.append((f"{name}@{year}", name, year))
    return out


def _table(
    chunk: Population,
    start: int,
    facts: FactRegistry,
    columns: list[tuple[str, str, int | None]],
) -> pa.Table:
    household_of = chunk.household_of
    out: dict[str, pa.Array] = {
        "household": pa.array(household_of + start),
        "role": _coded(chunk.role, list(ROLE_CODES.values()), list(ROLE_CODES)),
        "weight": pa.array(chunk.weight[household_of]),
    }
    for column, name, year in columns:
        if year is not None:
            values = chunk.yearly[name][year]
        elif name in chunk.household:
            values = chunk.household[name][household_of]
        else:
            values = chunk.person[name]
        out[column] = _to_arrow(facts, name, values)
    for name, values in chunk.groups.items():
        words, index = _labels(values)
        out[_GROUP + name] = _dictionary(index, words)
    return pa.table(out)


#: households per row group: a run reads one at a time (its memory is bounded by it), and each
#: costs a fixed share of work (jurisdiction blocks, a run's per-node overhead) whatever its
#: size (at 10,000 households, half of a scenario run); about 110,000 persons, so a million
#: persons is eight row groups for the workers
HOUSEHOLDS_PER_GROUP = 50_000


def write_population(
    population: Population,
    facts: FactRegistry,
    path: Path,
    *,
    households_per_group: int = HOUSEHOLDS_PER_GROUP,
) -> None:
    """Write a population, ``households_per_group`` households per row group (the unit a run
    reads at a time and a Dask worker is given).

    Raises:
        InputError: the population has no weights (it is not a sample).
    """
    if len(population.weight) != population.n_households:
        raise InputError("weight", "a scenario population needs a weight for each household")
    columns = _known_columns(population)
    writer: pq.ParquetWriter | None = None
    try:
        for start in range(0, population.n_households, households_per_group):
            chunk = population.slice(start, start + households_per_group)
            table = _table(chunk, start, facts, columns)
            if writer is None:
                meta = {_META_AS_OF: population.as_of.isoformat().encode()}
                # dictionary pages for the label columns only: numbers (incomes, dates) have
                # too many values, and trying a dictionary first costs a third of the write
                labels = [f.name for f in table.schema if pa.types.is_dictionary(f.type)]
                writer = pq.ParquetWriter(
                    path, table.schema.with_metadata(meta), use_dictionary=labels
                )
            writer.write_table(table.cast(writer.schema))
    finally:
        if writer is not None:
            writer.close()


def _fact_of(column: str) -> tuple[str, int | None]:
    name, sep, year = column.partition("@")
    if sep and year.isdigit():
        return name, int(year)
    return column, None


def _strings(column: pa.ChunkedArray) -> npt.NDArray[np.str_]:
    """A string column as a NumPy array (nulls as ""), through its dictionary when it has one."""
    data = column.combine_chunks()
    if pa.types.is_dictionary(data.type):
        words = np.asarray([*data.dictionary.to_pylist(), ""], dtype=str)
        index = data.indices.fill_null(len(words) - 1).to_numpy(zero_copy_only=False)
        return np.asarray(words[index])
    return np.asarray(data.fill_null("").to_pylist(), dtype=str)


class PopulationFile:
    """A population on disk, checked on opening, read one row group at a time.

    Raises:
        InputError: the file cannot be read as a population (the column and the reason).
    """

    def __init__(self, path: Path, facts: FactRegistry) -> None:
        self.path = path
        self.facts = facts
        try:
            self._file = pq.ParquetFile(path)
        except (OSError, pa.ArrowException) as exc:
            raise InputError(str(path), f"not a readable Parquet file ({exc})") from None
        schema = self._file.schema_arrow
        raw = (schema.metadata or {}).get(_META_AS_OF)
        if raw is None:
            raise InputError(
                str(path), "no as_of in the file's metadata (write it with lifeevents)"
            )
        self.as_of = dt.date.fromisoformat(raw.decode())
        self._check_columns(schema)
        self._check_groups()

    @property
    def row_groups(self) -> int:
        """How many row groups (chunks of whole households) the file holds."""
        return int(self._file.num_row_groups)

    @property
    def persons(self) -> int:
        """How many persons the file holds."""
        return int(self._file.metadata.num_rows)

    def _check_columns(self, schema: pa.Schema) -> None:
        names = set(schema.names)
        for column in REQUIRED:
            if column not in names:
                raise InputError(column, "required column missing from the population file")
        stated = {f.name for f in self.facts.stated}
        for field in schema:
            column = field.name
            if column in ("household", "role", "weight") or column.startswith(_GROUP):
                continue
            name, year = _fact_of(column)
            if name not in stated or self.facts[name].yearly != (year is not None):
                close = difflib.get_close_matches(name, sorted(stated), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                yearly = " (a yearly fact is '<fact>@<year>')" if name in stated else ""
                raise InputError(column, f"unknown column{yearly}{hint}")
            wanted = _column_type(self.facts, name)
            got = field.type
            if pa.types.is_dictionary(wanted):
                ok = pa.types.is_dictionary(got) or pa.types.is_string(got)
            elif pa.types.is_floating(wanted):
                ok = pa.types.is_floating(got) or pa.types.is_integer(got)
            else:
                ok = got == wanted
            if not ok:
                raise InputError(column, f"type {got} where {wanted} is expected")

    def _check_groups(self) -> None:
        meta = self._file.metadata
        index = self._file.schema_arrow.get_field_index("household")
        last = -1
        for group in range(meta.num_row_groups):
            stats = meta.row_group(group).column(index).statistics
            if stats is None or not stats.has_min_max:
                continue
            if stats.min <= last:
                raise InputError(
                    "household", f"households must be in order, whole in one row group ({group})"
                )
            last = stats.max

    def __iter__(self) -> Iterator[Population]:
        for group in range(self.row_groups):
            yield self.read(group)

    def read(self, group: int) -> Population:
        """One row group as a population (households re-numbered from 0, in file order).

        Raises:
            InputError: a value the rules do not know (column, row and value named).
        """
        table = self._file.read_row_group(group)
        household = np.asarray(table["household"].to_numpy(), dtype=np.int64)
        if len(household) and (np.diff(household) < 0).any():
            raise InputError("household", f"households out of order in row group {group}")
        starts = np.flatnonzero(np.r_[True, household[1:] != household[:-1]])
        household_of = np.cumsum(np.r_[False, household[1:] != household[:-1]]).astype(np.int64)
        roles = self._codes(table, "role", {n: float(c) for n, c in ROLE_CODES.items()})
        weight = np.asarray(table["weight"].to_numpy(), dtype=np.int64)[starts]
        if (weight < 0).any():
            raise InputError("weight", "a weight is a count of households: 0 or more")
        population = Population(
            as_of=self.as_of,
            household_of=household_of,
            role=roles.astype(np.int64),
            n_households=len(starts),
            weight=weight,
        )
        n = len(household)
        columns = set(table.column_names)
        # a fact the file leaves out is unknown everywhere
        unknown, no_household = unknown_column(n), unknown_column(len(starts))
        for fact in self.facts.stated:
            if fact.name == "role":
                continue
            if fact.yearly:
                population.yearly[fact.name] = {
                    int(c.partition("@")[2]): self._values(table, c, fact.name)
                    for c in columns
                    if _fact_of(c)[0] == fact.name
                }
                continue
            values = self._values(table, fact.name, fact.name) if fact.name in columns else None
            if fact.entity == "household":
                population.household[fact.name] = (
                    values[starts] if values is not None else no_household
                )
            else:
                population.person[fact.name] = values if values is not None else unknown
        for column in columns:
            if column.startswith(_GROUP):
                population.groups[column.removeprefix(_GROUP)] = _strings(table[column])
        return population

    def _codes(self, table: pa.Table, column: str, codes: dict[str, float]) -> Array:
        chunked = table[column].combine_chunks()
        if pa.types.is_dictionary(chunked.type):
            words = chunked.dictionary.to_pylist()
            index = chunked.indices.fill_null(0).to_numpy(zero_copy_only=False)
            known = np.asarray(chunked.is_valid())
        else:
            words, index = np.unique(
                chunked.fill_null("").to_numpy(zero_copy_only=False), return_inverse=True
            )
            words = list(words)
            known = np.asarray(chunked.is_valid())
        lookup = np.empty(len(words) + 1)
        for i, word in enumerate(words):
            if word not in codes:
                if word == "" and not known.all():
                    lookup[i] = np.nan
                    continue
                close = difflib.get_close_matches(str(word), sorted(codes), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise InputError(column, f"unknown value {word!r}{hint}")
            lookup[i] = codes[word]
        out = lookup[np.where(known, index, 0)] if len(words) else np.full(len(known), np.nan)
        return np.where(known, out, np.nan)

    def _values(self, table: pa.Table, column: str, name: str) -> Array:
        fact = self.facts[name]
        if fact.kind == Kind.ENUM:
            return self._codes(table, column, {v: float(c) for v, c in fact.codes.items()})
        data = table[column].combine_chunks()
        known = np.asarray(data.is_valid())
        if fact.kind == Kind.DATE:
            days = data.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False)
            return np.where(known, days.astype(float), np.nan)
        if fact.kind == Kind.BOOL:
            flags = data.fill_null(False).to_numpy(zero_copy_only=False)
            return np.where(known, flags.astype(float), np.nan)
        values = data.cast(pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False)
        return np.asarray(values, dtype=float)
