"""Evaluate the name matcher against a labelled TSV of name pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

REQUIRED_COLUMNS = ("name_a", "name_b", "label")


def read_pairs_tsv(path) -> list:
    """Read and validate a UTF-8 TSV with columns name_a, name_b, label (0/1).

    Raises ValueError with a German message suitable for the management command.
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"Die Datei {path} ist nicht UTF-8-kodiert (ungültiges Byte an Position {exc.start}). "
            "Bitte als UTF-8 speichern."
        ) from exc
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ValueError(f"Die Datei {path} ist leer oder hat keine Kopfzeile.")
    header = [h.strip() for h in lines[0].split("\t")]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValueError(
            "In der Kopfzeile fehlen die Spalten: "
            + ", ".join(missing)
            + f" (erwartet: {', '.join(REQUIRED_COLUMNS)}, durch Tabulator getrennt)."
        )
    idx = {c: header.index(c) for c in REQUIRED_COLUMNS}
    rows = []
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) < len(header):
            raise ValueError(
                f"Zeile {lineno}: zu wenige Spalten ({len(cells)} statt {len(header)}); "
                "Spalten müssen durch Tabulatoren getrennt sein."
            )
        name_a = cells[idx["name_a"]].strip()
        name_b = cells[idx["name_b"]].strip()
        label = cells[idx["label"]].strip()
        if not name_a or not name_b:
            raise ValueError(f"Zeile {lineno}: leerer Name (name_a und name_b dürfen nicht leer sein).")
        if label not in ("0", "1"):
            raise ValueError(f"Zeile {lineno}: ungültiges Label „{label}“ – erlaubt sind nur 0 oder 1.")
        rows.append((name_a, name_b, int(label)))
    if not rows:
        raise ValueError(f"Die Datei {path} enthält keine Namenspaare.")
    return rows


def evaluate_pairs(rows: Iterable, matcher: Callable[[str, str], bool] | None = None) -> dict:
    """Confusion counts and precision/recall/F1 of `matcher` (default: names_match)."""
    if matcher is None:
        from .matching import names_match as matcher
    tp = fp = fn = tn = 0
    for name_a, name_b, label in rows:
        predicted = bool(matcher(name_a, name_b))
        if predicted and label:
            tp += 1
        elif predicted:
            fp += 1
        elif label:
            fn += 1
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "pairs": tp + fp + fn + tn,
    }
