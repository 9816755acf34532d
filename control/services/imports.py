"""Importing applications files (docs/import-format.md): the ONE validation and write path.

The command, the API's bulk upload and the import page all call `applications_import`.

How it works, and why:
- A first pass over the raw bytes computes the SHA-256, refuses binary junk (NUL bytes) and
  non-UTF-8 text with the line it sits on, and counts lines for the progress display.
- The header is checked on its own (delimiter, missing, extra and misspelt columns) so a
  wrong file is refused before any row is read.
- Rows are then read in chunks with pandas (all values as text) and validated with
  vectorised checks; only rows that fail are looked at one by one, to build the messages.
- Valid rows are written inside ONE transaction: on PostgreSQL each chunk is COPYed into a
  temporary table and two INSERT ... ON CONFLICT DO UPDATE statements upsert customers and
  applications at the end; elsewhere (SQLite) each chunk is bulk-upserted. A rejected file
  (all-or-nothing mode) or an interruption rolls the whole transaction back.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from control.ml.schema import (
    APPLICATION_ID_PATTERN,
    COLUMN_SPECS,
    ID_MAX_LENGTH,
    IMPORT_COLUMNS,
    MAX_AGE_ON_AUGUST_1,
    MIN_AGE_ON_AUGUST_1,
    NATIONAL_ID_LENGTH,
    ColumnSpec,
    ages_on_august_1,
    national_id_mask,
    national_ids_check,
)
from control.models import Application, Customer, ImportRun
from lanekassen_ai.csv_cells import CsvSafeWriter
from lanekassen_ai.services.audit import AuditContext, audit_record

logger = logging.getLogger(__name__)

CHUNK_ROWS = 50_000
MAX_STORED_ERRORS = 200  # on ImportRun.errors, for the page; the rejects file has them all
MAX_MESSAGE_ERRORS = 1000  # kept in memory for the caller


# --- the format ------------------------------------------------------------------------


# The format is defined once, in control.ml.schema; this module only enforces it.
COLUMN_RULES: dict[str, ColumnSpec] = COLUMN_SPECS
CUSTOMER_COLUMNS = ["customer_id", "national_id", "birth_date", "gender", "birth_country_group"]
APPLICATION_COLUMNS = [c for c in IMPORT_COLUMNS if c not in CUSTOMER_COLUMNS or c == "customer_id"]
# Upper bounds the database columns impose where the format names none: a bigger number
# is a data error reported on its line, not an overflow crash at write time.
BIGINT_MAX = 9_223_372_036_854_775_807
_MAXIMA: dict[str, float] = {"grant_amount": 2_147_483_647, "loan_amount": 2_147_483_647}

_INT_RE = r"-?\d{1,18}"
_FLOAT_RE = r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d{1,3})?"


# --- results and errors ------------------------------------------------------------------

# Messages travel to pages, the API, logs and ImportRun.errors, and a modeller may read
# them: a national id is shown by its birth-date part only. The line number finds the row.
MASKED_COLUMNS = frozenset({"national_id"})


@dataclass(frozen=True)
class RowError:
    """One reason one row was rejected. `line` is the file's line number (header = 1)."""

    line: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "value": self.value, "reason": self.reason}

    def __str__(self) -> str:
        where = _("linje %(line)s") % {"line": self.line} if self.line else _("fila")
        column = f", {self.column}" if self.column else ""
        value = f" = {self.value!r}" if self.column else ""
        return f"{where}{column}{value}: {self.reason}"


class ImportRefused(Exception):
    """The file was refused: nothing was written. `errors` says where and why."""

    def __init__(self, message: str, *, errors: list[RowError] | None = None, run: ImportRun | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.run = run

    def __str__(self) -> str:
        lines = [self.message, *[f"  {e}" for e in self.errors[:50]]]
        if len(self.errors) > 50:
            lines.append(
                "  "
                + ngettext("… og %(n)s feil til", "… og %(n)s feil til", len(self.errors) - 50)
                % {"n": len(self.errors) - 50}
            )
        return "\n".join(lines)


@dataclass
class ImportResult:
    """What an import did."""

    run: ImportRun
    rows_total: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    errors: list[RowError] = field(default_factory=list)


ProgressCallback = Callable[[int, int], None]  # (lines done, lines total)


# --- the service ---------------------------------------------------------------------------


def applications_import(
    *,
    source: IO[bytes],
    file_name: str,
    skip_invalid: bool = False,
    rejects: IO[str] | None = None,
    context: AuditContext,
    language: str | None = None,
    progress: ProgressCallback | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportResult:
    """Validate and import an applications file; all-or-nothing unless `skip_invalid`.

    `source` is a seekable binary stream. With `skip_invalid`, rejected rows are written
    with their line numbers and reasons to `rejects` (CSV) and the valid rows imported.
    Messages are in `language` (default: the active language, bokmål by default).
    Raises ImportRefused (nothing written) when the file or, in all-or-nothing mode, any
    row is invalid. Records an ImportRun either way and audits the outcome.
    """
    with translation.override(language or translation.get_language() or "nb"):
        actor: Any = context.actor
        run = ImportRun.objects.create(
            file_name=file_name[:255],
            skip_invalid=skip_invalid,
            started_by=actor if actor is not None and actor.is_authenticated else None,
        )
        try:
            return _import(
                run=run,
                source=source,
                skip_invalid=skip_invalid,
                rejects=rejects,
                context=context,
                progress=progress,
                chunk_rows=chunk_rows,
            )
        except ImportRefused as refused:
            refused.run = run
            run.status = ImportRun.Status.REJECTED
            run.errors = [e.as_dict() for e in refused.errors[:MAX_STORED_ERRORS]] or [
                {"line": 0, "column": "", "value": "", "reason": refused.message}
            ]
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "errors", "finished_at", "rows_total", "rows_rejected"])
            audit_record(
                action="control.applications.import_rejected",
                context=context,
                obj=run,
                details={"file": run.file_name, "reason": refused.message, "errors": len(refused.errors)},
            )
            raise
        except BaseException as exc:
            # Interrupted (Ctrl-C) or crashed: the transaction was rolled back; say so.
            run.status = ImportRun.Status.FAILED
            run.errors = [
                {"line": 0, "column": "", "value": "", "reason": str(exc)[:500] or type(exc).__name__}
            ]
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "errors", "finished_at"])
            raise


def _import(
    *,
    run: ImportRun,
    source: IO[bytes],
    skip_invalid: bool,
    rejects: IO[str] | None,
    context: AuditContext,
    progress: ProgressCallback | None,
    chunk_rows: int,
) -> ImportResult:
    sha256, total_lines = _file_scan(source=source)
    run.file_sha256 = sha256
    source.seek(0)
    columns = _header_check(source=source)
    source.seek(0)

    result = ImportResult(run=run)
    state = _FileState()
    rejects_writer = None
    if rejects is not None:
        rejects_writer = CsvSafeWriter(rejects, lineterminator="\n")
        rejects_writer.writerow(["line", *columns, "reasons"])
    writer = _writer_for_database()
    with transaction.atomic():
        writer.begin()
        for chunk, first_line in _chunks(source=source, chunk_rows=chunk_rows):
            valid, errors = _chunk_validate(
                frame=chunk, first_line=first_line, state=state, check_database=not writer.checks_conflicts
            )
            n_rejected = len(chunk) - len(valid)
            result.rows_total += len(chunk)
            result.rows_rejected += n_rejected
            if errors:
                room = MAX_MESSAGE_ERRORS - len(result.errors)
                if room > 0:
                    result.errors.extend(errors[:room])
                if rejects_writer is not None:
                    _rejects_write(writer=rejects_writer, frame=chunk, errors=errors, first_line=first_line)
            # After a bad row in all-or-nothing mode keep reading, to report every bad row,
            # but stop writing: the transaction will be rolled back anyway.
            if (skip_invalid or not result.rows_rejected) and len(valid):
                writer.write(frame=valid, run_id=run.pk, first_line=first_line)
                result.rows_imported += len(valid)
            if progress is not None:
                progress(first_line + len(chunk) - 1, total_lines)
        if writer.checks_conflicts and (skip_invalid or not result.rows_rejected):
            _staged_conflicts_handle(
                writer=writer,
                result=result,
                skip_invalid=skip_invalid,
                rejects=rejects_writer,
                columns=columns,
            )
        run.rows_total = result.rows_total
        run.rows_rejected = result.rows_rejected
        if result.rows_rejected and not skip_invalid:
            raise ImportRefused(
                _(
                    "Fila ble avvist: %(bad)s av %(total)s rader har feil. Ingenting ble importert "
                    "(alt-eller-ingenting); rett feilene eller bruk --skip-invalid."
                )
                % {"bad": result.rows_rejected, "total": result.rows_total},
                errors=result.errors,
            )
        writer.finish()
        run.rows_imported = result.rows_imported
        run.status = ImportRun.Status.SUCCEEDED
        run.errors = [e.as_dict() for e in result.errors[:MAX_STORED_ERRORS]]
        run.finished_at = timezone.now()
        run.save()
        audit_record(
            action="control.applications.import",
            context=context,
            obj=run,
            details={
                "file": run.file_name,
                "sha256": run.file_sha256,
                "rows_total": result.rows_total,
                "rows_imported": result.rows_imported,
                "rows_rejected": result.rows_rejected,
                "skip_invalid": skip_invalid,
            },
        )
    logger.info(
        "import %s: %s rows, %s imported, %s rejected",
        run.file_name,
        result.rows_total,
        result.rows_imported,
        result.rows_rejected,
    )
    return result


# --- file-level checks ------------------------------------------------------------------


def _file_scan(*, source: IO[bytes]) -> tuple[str, int]:
    """SHA-256 and line count; refuse NUL bytes (binary data) and invalid UTF-8."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    ends_with_newline = True
    while block := source.read(1 << 20):
        digest.update(block)
        if b"\x00" in block:
            line = lines + block[: block.index(b"\x00")].count(b"\n") + 1
            raise ImportRefused(
                _("Fila inneholder binære data (NUL-byte på linje %(line)s); det er ikke en CSV-fil.")
                % {"line": line}
            )
        try:
            decoder.decode(block)
        except UnicodeDecodeError as exc:
            line = lines + block[: max(exc.start, 0)].count(b"\n") + 1
            raise ImportRefused(
                _("Fila er ikke gyldig UTF-8 (ugyldig byte på linje %(line)s). Lagre den som UTF-8.")
                % {"line": line}
            ) from None
        lines += block.count(b"\n")
        ends_with_newline = block.endswith(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ImportRefused(_("Fila er ikke gyldig UTF-8 (avkuttet tegn til slutt).")) from None
    if lines == 0 and digest.digest() == hashlib.sha256(b"").digest():
        raise ImportRefused(_("Fila er tom."))
    if not ends_with_newline:
        lines += 1
    return digest.hexdigest(), lines


def _header_check(*, source: IO[bytes]) -> list[str]:
    """The header's column names; refuse a wrong delimiter and missing/extra/misspelt columns."""
    raw = source.readline(1 << 16)
    header = raw.decode("utf-8-sig").rstrip("\r\n")
    columns = next(csv.reader([header]), [])
    if len(columns) <= 1:
        for delimiter, name in ((";", _("semikolon")), ("\t", _("tabulator")), ("|", _("loddrett strek"))):
            if delimiter in header:
                raise ImportRefused(
                    _("Feil skilletegn: overskriftslinjen er delt med %(name)s, men formatet krever komma.")
                    % {"name": name}
                )
    errors: list[RowError] = []
    stripped = [c.strip() for c in columns]
    seen: set[str] = set()
    for name in stripped:
        if name in seen:
            errors.append(RowError(1, name, name, _("kolonnen står to ganger i overskriften")))
        seen.add(name)
    missing = [c for c in IMPORT_COLUMNS if c not in seen]
    extra = [c for c in stripped if c not in COLUMN_RULES]
    for name in extra:
        close = difflib.get_close_matches(name, missing or IMPORT_COLUMNS, n=1, cutoff=0.75)
        reason = (
            _("ukjent kolonne; mente du %(close)s?") % {"close": close[0]}
            if close
            else _("ukjent kolonne; formatet tillater ikke ekstra kolonner")
        )
        errors.append(RowError(1, name, name, reason))
    for name in missing:
        errors.append(RowError(1, name, "", _("påkrevd kolonne mangler i overskriften")))
    if errors:
        raise ImportRefused(
            _("Overskriftslinjen stemmer ikke med importformatet (docs/import-format.md)."), errors=errors
        )
    return stripped


def _chunks(*, source: IO[bytes], chunk_rows: int) -> Iterator[tuple[pd.DataFrame, int]]:
    """The rows as text frames of at most `chunk_rows`, with each chunk's first line number."""
    reader = pd.read_csv(
        source,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        encoding="utf-8-sig",
        chunksize=chunk_rows,
        skip_blank_lines=False,
        engine="c",
        sep=",",
    )
    first_line = 2
    try:
        for chunk in reader:
            chunk.columns = [str(c).strip() for c in chunk.columns]
            chunk = chunk.fillna("").astype(str)
            chunk.index = pd.RangeIndex(len(chunk))
            yield chunk, first_line
            first_line += len(chunk)
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            expected, line, saw = match.groups()
            raise ImportRefused(
                _("Linje %(line)s har %(saw)s felt, men overskriften har %(expected)s.")
                % {"line": line, "saw": saw, "expected": expected},
                errors=[RowError(int(line), "", "", _("feil antall felt"))],
            ) from None
        raise ImportRefused(_("Fila kan ikke leses som CSV: %(error)s") % {"error": exc}) from None


# --- row validation -----------------------------------------------------------------------


@dataclass
class _FileState:
    """What must be remembered across chunks to find duplicates in the whole file."""

    application_ids: set[str] = field(default_factory=set)
    customer_years: set[str] = field(default_factory=set)
    customer_identity: dict[str, str] = field(default_factory=dict)


class _Errors:
    """Collects bad-row masks per column, and turns only the bad rows into messages."""

    def __init__(self, frame: pd.DataFrame, first_line: int):
        self.frame = frame
        self.first_line = first_line
        self.bad = np.zeros(len(frame), dtype=bool)
        self.items: list[RowError] = []

    def add(self, mask: Any, column: str, reason: str | Callable[[str], str]) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        self.bad |= mask
        values = self.frame[column].to_numpy() if column in self.frame.columns else None
        for i in np.flatnonzero(mask):
            value = str(values[i]) if values is not None else ""
            if column in MASKED_COLUMNS:
                value = national_id_mask(national_id=value)
            text = reason(value) if callable(reason) else reason
            self.items.append(RowError(self.first_line + int(i), column, value, text))


def _chunk_validate(
    *, frame: pd.DataFrame, first_line: int, state: _FileState, check_database: bool = True
) -> tuple[pd.DataFrame, list[RowError]]:
    """Check every rule on one chunk. Returns the valid rows and the errors, by line."""
    errors = _Errors(frame, first_line)
    numbers: dict[str, pd.Series] = {}
    for column, rule in COLUMN_RULES.items():
        values = frame[column]
        empty = (values == "").to_numpy()
        if not rule.optional:
            errors.add(empty, column, _("mangler verdi (feltet er påkrevd)"))
        present = ~empty
        if rule.kind == "id":
            pattern = (
                APPLICATION_ID_PATTERN.strip("^$")
                if column == "application_id"
                else rf".{{1,{ID_MAX_LENGTH}}}"
            )
            ok = values.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
            reason = (
                _("må være 1–%(n)s tegn av A–Z, a–z, 0–9, _ og -")
                if column == "application_id"
                else _("må være 1–%(n)s tegn")
            ) % {"n": ID_MAX_LENGTH}
            errors.add(present & ~ok, column, reason)
        elif rule.kind in ("enum", "bool"):
            choices = rule.choices if rule.kind == "enum" else ("0", "1")
            ok = values.isin(choices).to_numpy()
            errors.add(
                present & ~ok,
                column,
                _("ugyldig verdi; tillatt er %(choices)s") % {"choices": ", ".join(choices)},
            )
        elif rule.kind == "municipality":
            ok = values.str.fullmatch(r"\d{4}").fillna(False).to_numpy(dtype=bool)
            errors.add(present & ~ok, column, _("må være et kommunenummer med fire sifre"))
        elif rule.kind == "date":
            ok = values.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).to_numpy(dtype=bool)
            parsed = pd.to_datetime(values.where(ok, None), format="%Y-%m-%d", errors="coerce")
            ok = ok & parsed.notna().to_numpy()
            errors.add(present & ~ok, column, _("må være en gyldig dato på formen ÅÅÅÅ-MM-DD"))
            numbers[column] = parsed
        elif rule.kind in ("int", "float"):
            pattern = _INT_RE if rule.kind == "int" else _FLOAT_RE
            syntax = values.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
            kind_text = _("et heltall") if rule.kind == "int" else _("et tall")
            errors.add(present & ~syntax, column, _("må være %(kind)s") % {"kind": kind_text})
            number = pd.to_numeric(values.where(present & syntax, None), errors="coerce")
            numbers[column] = number
            checked = present & syntax
            arr = number.to_numpy(dtype=float, na_value=np.nan)
            too_low = np.zeros(len(frame), dtype=bool)
            too_high = ~np.isfinite(arr) & checked
            if rule.minimum is not None:
                low = rule.minimum
                too_low = checked & ((arr <= low) if rule.minimum_exclusive else (arr < low))
            high = rule.maximum if rule.maximum is not None else _MAXIMA.get(column, BIGINT_MAX)
            too_high = too_high | (checked & (arr > high))
            if too_low.any() or too_high.any():
                errors.add(too_low | too_high, column, _range_text(rule))
    _national_ids_validate(frame=frame, errors=errors, numbers=numbers)
    _cross_fields_validate(frame=frame, errors=errors, numbers=numbers)
    _duplicates_validate(frame=frame, errors=errors, state=state)
    if check_database:
        _database_conflicts_validate(frame=frame, errors=errors)
    valid = frame.loc[~errors.bad]
    errors.items.sort(key=lambda e: e.line)
    return valid, errors.items


def _range_text(rule: ColumnSpec) -> str:
    low, high = rule.minimum, rule.maximum if rule.maximum is not None else _MAXIMA.get(rule.name)
    if low is not None and high is not None:
        if rule.minimum_exclusive:
            return _("må være større enn %(min)s og høyst %(max)s") % {"min": _num(low), "max": _num(high)}
        return _("må være mellom %(min)s og %(max)s") % {"min": _num(low), "max": _num(high)}
    return _("må være minst %(min)s") % {"min": _num(low or 0)}


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _national_ids_validate(*, frame: pd.DataFrame, errors: _Errors, numbers: dict[str, pd.Series]) -> None:
    """Fødselsnummer / D-number: 11 digits, both mod-11 control digits, a real birth date
    (day + 40 for D-numbers, month + 40 or + 80 for synthetic test numbers) that equals
    birth_date; and the student 15-80 years old on 1 August of the academic year. The rules
    themselves live in control/ml/schema.py (national_ids_check, the age bounds)."""
    values = frame["national_id"]
    present = (values != "").to_numpy()
    shape_ok = values.str.fullmatch(rf"\d{{{NATIONAL_ID_LENGTH}}}").fillna(False).to_numpy(dtype=bool)
    errors.add(present & ~shape_ok, "national_id", _("må være %(n)s sifre") % {"n": NATIONAL_ID_LENGTH})
    rows = np.flatnonzero(present & shape_ok)
    if not len(rows):
        return
    check = national_ids_check(values=values.to_numpy()[rows])
    checksum_ok = check.checksum_ok
    bad_checksum = np.zeros(len(frame), dtype=bool)
    bad_checksum[rows[~checksum_ok]] = True
    errors.add(bad_checksum, "national_id", _("kontrollsifrene stemmer ikke (mod 11)"))
    encoded, date_invalid = check.birth_date, check.date_invalid
    birth = numbers["birth_date"].to_numpy()[rows]
    bad_date = np.zeros(len(frame), dtype=bool)
    bad_date[rows[checksum_ok & date_invalid]] = True
    errors.add(bad_date, "national_id", _("inneholder ingen gyldig fødselsdato"))
    disagree = np.zeros(len(frame), dtype=bool)
    disagree[rows[checksum_ok & ~date_invalid & ~np.isnat(birth) & (encoded != birth)]] = True
    errors.add(disagree, "national_id", _("stemmer ikke med birth_date"))

    # Age on 1 August of the academic year.
    year_col = numbers["academic_year"].to_numpy(dtype=float, na_value=np.nan)
    birth_all = numbers["birth_date"]
    known = birth_all.notna().to_numpy() & np.isfinite(year_col)
    if known.any():
        age = ages_on_august_1(academic_year=year_col, birth=birth_all)
        errors.add(
            known & ((age < MIN_AGE_ON_AUGUST_1) | (age > MAX_AGE_ON_AUGUST_1)),
            "birth_date",
            _("studenten må være %(low)s–%(high)s år 1. august i studieåret")
            % {"low": MIN_AGE_ON_AUGUST_1, "high": MAX_AGE_ON_AUGUST_1},
        )


def _cross_fields_validate(*, frame: pd.DataFrame, errors: _Errors, numbers: dict[str, pd.Series]) -> None:
    """Rules between columns (docs/import-format.md, "Rules between columns")."""
    controlled = (frame["controlled"] == "1").to_numpy()
    not_controlled = (frame["controlled"] == "0").to_numpy()
    reason = frame["control_reason"].to_numpy()
    errors.add(
        controlled & (reason == ""),
        "control_reason",
        _("påkrevd når controlled=1 (hvorfor den ble kontrollert)"),
    )
    errors.add(not_controlled & (reason != ""), "control_reason", _("skal være tom når controlled=0"))
    errors.add(
        (reason == "RANDOM") & (frame["selection_probability"] == "").to_numpy(),
        "selection_probability",
        _("påkrevd når control_reason=RANDOM"),
    )
    errors.add(
        not_controlled & (frame["control_outcome"] != "").to_numpy(),
        "control_outcome",
        _("skal være tom når søknaden ikke er kontrollert (controlled=0)"),
    )
    parent_muni_empty = (frame["parent_municipality"] == "").to_numpy()
    parent_km_empty = (frame["distance_parent_km"] == "").to_numpy()
    errors.add(
        parent_muni_empty & ~parent_km_empty,
        "distance_parent_km",
        _("skal være tom når parent_municipality er tom (ingen forelder i Norge)"),
    )
    errors.add(
        ~parent_muni_empty & parent_km_empty,
        "distance_parent_km",
        _("påkrevd når parent_municipality er fylt ut"),
    )
    previous = numbers["previous_controls"].to_numpy(dtype=float, na_value=np.nan)
    errors.add(
        (frame["previous_control_caught"] == "1").to_numpy() & (previous == 0),
        "previous_control_caught",
        _("kan ikke være 1 når previous_controls=0"),
    )


def _duplicates_validate(*, frame: pd.DataFrame, errors: _Errors, state: _FileState) -> None:
    """application_id once per file; a customer once per year; a customer's national_id and
    birth_date the same in every row. Remembers what it saw for the next chunks."""
    ids = frame["application_id"].to_numpy()
    customers = frame["customer_id"].to_numpy()
    keys = (frame["customer_id"] + "\x1f" + frame["academic_year"]).to_numpy()
    identity = (frame["national_id"] + "|" + frame["birth_date"]).to_numpy()
    dup_id = np.zeros(len(frame), dtype=bool)
    dup_key = np.zeros(len(frame), dtype=bool)
    other_identity = np.zeros(len(frame), dtype=bool)
    seen_ids, seen_keys, known = state.application_ids, state.customer_years, state.customer_identity
    for i in range(len(frame)):
        if ids[i] in seen_ids:
            dup_id[i] = True
        else:
            seen_ids.add(ids[i])
        if keys[i] in seen_keys:
            dup_key[i] = True
        else:
            seen_keys.add(keys[i])
        first = known.setdefault(customers[i], identity[i])
        if first != identity[i]:
            other_identity[i] = True
    errors.add(dup_id, "application_id", _("står flere ganger i fila (må være unik)"))
    errors.add(dup_key, "customer_id", _("kunden har allerede en søknad for dette studieåret i fila"))
    errors.add(
        other_identity,
        "national_id",
        _("kunden har et annet fødselsnummer eller en annen fødselsdato på en tidligere linje"),
    )


def _database_conflicts_validate(*, frame: pd.DataFrame, errors: _Errors) -> None:
    """A customer may have one application per year: refuse a row whose customer already
    has ANOTHER application_id for that year in the database."""
    candidates = frame.loc[~errors.bad, ["application_id", "customer_id", "academic_year"]]
    if candidates.empty or not Application.objects.exists():
        return
    existing: dict[tuple[str, int], str] = {}
    customer_ids = candidates["customer_id"].unique().tolist()
    step = 20_000 if connection.vendor == "postgresql" else 900
    for start in range(0, len(customer_ids), step):
        for customer_id, year, application_id in Application.objects.filter(
            customer_id__in=customer_ids[start : start + step]
        ).values_list("customer_id", "academic_year", "application_id"):
            existing[(customer_id, year)] = application_id
    if not existing:
        return
    conflict = np.zeros(len(frame), dtype=bool)
    for i, app_id, customer_id, year in candidates.itertuples(index=True, name=None):
        other = existing.get((customer_id, int(year)))
        if other is not None and other != app_id:
            conflict[i] = True
    errors.add(conflict, "customer_id", _conflict_reason())


def _conflict_reason() -> str:
    return _("kunden har allerede en annen søknad for dette studieåret i databasen")


def _staged_conflicts_handle(
    *, writer: _Writer, result: ImportResult, skip_invalid: bool, rejects: Any, columns: list[str]
) -> None:
    """The database-side duplicate check, run once over all staged rows (PostgreSQL)."""
    conflicts = writer.conflicts_find()
    if not conflicts:
        return
    errors = [
        RowError(row["line"], "customer_id", row["customer_id"], _conflict_reason()) for row in conflicts
    ]
    room = MAX_MESSAGE_ERRORS - len(result.errors)
    if room > 0:
        result.errors.extend(errors[:room])
    result.rows_rejected += len(conflicts)
    if skip_invalid:
        writer.conflicts_drop(lines=[row["line"] for row in conflicts])
        result.rows_imported -= len(conflicts)
        if rejects is not None:
            for row, error in zip(conflicts, errors, strict=True):
                rejects.writerow([row["line"], *[row[c] for c in columns], f"customer_id: {error.reason}"])


def _rejects_write(*, writer: Any, frame: pd.DataFrame, errors: list[RowError], first_line: int) -> None:
    by_line: dict[int, list[str]] = {}
    for error in errors:
        by_line.setdefault(error.line, []).append(f"{error.column}: {error.reason}")
    columns = list(frame.columns)
    for line, reasons in sorted(by_line.items()):
        row = frame.iloc[line - first_line]
        writer.writerow([line, *[row[c] for c in columns], " | ".join(reasons)])


# --- writing --------------------------------------------------------------------------------


class _Writer:
    # True when the writer finds customer-year conflicts with the database itself, over
    # all staged rows at once, instead of one query per chunk.
    checks_conflicts = False

    def begin(self) -> None: ...

    def conflicts_find(self) -> list[dict[str, Any]]:
        return []

    def conflicts_drop(self, *, lines: list[int]) -> None: ...

    def write(self, *, frame: pd.DataFrame, run_id: int, first_line: int) -> None: ...

    def finish(self) -> None: ...


def _writer_for_database() -> _Writer:
    return _PostgresWriter() if connection.vendor == "postgresql" else _OrmWriter()


def _column(name: str) -> str:
    """The database column of an Application field named like the import column."""
    model_field = Application._meta.get_field("customer" if name == "customer_id" else name)
    assert isinstance(model_field, models.Field)
    return str(model_field.column)


class _PostgresWriter(_Writer):
    """COPY every valid row into a temporary table, then upsert with two statements."""

    STAGE = "control_import_stage"
    checks_conflicts = True

    def conflicts_find(self) -> list[dict[str, Any]]:
        """Staged rows whose customer already has ANOTHER application for that year."""
        if not hasattr(self, "run_id") or not Application.objects.exists():
            return []
        app_table = Application._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.* FROM {self.STAGE} s JOIN {app_table} a "  # noqa: S608 - identifiers only
                f"ON a.customer_id = s.customer_id AND a.academic_year = s.academic_year::integer "
                f"WHERE a.application_id <> s.application_id ORDER BY s.line"
            )
            names = [c.name for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def conflicts_drop(self, *, lines: list[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.STAGE} WHERE line = ANY(%s)", [lines])  # noqa: S608

    def begin(self) -> None:
        definitions = ", ".join(f'"{c}" text' for c in IMPORT_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.STAGE}")
            cursor.execute(f"CREATE TEMP TABLE {self.STAGE} (line integer, {definitions}) ON COMMIT DROP")
        self.begin_transaction_settings()

    def begin_transaction_settings(self) -> None:
        with connection.cursor() as cursor:
            # A crash right after commit may lose this import (it would then be rerun; the
            # database stays consistent), in exchange for not waiting on the flush of a
            # gigabyte of WAL at commit. Applies to this transaction only.
            cursor.execute("SET LOCAL synchronous_commit = off")

    def write(self, *, frame: pd.DataFrame, run_id: int, first_line: int) -> None:
        out = frame[IMPORT_COLUMNS]
        lines = frame.index.to_numpy(dtype="int64") + first_line  # the index is the row's place in its chunk
        table = pa.Table.from_pandas(out, preserve_index=False).add_column(0, "line", pa.array(lines))
        buffer = pa.BufferOutputStream()
        # Arrow's C++ writer: several times faster than DataFrame.to_csv on text columns.
        pa_csv.write_csv(table, buffer, write_options=pa_csv.WriteOptions(include_header=False))
        columns = ", ".join(["line", *[f'"{c}"' for c in IMPORT_COLUMNS]])
        with connection.cursor() as cursor:
            raw: Any = cursor.cursor
            with raw.copy(f"COPY {self.STAGE} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(buffer.getvalue().to_pybytes())
        self.run_id = run_id

    def finish(self) -> None:
        if not hasattr(self, "run_id"):
            return
        customer_table = Customer._meta.db_table
        app_table = Application._meta.db_table
        types = {f.column: f.get_internal_type() for f in Application._meta.concrete_fields}
        customer_select = "customer_id, national_id, birth_date::date, gender, birth_country_group, now()"
        customer_data = ["national_id", "birth_date", "gender", "birth_country_group"]
        app_columns: list[str] = []
        app_select: list[str] = []
        for name in APPLICATION_COLUMNS:
            column = _column(name)
            app_columns.append(column)
            app_select.append(_cast(name, types[column]))
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*app_columns[1:], "import_run_id", "updated_at"])
        # Rows that did not change are left alone: re-importing a file writes nothing twice.
        app_changed = _changed(app_table, app_columns[1:])
        customer_changed = _changed(customer_table, customer_data)
        # Identifiers below come from model metadata and constants, never from the file;
        # values travel as COPY data or parameters.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {customer_table} (customer_id, national_id, birth_date, gender, "  # noqa: S608
                f"birth_country_group, updated_at) "
                f"SELECT DISTINCT ON (customer_id) {customer_select} FROM {self.STAGE} "
                f"ORDER BY customer_id, line DESC "
                f"ON CONFLICT (customer_id) DO UPDATE SET national_id = EXCLUDED.national_id, "
                f"birth_date = EXCLUDED.birth_date, gender = EXCLUDED.gender, "
                f"birth_country_group = EXCLUDED.birth_country_group, updated_at = EXCLUDED.updated_at "
                f"WHERE {customer_changed}"
            )
            cursor.execute(
                f"INSERT INTO {app_table} ({', '.join(app_columns)}, import_run_id, updated_at) "  # noqa: S608
                f"SELECT {', '.join(app_select)}, %s, now() FROM {self.STAGE} "
                f"ON CONFLICT (application_id) DO UPDATE SET {updates} WHERE {app_changed}",
                [self.run_id],
            )


def _changed(table: str, columns: list[str]) -> str:
    existing = ", ".join(f"{table}.{c}" for c in columns)
    incoming = ", ".join(f"EXCLUDED.{c}" for c in columns)
    return f"({existing}) IS DISTINCT FROM ({incoming})"


def _cast(name: str, internal_type: str) -> str:
    # Empty text and NULL both mean "missing" in the stage table.
    column = f"""NULLIF("{name}", '')"""
    if internal_type == "BooleanField":
        return f"""("{name}" = '1')"""
    if internal_type in ("PositiveSmallIntegerField", "SmallIntegerField"):
        return f"{column}::smallint"
    if internal_type == "IntegerField":
        return f"{column}::integer"
    if internal_type == "BigIntegerField":
        return f"{column}::bigint"
    if internal_type == "FloatField":
        return f"{column}::double precision"
    if internal_type == "CharField":
        return f"""coalesce("{name}", '')"""
    return f'"{name}"'


class _OrmWriter(_Writer):
    """Per-chunk bulk upserts through the ORM (SQLite and other databases)."""

    def write(self, *, frame: pd.DataFrame, run_id: int, first_line: int) -> None:
        customers: dict[str, Customer] = {}
        for row in frame[CUSTOMER_COLUMNS].itertuples(index=False):
            customers[row.customer_id] = Customer(
                customer_id=row.customer_id,
                national_id=row.national_id,
                birth_date=date.fromisoformat(row.birth_date),
                gender=row.gender,
                birth_country_group=row.birth_country_group,
            )
        Customer.objects.bulk_create(
            list(customers.values()),
            update_conflicts=True,
            unique_fields=["customer_id"],
            update_fields=["national_id", "birth_date", "gender", "birth_country_group", "updated_at"],
            batch_size=500,
        )
        converters = {
            f.name: _converter(f.get_internal_type())
            for f in Application._meta.concrete_fields
            if f.name in APPLICATION_COLUMNS
        }
        applications = []
        now = timezone.now()
        for record in frame[APPLICATION_COLUMNS].to_dict("records"):
            values = {
                name: converters[name](value) for name, value in record.items() if name != "customer_id"
            }
            applications.append(
                Application(customer_id=record["customer_id"], import_run_id=run_id, updated_at=now, **values)
            )
        update_fields = [c for c in APPLICATION_COLUMNS if c not in ("application_id", "customer_id")]
        Application.objects.bulk_create(
            applications,
            update_conflicts=True,
            unique_fields=["application_id"],
            update_fields=[*update_fields, "customer", "import_run", "updated_at"],
            batch_size=500,
        )


def _converter(internal_type: str) -> Callable[[str], Any]:
    if internal_type == "BooleanField":
        return lambda v: v == "1"
    if "IntegerField" in internal_type:
        return lambda v: int(v) if v != "" else None
    if internal_type == "FloatField":
        return lambda v: float(v) if v != "" else None
    return lambda v: v
