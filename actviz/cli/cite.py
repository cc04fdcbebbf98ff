"""``actviz cite``: the BibTeX records of where activation functions were defined."""
from __future__ import annotations

import click

from actviz.cli.options import define_option


@click.command()
@click.argument("activations", nargs=-1, metavar="NAME...")
@click.option("--all", "all_", is_flag=True, help="Cite every built-in function.")
@click.option("-o", "--output", type=click.Path(), default=None, help="Write a .bib file instead of printing.")
@define_option
def cite(activations, all_, output) -> None:
    """Print BibTeX for the sources of activation functions: the paper (or framework) that
    defined each, first, then the others its entry names. Each record appears once.

    NAME is a catalogue name, an alias or a framework's spelling (jax.gelu, hf.gelu_new).

    \b
    Examples:
      actviz cite gelu swiglu
      actviz cite hf.quick_gelu keras.sparse_plus -o refs.bib
      actviz cite --all -o catalogue.bib
    """
    from actviz import api
    from actviz.atomic import check_output, echo, write_text
    from actviz.context import validated

    if output:
        check_output(output)
    text = api.citations(activations, all_=all_)
    validated()
    if output:
        write_text(output, text)
    else:
        echo(text)
