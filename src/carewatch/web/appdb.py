"""Reads and writes of the app DB that requests make all the time, without the ORM's compile.

Django compiles a queryset to SQL each time it runs: for the few small reads on every page
(the signed-in user, the targets, an indicator's commentary) and the audit row of every
child-level view, that compile cost a few hundred microseconds of CPU each, the database's answer
tens (issue 13). Here the SQL is built once from the models (their tables and columns, quoted for
the database in use); each value read is typed by the converters the ORM applies, and each value
written prepared as the ORM prepares it, so a row reads and writes as through the ORM.
"""
from __future__ import annotations

from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections


def rows(model, fields: tuple[str, ...], where: tuple[str, ...] = (), params: tuple = ()) -> list[tuple]:
    """``model``'s ``fields`` (field names) of the rows where each field named in ``where``
    equals its parameter in ``params``."""
    return typed(model, fields, fetch(_select(_vendor(), model, fields, where), params))


def insert(model, values: dict) -> None:
    """One row of ``model``: {field name (a foreign key's attname, ``user_id``): value}. No
    defaults are applied and no signals sent: give every field the table needs."""
    connection = connections[DEFAULT_DB_ALIAS]
    fields = tuple(values)
    params = [model._meta.get_field(name).get_db_prep_save(value, connection) for name, value in values.items()]
    with connection.cursor() as cursor:
        cursor.execute(_insert(connection.vendor, model, fields), params)


def fetch(sql: str, params: tuple | list = ()) -> list[tuple]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def typed(model, fields: tuple[str, ...], found: list[tuple]) -> list[tuple]:
    """Rows whose first values are ``model``'s ``fields``, each typed as the ORM types it (for
    example SQLite's 0/1 as a boolean, its text as an aware datetime); later values as they are."""
    converters = _converters(_vendor(), model, fields)
    if not any(converters):
        return found
    connection = connections[DEFAULT_DB_ALIAS]
    return [tuple(_convert(value, column, connection) for value, column in zip(row, converters)) + row[len(fields):]
            for row in found]


def _vendor() -> str:
    return connections[DEFAULT_DB_ALIAS].vendor


def _convert(value, column, connection):
    for convert, expression in column:
        value = convert(value, expression, connection)
    return value


@cache
def _select(vendor: str, model, fields: tuple[str, ...], where: tuple[str, ...]) -> str:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    meta = model._meta
    sql = f"SELECT {', '.join(quote(meta.get_field(name).column) for name in fields)} FROM {quote(meta.db_table)}"
    if where:
        sql += " WHERE " + " AND ".join(f"{quote(meta.get_field(name).column)} = %s" for name in where)
    return sql


@cache
def _insert(vendor: str, model, fields: tuple[str, ...]) -> str:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"


@cache
def _converters(vendor: str, model, fields: tuple[str, ...]) -> list[list]:
    """Per field, the backend's and the field's converters, as the ORM's compiler collects them
    for a plain column."""
    connection = connections[DEFAULT_DB_ALIAS]
    columns = [model._meta.get_field(name).get_col(model._meta.db_table) for name in fields]
    return [[(convert, col) for convert in connection.ops.get_db_converters(col) + col.get_db_converters(connection)]
            for col in columns]
