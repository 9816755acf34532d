"""Rows read and written with fixed SQL built once from the models' own metadata, for the
customer's reply path (`chat.services.conversations`), which runs on every message: there
the ORM spent more CPU compiling its queries than the database spent answering them.
Values go through the fields' own conversions both ways (`get_db_prep_save`, the read
converters), as the ORM's would; identifiers come only from model metadata and every value
is a bound parameter. No signals are sent (the chat models have no receivers)."""

from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model


@cache
def columns_of(*, model: type[Model], alias: str) -> tuple[str, list[str]]:
    """`alias."column", ...` for every concrete field of `model`, and their attribute names
    in the same order (for `Model.from_db`)."""
    fields = model._meta.concrete_fields
    return ", ".join(f'{alias}."{f.column}"' for f in fields), [f.attname for f in fields]


@cache
def _converters(model: type[Model]) -> list[tuple[int, list[Any], Any]]:
    """(position, converters, field) for the fields whose database values need converting
    (as the ORM does when it reads them); none today, but a JSON field added later would."""
    found = []
    for i, f in enumerate(model._meta.concrete_fields):
        column = f.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            found.append((i, converters, column))
    return found


def instance_from_row(*, model: type[Model], values: tuple[Any, ...]) -> Any:
    """A model instance from one row of `columns_of(model=model, ...)`, as the ORM would build it."""
    row = list(values)
    for i, converters, column in _converters(model):
        for converter in converters:
            row[i] = converter(row[i], column, connection)
    return model.from_db(connection.alias, columns_of(model=model, alias="")[1], row)


def row_update(*, instance: Model, fields: tuple[str, ...]) -> None:
    """`instance.save(update_fields=fields)` as one fixed UPDATE."""
    model = type(instance)
    concrete = [model._meta.get_field(name) for name in fields]
    values = [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in concrete]  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(model, fields), [*values, instance.pk])


@cache
def _update_sql(model: type[Model], fields: tuple[str, ...]) -> str:
    sets = ", ".join(f'"{model._meta.get_field(name).column}" = %s' for name in fields)  # type: ignore[union-attr]
    return f'UPDATE {model._meta.db_table} SET {sets} WHERE "{model._meta.pk.column}" = %s'  # noqa: S608


def rows_insert(*, instances: list[Model]) -> None:
    """`bulk_create(instances)` for unsaved instances of one model, as one INSERT that
    returns the new primary keys (fields' `pre_save` runs, so `auto_now_add` is set)."""
    model = type(instances[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    values: list[Any] = []
    for instance in instances:
        values += [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, len(instances)), values)
        keys = [row[0] for row in cursor.fetchall()]
    for instance, key in zip(instances, keys, strict=True):
        instance.pk = key
        instance._state.adding = False
        instance._state.db = connection.alias


@cache
def _insert_sql(model: type[Model], n: int) -> str:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return (
        f"INSERT INTO {model._meta.db_table} ({columns}) VALUES {', '.join([row] * n)} "  # noqa: S608
        f'RETURNING "{model._meta.pk.column}"'
    )
