"""``actviz cite`` prints BibTeX that parses; ``list --json`` carries the citations; ``list --framework``
lists each framework's own spellings and defaults, and every spelling resolves."""
from __future__ import annotations

import json
import re

import pytest

from actviz import activations as A
from actviz.core import citations

REQUIRED = {"article": {"author", "title", "journal", "year"}, "inproceedings": {"author", "title", "booktitle", "year"},
            "incollection": {"author", "title", "booktitle", "year"}, "misc": {"author", "title", "year"},
            "techreport": {"author", "title", "institution", "year"}, "unpublished": {"author", "title", "note", "year"}}


def parse_bibtex(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """A strict reader of the BibTeX subset actviz writes (and most tools accept): @type{key, name = {value}, ...}
    with balanced braces; anything else between records is an error."""
    records: dict[str, tuple[str, dict[str, str]]] = {}
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i == n:
            return records
        m = re.compile(r"@([a-z]+)\{([A-Za-z0-9_:\-]+),").match(text, i)
        assert m, f"expected a record at {text[i:i + 40]!r}"
        kind, key = m.groups()
        assert key not in records, f"duplicate key {key}"
        i = m.end()
        fields: dict[str, str] = {}
        while True:
            while text[i].isspace():
                i += 1
            if text[i] == "}":
                i += 1
                break
            f = re.compile(r"([a-z]+)\s*=\s*\{").match(text, i)
            assert f, f"expected a field in {key} at {text[i:i + 40]!r}"
            name, depth, j = f.group(1), 1, f.end()
            while depth:
                assert j < n, f"unbalanced braces in {key}.{name}"
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            assert name not in fields, f"{key} has {name} twice"
            fields[name] = text[f.end():j - 1]
            i = j
            while text[i].isspace():
                i += 1
            if text[i] == ",":
                i += 1
        records[key] = (kind, fields)


def check_record(key, kind, fields):
    assert kind in REQUIRED, (key, kind)
    assert REQUIRED[kind] <= set(fields), (key, REQUIRED[kind] - set(fields))
    assert re.fullmatch(r"(19|20)\d\d", fields["year"]), (key, fields["year"])
    if "eprint" in fields:
        assert re.fullmatch(r"\d{4}\.\d{4,5}", fields["eprint"]) and fields.get("archiveprefix") == "arXiv", key
    if "doi" in fields:
        assert re.fullmatch(r"10\.\d{4,9}/\S+", fields["doi"]), key
    if "pages" in fields:
        assert re.fullmatch(r"\d+(--\d+)?", fields["pages"]), key
    for name in fields["author"].split(" and "):  # "Last, First" or a {Corporate Author}
        assert "," in name or (name.startswith("{") and name.endswith("}")) or name == "others", (key, name)


def test_cite_all_is_valid_bibtex(actviz):
    r = actviz("cite", "--all")
    assert r.exit_code == 0, r.stderr
    records = parse_bibtex(r.stdout)
    used = {k for a in A.catalogue() for k in a.cite}
    assert set(records) == used and used <= set(citations.BIB)
    for key, (kind, fields) in records.items():
        check_record(key, kind, fields)


def test_cite_names_each_record_once_defining_source_first(actviz, tmp_path):
    r = actviz("cite", "gelu", "jax.gelu", "hf.quick_gelu", "swiglu")
    assert r.exit_code == 0, r.stderr
    keys = list(parse_bibtex(r.stdout))
    assert keys == ["hendrycks2016gaussian", "radford2021learning", "shazeer2020glu"]
    out = tmp_path / "refs.bib"
    assert actviz("cite", "keras.sparse_plus", "-o", out).exit_code == 0
    assert list(parse_bibtex(out.read_text())) == ["shamir2020smooth", "bradbury2018jax"]


def test_every_entry_has_a_defining_source():
    for act in A.catalogue():
        key = act.cite[0]
        ref = citations.reference(key)
        assert str(citations.year(key)) in ref and ref.split(" (")[0], ref


def test_list_json_carries_citations_and_frameworks(actviz):
    r = actviz("list", "--json")
    data = json.loads(r.stdout)
    assert len(data) >= 90
    for entry in data:
        assert entry["citations"] and entry["citations"][0]["key"] == A.get(entry["name"]).cite[0]
        for c in entry["citations"]:
            (kind, fields), = parse_bibtex(c["bibtex"]).values()
            check_record(c["key"], kind, fields)
        for framework, ships in entry["frameworks"].items():
            for s in ships:
                if s["spec"]:
                    assert A.parse_spec(s["spec"]).act.name == entry["name"]
        props = entry["properties"]
        assert props["continuity"] in ("C-1", "C0", "C1", "C2", "C-inf")
    gelu = next(e for e in data if e["name"] == "gelu_tanh")
    assert {s["name"] for s in gelu["frameworks"]["jax"]} == {"gelu"}


@pytest.mark.parametrize("framework", ["torch", "keras", "jax", "flax", "hf"])
def test_list_framework(actviz, framework):
    r = actviz("list", "--framework", framework)
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(f"{framework.upper()} NAME")
    pairs = A.catalogue and [(a, s) for a in A.catalogue() for s in a.ships if s.framework == framework]
    assert len(lines) == 1 + len(pairs) and pairs
    data = json.loads(actviz("list", "--framework", framework, "--json").stdout)
    assert [d["framework"]["name"] for d in data] == [s.name for _, s in pairs]


# The framework spellings that name another entry when written bare: the variant is reached with the
# framework's prefix (jax.gelu), the bare name keeps the PyTorch / majority meaning.
BARE_MEANS_ANOTHER = {("jax", "gelu"): "gelu", ("flax", "gelu"): "gelu", ("keras", "softplus"): "softplus",
                      ("jax", "softplus"): "softplus", ("flax", "softplus"): "softplus", ("hf", "swish"): "swish",
                      ("keras", "swish"): "swish", ("jax", "swish"): "swish", ("flax", "swish"): "swish"}


def test_every_framework_spelling_resolves():
    for act in A.catalogue():
        for ship in act.ships:
            for spelling in ship.spellings:
                bare = A.get(spelling)
                expected = BARE_MEANS_ANOTHER.get((ship.framework, spelling), act.name)
                if ship.keyword:  # e.g. jax's gelu(approximate=False): the bare spelling is the other variant
                    continue
                assert bare.name == expected, (ship.framework, spelling, bare.name)
                bound = A.parse_spec(f"{ship.framework}.{spelling}")
                assert bound.act is act and bound.params == {**act.defaults(), **dict(ship.params)}


def test_framework_variants_and_their_defaults():
    assert A.parse_spec("jax.gelu").act.name == "gelu_tanh" and A.parse_spec("torch.gelu").act.name == "gelu"
    assert A.parse_spec("keras.gelu").act.name == "gelu" and A.parse_spec("hf.gelu_new").act.name == "gelu_tanh"
    assert A.parse_spec("keras.hard_sigmoid").act.name == "hardsigmoid"
    assert A.get("hard_sigmoid").name == "hardsigmoid" and A.get("hard_sigmoid_keras2").name == "hard_sigmoid_keras"
    assert A.parse_spec("keras.leaky_relu").params == {"negative_slope": 0.2}
    assert A.parse_spec("keras.LeakyReLU").params == {"negative_slope": 0.3}
    assert A.parse_spec("jax.leaky_relu").params == {"negative_slope": 0.01}
    assert A.parse_spec("flax.PReLU").params == {"a": 0.01} and A.parse_spec("keras.PReLU").params == {"a": 0.0}
    assert A.parse_spec("keras.squareplus").params == {"b": 4.0}
    assert A.parse_spec("jax.softplus").act.name == "softplus_smooth"
    assert A.parse_spec("keras.leaky_relu").spec == "leaky_relu:negative_slope=0.2"


def test_docs_list_every_entry_and_variant():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "catalogue.md").read_text()
    for act in A.catalogue():
        assert f"| `{act.name}` |" in text, act.name
    for spec in ("jax.gelu", "keras.hard_sigmoid", "keras.leaky_relu", "keras.LeakyReLU", "flax.PReLU", "jax.softplus"):
        assert f"`{spec}`" in text, spec
