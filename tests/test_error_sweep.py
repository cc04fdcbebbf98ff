"""Every command against a table of hostile and careless requests, by class: the right exit status,
exactly one line on stderr that names the problem, no traceback, and nothing on disk changed unless the
request succeeded.

The classes (:data:`SWEEP`; ``python tests/test_error_sweep.py`` prints the table's size by class):

* bad input: ``BAD_INPUTS[command]``, rows ``(args, status, fragment)``;
* checks before work: ``LATE_CHECKS[command]``, requests that once passed the checks and crashed later
  (non-ASCII digits, values only matplotlib choked on, names no file system takes);
* limits: ``LIMITS[command]``, work beyond a budget, refused up front naming the option to raise,
  plus the scenarios of :data:`LIMIT_CHECKS` (raised budgets, estimates against measured peaks, progress);
* in a spec: every status-2 row of the three tables above that names one output, made an entry of a
  spec after a good entry: ``actviz render`` must refuse it while checking, before drawing anything;
* spec confinement: :data:`ESCAPES`, specs that reach outside their folder or onto their own files;
* all or nothing: :data:`FAULTS`, faults mid-run (full disks, devices, pipes, signals, dead runs);
* interrupted batches: :data:`BATCHES`, signals to ``actviz render`` (slow);
* bytes across CPUs: :data:`CPUS`, one figure under two OpenBLAS kernels (slow).

A command added to ``actviz.cli.COMMANDS`` fails ``test_every_command_is_swept`` until it has rows in
``BAD_INPUTS``; a command that writes a file also gets its status-2 rows checked in a spec for free.
"""
from __future__ import annotations

import errno
import json
import os
import shlex
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import pytest

from actviz import cli

OLD = b"yesterday's good file"
KEPT = ("keep.png", "keep.gif", "keep.csv")

# (arguments, exit status, a fragment of the one line)
BAD_INPUTS: dict[str, list[tuple[str, int, str]]] = {
    "": [
        ("--nope", 2, "No such option '--nope'"),
        ("nosuchcommand", 2, "No such command"),
        ("--max-megapixels 0 plot relu -o x.png", 2, "--max-megapixels"),
        ("--max-megapixels nan plot relu --size 100x100 --dpi 2400 -o x.png", 2, "--max-megapixels"),
        ("--max-animation-mb -1 warp -o x.gif", 2, "--max-animation-mb"),
        ("--max-animation-mb nan warp -o x.gif", 2, "--max-animation-mb"),
        ("--max-animation-mb 100 train relu --steps 10 --frames 10 --size 15x15 -o x.webp", 2, "--max-animation-mb"),
        ("plot relu -o x.png --max-megapixels 5", 2, "No such option"),
    ],
    "list": [
        ("list --family nope", 2, "'nope' is not one of"),
        ("list --json extra", 2, "unexpected extra argument"),
        ("list --bogus", 2, "No such option"),
    ],
    "plot": [
        ("plot relu", 2, "Missing option '-o'"),
        ("plot -o x.png", 2, "no activation"),
        ("plot relu7 -o x.png", 2, "did you mean relu"),
        ("plot nope -o keep.png", 2, "unknown activation 'nope'"),
        ("plot elu:beta=1 -o x.png", 2, "no parameter 'beta'"),
        ("plot elu:alpha=abc -o x.png", 2, "must be a number"),
        ("plot elu:alpha=-1 -o x.png", 2, "out of range"),
        ("plot elu:alpha=1e999 -o x.png", 2, "out of range"),
        ("plot elu:alpha=nan -o x.png", 2, "must be a number"),
        ("plot relu: -o x.png", 2, "no parameters"),
        ("plot relu -o x.bmp", 2, "unsupported extension .bmp"),
        ("plot relu -o x", 2, "unsupported extension (none)"),
        ("plot relu -o x.png --xlim 1", 2, "requires 2 arguments"),
        ("plot relu --xlim a b -o x.png", 2, "'a' is not a valid float"),
        ("plot relu --xlim 3 1 -o x.png", 2, "bad x range"),
        ("plot relu --xlim nan 1 -o x.png", 2, "bad x range"),
        ("plot relu --xlim -inf 1 -o x.png", 2, "bad x range"),
        ("plot relu --xlim -1e308 1e308 -o x.png", 2, "bad x range"),
        ("plot relu --ylim 1 0 -o x.png", 2, "bad --ylim"),
        ("plot relu --ylim nan 1 -o x.png", 2, "bad --ylim"),
        ("plot relu --dylim 0 inf -o x.png", 2, "bad --dylim"),
        ("plot relu --samples 1 -o x.png", 2, "samples must be between"),
        ("plot relu --samples 100000000000 -o x.png", 2, "samples must be between"),
        ("plot relu --size huge -o x.png", 2, "bad size"),
        ("plot relu --size 0x0 -o x.png", 2, "bad size"),
        ("plot relu --dpi 0 -o x.png", 2, "--dpi"),
        ("plot relu --dpi nan -o x.png", 2, "--dpi"),
        ("plot relu --size 100x100 --dpi 2400 -o x.png", 2, "megapixels"),
        ("plot relu --size 0.5x0.5 -o keep.png", 2, "too small for its text and panels; give a larger --size"),
        ("plot --all --size 3x2 -o x.png", 2, "too small for its text and panels"),
        ("plot relu --style nostyle -o x.png", 2, "unknown style 'nostyle'"),
        ("plot relu --layout nope -o x.png", 2, "'nope' is not one of"),
        ("plot relu --family nope -o x.png", 2, "'nope' is not one of"),
        ("plot expr:x** -o x.png", 2, "bad expression"),
        ("plot expr:__import__('os') -o x.png", 2, "bad expression"),
        ("plot relu --define bad -o x.png", 2, "bad --define"),
        ("plot relu --title $x^$ -o x.png", 2, "bad --title '$x^$': the formula between $ signs does not parse"),
        ("plot relu --title 中文 -o x.png", 2, "has no '中' (U+4E2D)"),
        ("plot relu --style paper --title W⁺ -o x.png", 2, "has no '⁺' (U+207A)"),
        ("plot relu --title Ж -o x.pgf", 2, "cannot write --title 'Ж' into PGF"),
        ("plot relu;label=Ж -o x.pgf", 2, "cannot go into a PGF file"),
        ("plot relu;lable=x -o x.png", 2, "bad setting 'lable=x'"),
        ("plot relu;color=blu -o keep.png", 2, "unknown colour 'blu'"),
        ("plot relu;linestyle=wavy -o x.png", 2, "unknown line style 'wavy'"),
        ("plot relu;label=$x^$ -o x.png", 2, "bad label '$x^$'"),
        ("plot relu;label=a;label=b -o x.png", 2, "label is given twice"),
        ("plot relu;label= -o x.png", 2, "empty label"),
        ("plot expr:x*a;a=1;color=0.5;b -o x.png", 2, "bad parameter 'b'"),
        ("plot relu --size 8cmx5 -o x.png", 2, "give the height a unit too"),
        ("plot relu --size 3furlongs -o x.png", 2, "bad size '3furlongs'"),
        ("plot relu --size 12mm -o x.png", 2, "between 0.5 and 100 inches"),
        ("plot --all --size 6.25x3in -o x.png", 2, "too small for its text and panels"),
        ("plot relu -o adir.png", 1, "is a directory"),
        ("plot relu -o keep.csv/x.png", 1, "is a file, not a directory"),
    ],
    "data": [
        ("data", 2, "Missing argument"),
        ("data nope", 2, "unknown activation"),
        ("data relu --samples 0", 2, "samples must be between"),
        ("data relu --x 1,zz", 2, "must be a number"),
        ("data relu --x nan", 2, "must be a number"),
        ("data relu --x 1,,2", 2, "must be a number"),
        ("data relu --xlim 2 1", 2, "bad x range"),
        ("data relu -o x.xyz", 2, "cannot tell the format"),
        ("data relu --format xml", 2, "'xml' is not one of"),
        ("data relu;label=ReLU", 2, "settings after ';'"),
        ("data relu -o adir", 1, "is a directory"),
        ("data nope -o keep.csv", 2, "unknown activation"),
    ],
    "warp": [
        ("warp relu", 2, "nothing to do"),
        ("warp relu --animate", 2, "nothing to do"),
        ("warp relu --animate --metrics", 2, "--animate needs -o"),
        ("warp nope -o x.png", 2, "unknown activation"),
        ("warp softmax -o x.png", 2, "warp cannot use softmax"),
        ("warp crelu -o x.png", 2, "warp cannot use crelu"),
        ("warp maxout -o x.png", 2, "warp cannot use maxout"),
        ("warp relu --n 0 -o x.png", 2, "n must be between"),
        ("warp relu --n a -o x.png", 2, "whole numbers"),
        ("warp relu --n 100000 -o x.png", 2, "n must be between"),
        ("warp relu --points 1 -o x.png", 2, "points"),
        ("warp relu --points 100000000 -o x.png", 2, "points"),
        ("warp relu --turns nan -o x.png", 2, "turns"),
        ("warp relu --scale inf -o x.png", 2, "scale"),
        ("warp relu --bias -1 -o x.png", 2, "bias"),
        ("warp relu --weights nope -o x.png", 2, "'nope' is not one of"),
        ("warp relu --seed -1 -o x.png", 2, "--seed"),
        ("warp relu --frames 1 -o keep.gif", 2, "frames must be between"),
        ("warp relu --frames 100000 -o x.gif", 2, "frames must be between"),
        ("warp relu --animate -o x.png", 2, "--animate writes a .gif, .webp"),
        ("warp relu --format mp4 -o x.gif", 2, "--format mp4 does not match"),
        ("warp relu --fps 10 -o x.gif", 2, "--fps applies to .mp4 and .webm"),
        ("warp relu --fps 10 -o x.png", 2, "--fps and --crf apply to an animation"),
        ("warp relu --crf 99 -o x.mp4", 2, "--crf for H.264 must be"),
        ("warp relu -o x.txt", 2, "unsupported extension .txt"),
        ("warp relu --metrics-format xml", 2, "'xml' is not one of"),
        ("warp relu --size 100x100 --dpi 2400 -o x.png", 2, "megapixels"),
        ("warp relu --frames 400 --size 30x30 --dpi 200 -o x.gif", 2, "--max-animation-mb"),
        ("warp relu -o adir.png", 1, "is a directory"),
        ("warp relu --title $\\frac$ -o x.png", 2, "bad --title"),
        ("warp relu;label=x -o x.png", 2, "settings after ';'"),
        ("warp relu --size 5furlongs -o x.png", 2, "bad size"),
    ],
    "train": [
        ("train relu", 2, "Missing option '-o'"),
        ("train relu -o x.png", 2, "unsupported extension .png"),
        ("train nope -o x.gif", 2, "unknown activation"),
        ("train softmax -o keep.gif", 2, "cannot use softmax"),
        ("train relu --hidden 0 -o x.gif", 2, "hidden layer size"),
        ("train relu --hidden a -o x.gif", 2, "hidden layer size"),
        ("train relu --data nope -o x.gif", 2, "unknown data set"),
        ("train relu --count 0 -o x.gif", 2, "count must be between"),
        ("train relu --noise nan -o x.gif", 2, "noise"),
        ("train relu --classes 3 -o x.gif", 2, "takes 2 classes"),
        ("train relu --steps 0 -o x.gif", 2, "steps must be between"),
        ("train relu --lr nan -o x.gif", 2, "learning rate"),
        ("train relu --lr -1 -o x.gif", 2, "learning rate"),
        ("train relu --weight-decay -1 -o x.gif", 2, "weight decay"),
        ("train relu --batch -1 -o x.gif", 2, "batch size"),
        ("train relu --frames 1 -o x.gif", 2, "frames"),
        ("train relu --frames 5000 --steps 10 -o x.gif", 2, "frames"),
        ("train relu --view nope -o x.gif", 2, "'nope' is not one of"),
        ("train relu --transparent -o x.gif", 2, "--transparent"),
        ("train relu --log x.txt -o x.gif", 2, "unsupported extension .txt"),
        ("train relu --size 40x40 --dpi 300 -o x.gif", 2, "megapixels"),
        ("train expr:x** -o x.gif", 2, "bad expression"),
        ("train relu -o adir.gif", 1, "is a directory"),
        ("train relu --title $x_$ -o x.gif", 2, "bad --title"),
        ("train relu --lr 1e30 --optimizer sgd --steps 30 --frames 2 --count 20 -o keep.gif", 1, "diverged"),
        ("train sigmoid --regions-log r.csv -o x.gif", 2, "--regions-log needs a piecewise-linear activation"),
        ("train expr:max(x,0) --regions-log r.csv -o x.gif", 2, "needs a piecewise-linear activation"),
        ("train relu --regions-log r.txt -o x.gif", 2, "unsupported extension .txt"),
        ("train relu --regions-log adir -o x.gif", 2, "unsupported extension (none)"),
        ("train relu --view layers --data spiral --classes 3 -o x.gif", 2, "needs 2 classes"),
        ("train relu --view layers --hidden 4,4,4 --size 5x3 -o x.gif", 2, "too small"),
        ("train relu -o x.mov", 2, "use one of .gif, .webp, .apng, .mp4, .webm"),
        ("train relu --format mov -o x.gif", 2, "'mov' is not one of"),
        ("train relu --format gif -o x.mp4", 2, "--format gif does not match 'x.mp4'"),
        ("train relu --fps 10 -o x.gif", 2, "--fps applies to .mp4 and .webm"),
        ("train relu --fps 0 -o x.mp4", 2, "--fps must be between"),
        ("train relu --fps nan -o x.webm", 2, "--fps must be between"),
        ("train relu --crf 0 -o x.mp4", 2, "--crf for H.264 must be a whole number from 1 to 51"),
        ("train relu --crf 64 -o x.webm", 2, "--crf for VP9"),
        ("train relu --crf 20 -o x.apng", 2, "--crf applies to .mp4 and .webm"),
        ("train relu --loop 2 -o x.mp4", 2, "--loop applies to GIF, WebP and APNG"),
        ("train relu --loop 2 --format animate -o frames", 2, "0 (loop) or 1"),
        ("train relu --limits nope -o x.gif", 2, "'nope' is not one of"),
        ("train relu --format animate -o x.gif", 2, "writes a folder of frames"),
        ("train relu --format animate -o full", 2, "holds other files"),
        ("train relu --format animate -o bad%name", 2, "TeX's special characters"),
        ("train relu --format animate -o keep.csv", 1, "is a file, not a folder"),
    ],
    "boundary": [
        ("boundary", 2, "Missing option '-o'"),
        ("boundary -o x.gif", 2, "unsupported extension .gif"),
        ("boundary nope@4 -o x.png", 2, "unknown activation"),
        ("boundary relu@ -o x.png", 2, "no layer sizes"),
        ("boundary relu@0 -o x.png", 2, "hidden layer size"),
        ("boundary relu@a -o x.png", 2, "hidden layer size"),
        ("boundary softmax@4 -o x.png", 2, "cannot use softmax"),
        ("boundary relu --ncols 0 -o x.png", 2, "--ncols"),
        ("boundary relu --steps 0 -o x.png", 2, "steps must be between"),
        ("boundary relu --data nope -o keep.png", 2, "unknown data set"),
        ("boundary relu --size 0x1 -o x.png", 2, "bad size"),
        ("boundary relu --dpi 2400 --size 100x100 -o x.png", 2, "megapixels"),
        ("boundary relu@2 relu@3 tanh@4 sigmoid@5 --steps 5 --count 20 --size 0.5x0.5 -o x.png", 2, "too small"),
        ("boundary relu -o adir.png", 1, "is a directory"),
        ("boundary relu --title a\x00b -o x.png", 2, "cannot draw --title"),
        ("boundary relu --lr 1e30 --optimizer sgd --steps 30 --count 20 -o x.png", 1, "diverged"),
        ("boundary relu@4 sigmoid@4 --regions -o keep.png", 2, "--regions needs a piecewise-linear activation, "
                                                               "and sigmoid is not"),
        ("boundary --regions -o x.png", 2, "and sigmoid is not"),
    ],
    "layers": [
        ("layers", 2, "Missing option '-o'"),
        ("layers relu -o x.gif", 2, "for an animation use actviz train --view layers"),
        ("layers relu -o x.txt", 2, "unsupported extension .txt"),
        ("layers nope -o keep.png", 2, "unknown activation 'nope'"),
        ("layers softmax -o x.png", 2, "layers cannot use softmax"),
        ("layers relu --hidden 0 -o x.png", 2, "hidden layer size"),
        ("layers relu --hidden 2,x -o x.png", 2, "hidden layer size"),
        ("layers relu --data spiral --classes 3 -o x.png", 2, "needs 2 classes, not 3"),
        ("layers relu --steps 0 -o x.png", 2, "steps must be between"),
        ("layers relu --size 2x2 -o x.png", 2, "too small"),
        ("layers relu --dpi 2400 --size 100x100 -o x.png", 2, "megapixels"),
        ("layers relu --title $x_$ -o x.png", 2, "bad --title"),
        ("layers relu -o adir.png", 1, "is a directory"),
        ("layers relu --lr 1e30 --optimizer sgd --steps 30 --count 20 -o keep.png", 1, "diverged"),
    ],
    "depth": [
        ("depth relu", 2, "nothing to do"),
        ("depth nope -o keep.png", 2, "unknown activation 'nope'"),
        ("depth softmax -o x.png", 2, "depth cannot use softmax"),
        ("depth relu --train crelu -o x.png", 2, "depth cannot use crelu"),
        ("depth relu --init nope -o x.png", 2, "unknown initialisation 'nope'"),
        ("depth relu --init , -o x.png", 2, "no initialisation given"),
        ("depth relu --init he,,xavier -o x.png", 2, "empty initialisation"),
        ("depth relu --init gain:0 -o x.png", 2, "must be positive"),
        ("depth relu --init gain:abc -o x.png", 2, "must be a number"),
        ("depth soft_exponential:alpha=-0.5 --init gain -o x.png", 2, "cannot compute a gain"),
        ("depth relu --depth 0 -o x.png", 2, "depth must be between"),
        ("depth relu --width 0 -o x.png", 2, "width must be between"),
        ("depth relu --input-dim 0 -o x.png", 2, "input dimension must be"),
        ("depth relu --samples 1 -o x.png", 2, "samples must be between"),
        ("depth relu --input-var 0 -o x.png", 2, "input variance"),
        ("depth relu --input-var nan -o x.png", 2, "input variance"),
        ("depth relu --gain-var -1 -o x.png", 2, "gain variance"),
        ("depth relu --bias-std -1 -o x.png", 2, "bias standard deviation"),
        ("depth relu --inputs cauchy -o x.png", 2, "'cauchy' is not one of"),
        ("depth relu --depth 500 --width 4096 --samples 100000 -o x.png", 2, "too much work"),
        ("depth relu -o x.gif", 2, "unsupported extension .gif"),
        ("depth relu --data x.xml", 2, "unsupported extension .xml"),
        ("depth relu --data keep.csv --depth 0", 2, "depth must be between"),
        ("depth relu --steps 10 -o x.png", 2, "--steps only applies with --train"),
        ("depth relu --train --samples 10 -o x.png", 2, "--samples only applies without --train"),
        ("depth relu --train --seeds 0 -o x.png", 2, "seeds must be between"),
        ("depth relu --train --dataset nope -o x.png", 2, "unknown data set"),
        ("depth relu --train --count 1 -o x.png", 2, "count must be between"),
        ("depth relu --train --lr -1 -o x.png", 2, "learning rate"),
        ("depth relu --train --steps 0 -o x.png", 2, "steps must be between"),
        ("depth relu --train --depth 101 -o x.png", 2, "depth must be between 1 and 100"),
        ("depth relu --train --width 5000 -o x.png", 2, "hidden layer size"),
        ("depth relu --train --seeds 100 --steps 100000 --width 512 -o x.png", 2, "too much work"),
        ("depth relu --size 100x100 --dpi 2400 -o x.png", 2, "megapixels"),
        ("depth relu --size 1x1 -o x.png", 2, "--size"),
        ("depth relu --title $x^$ -o x.png", 2, "bad --title"),
        ("depth relu -o adir.png", 1, "is a directory"),
        ("depth relu --train --phase -o x.png", 2, "give one of them"),
        ("depth relu --phase --seed 3 -o x.png", 2, "--seed does not apply with --phase"),
        ("depth relu --phase --steps 3 -o x.png", 2, "--steps only applies with --train"),
        ("depth relu --sigma-w 1 2 -o x.png", 2, "--sigma-w only applies with --phase"),
        ("depth relu --train --bias-std 1 -o x.png", 2, "--bias-std does not apply with --train"),
        ("depth relu --ncols 2 -o x.png", 2, "--ncols only applies with --train or --phase"),
        ("depth tanh --phase --sigma-w 2 1 -o x.png", 2, "bad --sigma-w"),
        ("depth tanh --phase --sigma-b -1 1 -o keep.png", 2, "bad --sigma-b"),
        ("depth tanh --phase --depth 1 -o x.png", 2, "depth must be between 2"),
        ("depth tanh --phase --init gain --data x.csv --input-var 0", 2, "input variance"),
        ("depth soft_exponential:alpha=-0.5 --phase --init gain -o x.png", 2, "cannot compute a gain"),
        ("depth tanh --phase --bias-std nan -o x.png", 2, "bias standard deviation"),
        ("depth tanh --phase --gain-var 0 -o x.png", 2, "gain variance"),
    ],
    "render": [
        ("render", 2, "Missing argument"),
        ("render missing.toml", 2, "does not exist"),
        ("render notoml.toml", 2, "not valid TOML"),
        ("render nocommand.toml", 2, "missing key 'command'"),
        ("render badargs.toml", 2, "No such option '--xlimit'"),
        ("render adir", 2, "is a directory"),
        ("render nocommand.toml -j 0", 2, "--jobs"),
    ],
}

BAD_INPUTS["loss"] = [
    ("loss -o x.png", 2, "no loss given"),
    ("loss hinge", 2, "Missing option '-o'"),
    ("loss nope -o keep.png", 2, "unknown loss 'nope'"),
    ("loss hinj -o x.png", 2, "did you mean hinge"),
    ("loss hinge mse -o keep.csv", 2, "cannot draw these losses on one axis: hinge is a margin loss"),
    ("loss --kind margin mse -o x.png", 2, "mse is a residual loss"),
    ("loss huber:delta=0 -o x.png", 2, "out of range"),
    ("loss huber:delta=nan -o x.png", 2, "must be a number"),
    ("loss huber:beta=1 -o x.png", 2, "no parameter 'beta'"),
    ("loss huber: -o x.png", 2, "no parameters"),
    ("loss bce:target=2 -o keep.csv", 2, "out of range"),
    ("loss hinge -o x.bmp", 2, "unsupported extension .bmp"),
    ("loss hinge --kind nope -o x.png", 2, "'nope' is not one of"),
    ("loss hinge --xlim 3 1 -o x.png", 2, "bad x range"),
    ("loss hinge --samples 1 -o x.csv", 2, "samples must be between"),
    ("loss hinge --ylim 1 0 -o x.png", 2, "bad --ylim"),
    ("loss hinge --x 1,zz -o x.csv", 2, "must be a number"),
    ("loss hinge --x 1 -o x.png", 2, "--x gives the points of a table"),
    ("loss hinge --layout nope -o x.png", 2, "'nope' is not one of"),
    ("loss hinge --size 100x100 --dpi 2400 -o x.png", 2, "megapixels"),
    ("loss hinge --title $x^$ -o x.png", 2, "bad --title"),
    ("loss hinge -o adir.png", 1, "is a directory"),
]
BAD_INPUTS["optim"] = [
    ("optim", 2, "Missing option '-o'"),
    ("optim nope -o x.png", 2, "unknown optimiser 'nope'"),
    ("optim adam:beta1=1 -o keep.png", 2, "out of range"),
    ("optim adam:nope=1 -o x.png", 2, "no parameter 'nope'"),
    ("optim rmsprop:centered=0.5 -o x.png", 2, "a switch: 0 or 1"),
    ("optim " + "sgd " * 13 + "-o x.png", 2, "at most 12 optimisers"),
    ("optim --surface nope -o x.png", 2, "unknown surface 'nope'"),
    ("optim --surface rosenbrok -o x.png", 2, "did you mean rosenbrock"),
    ("optim --surface expr:x+z -o x.png", 2, "bad expression 'x+z': unknown name 'z'"),
    ("optim --surface expr:__import__('os') -o keep.gif", 2, "bad expression"),
    ("optim --steps 0 -o x.png", 2, "steps must be between"),
    ("optim --lr 0 -o x.png", 2, "learning rate must be a positive"),
    ("optim --lr nan -o x.png", 2, "learning rate must be a positive"),
    ("optim --lr-grid 0.1,x -o x.png", 2, "must be a number"),
    ("optim --lr-grid 0.1,-1 -o x.png", 2, "positive numbers"),
    ("optim --lr-rule best -o x.png", 2, "'best' is not one of"),
    ("optim --noise -1 -o x.png", 2, "--noise"),
    ("optim --seed -1 -o x.png", 2, "--seed"),
    ("optim --start nan 0 -o x.png", 2, "bad --start"),
    ("optim --xlim 2 1 -o x.png", 2, "bad --xlim"),
    ("optim --ylim 0 inf -o x.png", 2, "bad --ylim"),
    ("optim --frames 1 -o x.gif", 2, "frames must be at least 2"),
    ("optim --frames 500 --steps 20 -o x.gif", 2, "cannot take 500 frames"),
    ("optim --frames 5 -o x.png", 2, "--frames is for animations"),
    ("optim --transparent -o x.gif", 2, "--transparent"),
    ("optim -o x.txt", 2, "unsupported extension .txt"),
    ("optim --size 1x1 -o x.png", 2, "--size"),
    ("optim --size 100x100 --dpi 2400 -o x.png", 2, "megapixels"),
    ("optim --frames 400 --steps 1000 --size 30x30 --dpi 200 -o x.gif", 2, "--max-animation-mb"),
    ("optim --title $x_$ -o x.png", 2, "bad --title"),
    ("optim -o adir.gif", 1, "is a directory"),
]
BAD_INPUTS["train"] += [
    ("train relu --optimizer nope -o x.gif", 2, "unknown optimiser 'nope'"),
    ("train relu --optimizer adam:weight_decay=1 -o x.gif", 2, "set weight decay with --weight-decay"),
    ("train relu --optimizer adam:lr=0.1 --lr 0.2 -o x.gif", 2, "the learning rate is given twice"),
]

SPECS = {
    "notoml.toml": "[[figure\n",
    "nocommand.toml": '[[figure]]\ntitle = "t"\noutput = "x.png"\nargs = []\n',
    "badargs.toml": '[[figure]]\ntitle = "t"\ncommand = "plot"\nargs = ["relu", "--xlimit", "1"]\noutput = "x.png"\n',
}

# ---- issue 15: gated functions, citations, framework names
BAD_INPUTS["surface"] = [
    ("surface", 2, "Missing argument"),
    ("surface swiglu", 2, "Missing option '-o'"),
    ("surface relu -o x.png", 2, "surface needs gated functions of two inputs"),
    ("surface swiglu relu -o keep.png", 2, "relu takes one input"),
    ("surface nope -o x.png", 2, "unknown activation"),
    ("surface swiglu -o x.bmp", 2, "unsupported extension .bmp"),
    ("surface swiglu --alim 2 1 -o x.png", 2, "bad --alim"),
    ("surface swiglu --blim nan 1 -o x.png", 2, "bad --blim"),
    ("surface swiglu --samples 1 -o x.png", 2, "samples must be between"),
    ("surface swiglu --samples 100000 -o x.png", 2, "samples must be between"),
    ("surface swiglu --contours -1 -o x.png", 2, "--contours"),
    ("surface swiglu:beta=-1 -o x.png", 2, "out of range"),
    ("surface swiglu --size 100x100 --dpi 2400 -o x.png", 2, "megapixels"),
    ("surface swiglu -o adir.png", 1, "is a directory"),
]
BAD_INPUTS["cite"] = [
    ("cite", 2, "no activation given"),
    ("cite nope", 2, "unknown activation 'nope'"),
    ("cite jax.nope", 2, "JAX has no activation 'nope'"),
    ("cite expr:x*tanh(x)", 2, "has no citation"),
    ("cite gelu -o adir", 1, "is a directory"),
    ("cite nope -o keep.csv", 2, "unknown activation"),
]
BAD_INPUTS["list"] += [("list --framework tf", 2, "'tf' is not one of")]
BAD_INPUTS["data"] += [
    ("data relu --x 0,1e400", 2, "out of range"),
    ("data relu swiglu", 2, "relu takes one input"),
    ("data swiglu --samples 5000", 2, "per axis"),
]
BAD_INPUTS["plot"] += [
    ("plot swiglu -o keep.png", 2, "plot cannot use swiglu: it is a gated function of two inputs"),
    ("plot --family gated -o x.png", 2, "draw them with 'actviz surface"),
    ("plot keras.nope -o x.png", 2, "Keras 3 has no activation 'nope'"),
]
BAD_INPUTS["warp"] += [("warp glu -o x.png", 2, "warp cannot use glu: it is a gated function")]
BAD_INPUTS["train"] += [("train reglu -o x.gif", 2, "train cannot use reglu: it is a gated function")]
BAD_INPUTS["boundary"] += [("boundary swiglu@4 -o x.png", 2, "boundary cannot use swiglu: it is a gated function")]

SECRET = "root:$6$TOPSECRET$hash:19000:0:99999:7:::"
"""The first line of a file no error message may ever show (the sweep's folders hold it as secret.mplstyle)."""

Args = "str | tuple[str, ...]"
"""A row's arguments: a string split on spaces, or a tuple when an argument holds a space or is empty."""

NESTED = "expr:" + "tanh(" * 16 + "x" + ")" * 16
"""Passes the expression checker; mathtext's parser recursed too deep on its formula."""

LONG = "a" * 100_000
"""An output name no file system takes."""

# ---- class: checks before work ---------------------------------------------------------------
# Requests that used to pass every check and then crash (exit 1, "internal error") or fail late.

LATE_CHECKS: dict[str, list[tuple[Args, int, str]]] = {
    "": [
        ("--max-megapixels ٥ plot relu -o x.png", 2, "is not a valid float"),
        ("--max-minutes 1_0 plot relu -o x.png", 2, "is not a valid float"),
    ],
    "list": [
        (("list", "--family", ""), 2, "is not one of"),
    ],
    "plot": [
        ("plot relu --samples ١٠٠ -o x.png", 2, "is not a valid integer"),
        ("plot relu --samples 1_000 -o x.png", 2, "is not a valid integer"),
        ("plot relu --samples ２０ -o x.png", 2, "is not a valid integer"),
        ("plot relu --xlim -١ 1 -o x.png", 2, "is not a valid float"),
        ("plot relu --xlim -1 1_0 -o x.png", 2, "is not a valid float"),
        ("plot relu --dpi ٣٠٠ -o x.png", 2, "is not a valid float"),
        ("plot relu --size ２x２ -o x.png", 2, "bad size"),
        ("plot elu:alpha=² -o x.png", 2, "must be a number"),
        ("plot relu --xlim 1e300 1.7e308 -o x.png", 2, "too large to draw"),
        ("plot expr:x*1e308 -o x.png", 2, "too large to draw"),
        ("plot relu --ylim -1e308 1e308 -o x.png", 2, "bad --ylim"),
        ("plot expr:sqrt(-1-x**2) -o x.png", 2, "no finite value"),
        ("plot expr:exp(1000)*x -o x.png", 2, "no finite value"),
        ("plot expr:log(x) --xlim -3 -1 -o keep.png", 2, "no finite value"),
        (("plot", "p", "--define", "p=x*a; a=1e309", "-o", "x.png"), 2, "out of range"),
        (f"plot {NESTED} --layout grid -o x.png", 2, "nested too deeply"),
        (f"plot {NESTED} --formula legend -o keep.png", 2, "nested too deeply"),
        (f"plot relu -o {LONG}.png", 2, "a name of 100,004 bytes"),
        (("plot", "relu", "-o", "a\x00b.png"), 2, "NUL"),
        (("plot", "relu", "-o", ""), 2, "unsupported extension (none)"),
        ("plot relu --style secret.mplstyle -o x.png", 2, "line 1 names an unknown setting"),
        ("plot relu --style nofile/../secret.mplstyle -o x.png", 2, "unknown style"),
    ],
    "data": [
        (("data", "relu", "--x", ""), 2, "needs at least one number"),
        ("data relu --x 1,²", 2, "must be a number"),
        ("data relu --x 1_0", 2, "must be a number"),
        ("data relu --samples ١٠", 2, "is not a valid integer"),
        ("data relu --xlim ٠ 1", 2, "is not a valid float"),
        (("data", "relu", "-o", "a\x00b.csv"), 2, "NUL"),
        (f"data relu -o {LONG}.csv", 2, "a name of"),
        (("data", "relu", "-o", ""), 2, "empty"),
    ],
    "warp": [
        ("warp relu --n ² -o x.png", 2, "whole numbers"),
        ("warp relu --n ٢,5 -o x.png", 2, "whole numbers"),
        ("warp relu --points ١٠٠ -o x.png", 2, "is not a valid integer"),
        ("warp relu --frames ٤٠ -o x.gif", 2, "is not a valid integer"),
        ("warp relu --seed ٣ -o x.png", 2, "is not a valid integer"),
        ("warp relu --scale ３ -o x.png", 2, "is not a valid float"),
        (f"warp relu -o {LONG}.png", 2, "a name of"),
        ("warp relu --n 2 --style secret.mplstyle -o keep.png", 2, "line 1"),
    ],
    "train": [
        ("train relu --hidden ² -o x.gif", 2, "hidden layer size"),
        ("train relu --count ١٢ -o x.gif", 2, "is not a valid integer"),
        ("train relu --steps 1_000 -o x.gif", 2, "is not a valid integer"),
        ("train relu --seed ٣ -o x.gif", 2, "is not a valid integer"),
        ("train relu --lr ٠.١ -o x.gif", 2, "is not a valid float"),
        ("train relu --frames ٤ -o x.gif", 2, "is not a valid integer"),
        ("train relu --duration ５０ -o x.gif", 2, "is not a valid integer"),
        ("train relu --log gif.csv -o keep.gif", 2, "name the same file"),
        (f"train relu -o {LONG}.gif", 2, "a name of"),
        (("train", "relu", "--log", "a\x00b.csv", "-o", "x.gif"), 2, "NUL"),
    ],
    "boundary": [
        ("boundary relu@² -o x.png", 2, "hidden layer size"),
        ("boundary relu@٤ -o x.png", 2, "hidden layer size"),
        ("boundary relu --ncols ٢ -o x.png", 2, "is not a valid integer"),
        ("boundary relu --count ١٠ -o x.png", 2, "is not a valid integer"),
        ("boundary relu --noise ٠.١ -o keep.png", 2, "is not a valid float"),
        (f"boundary relu -o {LONG}.png", 2, "a name of"),
    ],
    "layers": [
        ("layers relu --count ١٠ -o x.png", 2, "is not a valid integer"),
        ("layers relu --hidden ² -o x.png", 2, "hidden layer size"),
        (f"layers relu -o {LONG}.png", 2, "a name of"),
    ],
    "depth": [
        ("depth relu --depth ٣ -o x.png", 2, "is not a valid integer"),
        ("depth relu --input-var ０.５ -o x.png", 2, "is not a valid float"),
        (("depth", "relu", "--data", "a\x00b.csv"), 2, "NUL"),
        (f"depth relu -o {LONG}.png", 2, "a name of"),
    ],
    "loss": [
        ("loss hinge --samples ٣ -o x.png", 2, "is not a valid integer"),
        ("loss hinge --xlim -١ 1 -o x.png", 2, "is not a valid float"),
        (("loss", "hinge", "--x", "", "-o", "x.csv"), 2, "needs at least one number"),
        (("loss", "hinge", "-o", "a\x00b.png"), 2, "NUL"),
    ],
    "optim": [
        ("optim adam --steps ١٠ -o x.png", 2, "is not a valid integer"),
        ("optim adam --steps 10 --lr-grid 1,² -o x.png", 2, "must be a number"),
        (f"optim adam -o {LONG}.png", 2, "a name of"),
    ],
    "render": [
        ("render -j ٢ nocommand.toml", 2, "is not a valid integer"),
        ("render fifo.toml", 2, "not a regular file"),
    ],
}

# ---- class: limits -----------------------------------------------------------------------------
# Work beyond a budget: refused up front (nothing computed) naming the option that raises the limit.

TWENTY = ("relu sigmoid tanh elu gelu silu softplus mish selu celu relu6 hardtanh softsign tanhshrink "
          "leaky_relu hardsigmoid hardswish logsigmoid softshrink hardshrink")

LIMITS: dict[str, list[tuple[Args, int, str]]] = {
    "": [
        ("--max-memory-mb 50 plot relu -o x.png", 2, "(limit 50 MB)"),
        ("--max-memory-mb 0 plot relu -o x.png", 2, "--max-memory-mb"),
        ("--max-memory-mb nan plot relu -o x.png", 2, "--max-memory-mb"),
        ("--max-minutes 0.001 train relu -o x.gif", 2, "limit 0.001 minutes"),
        ("--max-minutes -1 train relu -o x.gif", 2, "--max-minutes"),
        ("--max-animation-mb 1 train relu -o keep.gif", 2, "--max-animation-mb"),
        ("--max-memory-mb 100 warp relu --n 2 --frames 40 --size 10x10 -o x.gif", 2, "--max-memory-mb"),
    ],
    "plot": [
        ("plot --all --samples 10000000 -o x.png", 2, "--max-memory-mb"),
        ("plot relu tanh sigmoid elu --samples 10000000 -o keep.png", 2, "--max-memory-mb"),
    ],
    "data": [
        (f"data {TWENTY} --samples 10000000", 2, "--max-memory-mb"),
        (f"data {TWENTY} --samples 10000000 -o keep.csv", 2, "--max-memory-mb"),
        ("data relu tanh --samples 10000000 --format json", 2, "--max-memory-mb"),
    ],
    "warp": [
        ("warp --n 10000 --points 1000 --grid --frames 400 -o x.gif", 2, "--max-minutes"),
        ("warp relu --n 2000,5000,10000 --points 1000 --grid --frames 400 -o keep.gif", 2, "--max-minutes"),
    ],
    "train": [
        ("train relu --count 1000000 --hidden 4096 -o x.gif", 2, "--max-memory-mb"),
        ("train relu --steps 10000000 --count 4000 -o x.gif", 2, "--max-minutes"),
        ("train relu --hidden 4096,4096 --frames 200 --steps 1000 -o keep.gif", 2, "--max-memory-mb"),
    ],
    "layers": [
        ("layers relu --hidden 4096,4096,4096,4096,4096,4096,4096,4096 -o x.png", 2, "--max-memory-mb"),
        ("layers relu --hidden 4096,4096,4096 -o x.png", 2, "--max-minutes"),
    ],
    "loss": [
        ("loss --kind margin --samples 10000000 -o x.png", 2, "--max-memory-mb"),
        ("loss --kind margin --samples 10000000 -o keep.csv", 2, "--max-memory-mb"),
    ],
    "boundary": [
        ("boundary relu@4096,4096,4096,4096,4096,4096,4096,4096 -o x.png", 2, "--max-memory-mb"),
        ("boundary relu@4096,4096,4096 -o x.png", 2, "--max-minutes"),
        ("boundary relu@4096 --count 100000 -o keep.png", 2, "--max-memory-mb"),
    ],
}

KNOWN_BUGS: dict[str, str] = {}
"""Rows that still fail, by id, with the reason; strict, so a fix shows up as XPASS: then delete the row from here."""

BAD_INPUTS["warp"].append(("warp relu --size 1x1 -o x.png", 2, "--size"))
BAD_INPUTS["train"].append(("train relu --size 1x1 -o x.gif", 2, "--size"))

CLI_CLASSES = {"bad input": BAD_INPUTS, "checks before work": LATE_CHECKS, "limits": LIMITS}
"""The classes whose rows are command lines run in :func:`workdir`."""


def _argv(args: Args) -> list[str]:
    return args.split() if isinstance(args, str) else list(args)


def _id(args: Args) -> str:
    text = args if isinstance(args, str) else shlex.join(args)
    text = text.replace("\x00", "\\0") or "(nothing)"
    return text if len(text) <= 90 else f"{text[:60]}...({len(text):,} chars)"


CASES = [pytest.param(args, status, fragment, id=f"{cls}: {_id(args)}",
                      marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[_id(args)])] if _id(args) in KNOWN_BUGS else [])
         for cls, table in CLI_CLASSES.items() for rows in table.values() for args, status, fragment in rows]


def _snapshot(folder: Path) -> dict[str, bytes | str | None]:
    """Every entry under ``folder``: a file's bytes, a link's target, None for folders, pipes and the rest."""
    out: dict[str, bytes | str | None] = {}
    for p in sorted(folder.rglob("*")):
        key = str(p.relative_to(folder))
        out[key] = (f"-> {os.readlink(p)}" if p.is_symlink() else p.read_bytes() if p.is_file() else None)
    return out


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A folder with yesterday's outputs, directories where files are expected, some specs, a secret,
    a pipe and a link that makes two names one file."""
    monkeypatch.chdir(tmp_path)
    for name in KEPT:
        (tmp_path / name).write_bytes(OLD)
    for name in ("adir", "adir.png", "adir.gif", "full"):
        (tmp_path / name).mkdir()
    (tmp_path / "full" / "notes.txt").write_bytes(OLD)
    for name, text in SPECS.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "secret.mplstyle").write_text(SECRET + "\n")
    os.mkfifo(tmp_path / "fifo.toml")
    os.symlink("keep.gif", tmp_path / "gif.csv")
    return tmp_path


def assert_one_line_failure(r, status: int, fragment: str) -> None:
    lines = r.stderr.strip().splitlines()
    assert r.exit_code == status, (r.exit_code, r.stderr[:2000])
    assert len(lines) == 1 and lines[0].startswith("actviz: error: "), r.stderr[:2000]
    assert fragment in lines[0], (fragment, lines[0][:2000])
    assert "Traceback" not in r.stderr + r.stdout
    assert "TOPSECRET" not in r.stderr + r.stdout


def test_every_command_is_swept():
    assert set(BAD_INPUTS) - {""} == set(cli.COMMANDS)


@pytest.mark.parametrize("args, status, fragment", CASES)
def test_bad_input(actviz, workdir, args, status, fragment):
    before = _snapshot(workdir)
    r = actviz(*_argv(args))
    assert_one_line_failure(r, status, fragment)
    assert _snapshot(workdir) == before  # nothing created, nothing clobbered, no temporary left


def test_debug_adds_the_traceback(actviz, workdir, monkeypatch):
    plain = actviz("plot", "nope", "-o", "x.png")
    assert plain.exit_code == 2 and "Traceback" not in plain.stderr
    for run in (lambda: actviz("--debug", "plot", "nope", "-o", "x.png"),
                lambda: (monkeypatch.setenv("ACTVIZ_DEBUG", "1"), actviz("plot", "nope", "-o", "x.png"))[1]):
        r = run()
        assert r.exit_code == 2
        assert "Traceback (most recent call last)" in r.stderr and "UserError" in r.stderr
        assert r.stderr.strip().splitlines()[-1] == plain.stderr.strip()


def test_no_arguments_show_the_help(actviz):
    r = actviz()
    assert r.exit_code == 0 and r.stdout.startswith("Usage: actviz") and "Commands:" in r.stdout and not r.stderr


def test_a_full_disk_is_a_run_time_failure_that_keeps_the_old_file(actviz, workdir, monkeypatch):
    """The write fails halfway (ENOSPC): exit 1, one line, yesterday's file intact, no temporary left."""
    from matplotlib.figure import Figure

    def half_then_full(self, fname, **kwargs):
        Path(fname).write_bytes(b"\x89PNG half a fig")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Figure, "savefig", half_then_full)
    before = _snapshot(workdir)
    r = actviz("plot", "relu", "-o", "keep.png")
    assert_one_line_failure(r, 1, "No space left on device")
    assert _snapshot(workdir) == before


def test_an_internal_error_is_one_line_and_status_1(actviz, workdir, monkeypatch):
    """A bug (not the user's fault) still gives one line, pointing at --debug."""
    from actviz import api

    def broken(*args, **kwargs):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(api, "plot_figure", broken)
    r = actviz("plot", "relu", "-o", "x.png")
    assert_one_line_failure(r, 1, "internal error: ZeroDivisionError")
    assert "--debug" in r.stderr and not (workdir / "x.png").exists()


def test_a_multi_line_internal_error_is_still_one_line(actviz, workdir, monkeypatch):
    from actviz import api

    def broken(*args, **kwargs):
        raise ValueError("\nx^\n  ^\nParseSyntaxException: something")

    monkeypatch.setattr(api, "plot_figure", broken)
    r = actviz("plot", "relu", "-o", "x.png")
    assert_one_line_failure(r, 1, "internal error: ValueError: x^ ^ ParseSyntaxException: something")


@pytest.mark.parametrize("args", [("plot", "relu"), ("data", "relu"), ("warp", "relu", "--points", "20"),
                                  ("train", "relu", "--steps", "2", "--frames", "2"), ("loss", "hinge"),
                                  ("optim", "--steps", "5")])
def test_an_unwritable_folder_is_a_run_time_failure(actviz, workdir, monkeypatch, args):
    """Refused before any work, in one line (root may write anywhere, so the check itself is faked)."""
    locked = workdir / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == locked else real_access(p, mode, **kw))
    ext = ".gif" if args[0] == "train" else ".csv" if args[0] == "data" else ".png"
    before = _snapshot(workdir)
    r = actviz(*args, "-o", locked / f"out{ext}")
    assert_one_line_failure(r, 1, "is not writable")
    assert _snapshot(workdir) == before


# ---- class: in a spec --------------------------------------------------------------------------
# Every status-2 row above that names one output becomes the second entry of a spec whose first entry
# is good: render must refuse the spec while checking it, naming the entry, before anything is drawn.

FOUND_WHILE_DRAWING = {
    "plot relu --size 0.5x0.5 -o keep.png": "constrained layout collapses only when the figure is laid out",
    "plot --all --size 3x2 -o x.png": "constrained layout collapses only when the figure is laid out",
    "boundary relu@2 relu@3 tanh@4 sigmoid@5 --steps 5 --count 20 --size 0.5x0.5 -o x.png":
        "constrained layout collapses only when the figure is laid out",
}
"""Rows whose mistake shows only while drawing: a user error (exit 2) on the command line, a failed figure
(exit 1, the others drawn) in a batch. See docs/robustness.md."""

SPEC_FRAGMENTS = {
    "plot relu -o x.png --xlim 1": "Invalid value for '--xlim'",
    "train relu --log gif.csv -o keep.gif": "--log 'gif.csv' is the output of figure 2 (keep.gif)",
    "train relu --format animate -o full": "'full' is a directory",  # a spec's existing outputs must be files
}
"""Rows whose spec twin fails as it should, in other words (the entry's output comes last in a spec)."""

DRAWING_COMMANDS = tuple(c for c in cli.COMMANDS if c not in ("list", "render"))
"""Commands whose rows have a spec twin (render and list write no file a spec could name)."""

GOOD_ENTRY = '[[figure]]\ntitle = "good"\ncommand = "plot"\nargs = ["relu", "--samples", "11"]\noutput = "first.png"\n\n'


def _entry(command: str, args: list[str], output: str, title: str = "t") -> str:
    return (f'[[figure]]\ntitle = "{title}"\ncommand = "{command}"\nargs = {json.dumps(args, ensure_ascii=False)}\n'
            f'output = {json.dumps(output, ensure_ascii=False)}\n\n')


def _spec_rows() -> list:
    rows = []
    for cls, table in CLI_CLASSES.items():
        for command, entries in table.items():
            if command not in DRAWING_COMMANDS:
                continue
            for args, status, fragment in entries:
                argv = _argv(args)
                if status != 2 or argv.count("-o") != 1 or _id(args) in FOUND_WHILE_DRAWING:
                    continue
                at = argv.index("-o")
                if at + 1 >= len(argv) or not argv[at + 1]:
                    continue
                rest = argv[1:at] + argv[at + 2:]
                rows.append(pytest.param(command, rest, argv[at + 1], SPEC_FRAGMENTS.get(_id(args), fragment),
                                         id=f"{cls}: {_id(args)}"))
    return rows


SPEC_ROWS = _spec_rows()


@pytest.mark.parametrize("command, args, output, fragment", SPEC_ROWS)
def test_found_while_checking_the_spec(actviz, workdir, command, args, output, fragment):
    spec = workdir / "spec.toml"
    spec.write_text(GOOD_ENTRY + _entry(command, args, output), encoding="utf-8")
    before = _snapshot(workdir)
    r = actviz("render", spec, "-j", "1")
    assert_one_line_failure(r, 2, fragment)
    assert "figure 2 (" in r.stderr
    assert _snapshot(workdir) == before  # the good entry was not drawn either: nothing is drawn before all are checked


# ---- class: spec confinement -------------------------------------------------------------------
# A spec is a file people download and run: it reads and writes only inside its own folder, never its
# own spec or manifest, never one file twice. Each row: (links to make in the spec's folder, the spec,
# extra render options, status, fragment). "@out" is a folder beside the spec's, holding secret.mplstyle.

SMALL = ["relu", "--samples", "11", "--size", "3x2", "--dpi", "30"]
TRAIN = ["relu", "--count", "20", "--steps", "3", "--frames", "2", "--size", "3.4", "--dpi", "30"]

ESCAPES: list[tuple[str, dict[str, str], str, tuple[str, ...], int, str]] = [
    ("output through a symlinked folder", {"linked": "@out"}, _entry("plot", SMALL, "linked/a.png"), (), 2,
     "'linked/a.png' leads outside the spec's folder"),
    ("output through a symlinked folder, allowed", {"linked": "@out"}, _entry("plot", SMALL, "linked/a.png"),
     ("--allow-outside",), 0, ""),
    ("output a symlink to a file outside", {"a.png": "@out/a.png"}, _entry("plot", SMALL, "a.png"), (), 2,
     "leads outside"),
    ("output a dangling symlink out", {"a.png": "@out/new/a.png"}, _entry("plot", SMALL, "a.png"), (), 2,
     "leads outside"),
    ("output absolute", {}, _entry("plot", SMALL, "/tmp/x.png"), (), 2, "must be a file path relative"),
    ("output up and out", {}, _entry("plot", SMALL, "../x.png"), (), 2, "must be a file path relative"),
    ("output with a NUL", {}, _entry("plot", SMALL, "a\x00b.png"), (), 2, "NUL"),
    ("output name of 100 kB", {}, _entry("plot", SMALL, LONG + ".png"), (), 2, "a name of 100,004 bytes"),
    ("output an existing pipe", {"p.csv": "fifo"}, _entry("data", ["relu"], "p.csv"), (), 2, "not a regular file"),
    ("output an existing folder", {"d.png": "folder"}, _entry("plot", SMALL, "d.png"), (), 2, "is a directory"),
    ("output the spec", {}, _entry("data", ["relu"], "spec.toml"), (), 2, "'spec.toml' is the spec itself"),
    ("output the spec, allowed", {}, _entry("data", ["relu"], "spec.toml"), ("--allow-outside",), 2,
     "is the spec itself"),
    ("output the spec through a symlink", {"s.csv": "spec.toml"}, _entry("data", ["relu"], "s.csv"), (), 2,
     "is the spec itself"),
    ("output the manifest", {}, _entry("data", ["relu"], ".spec.manifest.json"), (), 2, "is the manifest"),
    ("two outputs, one file through a symlinked folder", {"alias": "real", "real": "folder"},
     _entry("plot", SMALL, "real/a.png") + _entry("plot", SMALL, "alias/a.png"), (), 2,
     "'alias/a.png' is the output of figure 1 (real/a.png)"),
    ("two outputs, one file, allowed", {"alias": "real", "real": "folder"},
     _entry("plot", SMALL, "real/a.png") + _entry("plot", SMALL, "alias/a.png"), ("--allow-outside",), 2,
     "is the output of figure 1"),
    ("index readme named like the spec", {}, '[index]\nreadme = "spec.toml"\n\n' + _entry("plot", SMALL, "a.png"), (),
     2, "[index]: key 'readme': 'spec.toml' is the spec itself"),
    ("index html named like the manifest", {}, '[index]\nhtml = ".spec.manifest.json"\n\n' + _entry("plot", SMALL, "a.png"),
     (), 2, "is the spec's manifest"),
    ("index readme through a link out", {"R.md": "@out/R.md"}, '[index]\nreadme = "R.md"\n\n' + _entry("plot", SMALL, "a.png"),
     (), 2, "leads outside"),
    ("index html the output of a figure by a link", {"i.html": "a.png"},
     '[index]\nhtml = "i.html"\n\n' + _entry("plot", SMALL, "a.png"), (), 2, "is the output of figure 1"),
    ("manifest a link out", {".spec.manifest.json": "@out/m.json"}, _entry("plot", SMALL, "a.png"), (), 2,
     "the manifest .spec.manifest.json leads outside"),
    ("--log absolute", {}, _entry("train", [*TRAIN, "--log", "@out/log.csv"], "a.gif"), (), 2,
     "key 'args': --log"),
    ("--log up and out", {}, _entry("train", [*TRAIN, "--log", "../out/log.csv"], "a.gif"), (), 2,
     "is outside the spec's folder"),
    ("--log through a symlinked folder", {"linked": "@out"}, _entry("train", [*TRAIN, "--log", "linked/log.csv"], "a.gif"),
     (), 2, "is outside the spec's folder"),
    ("--log up and out, allowed", {}, _entry("train", [*TRAIN, "--log", "../out/log.csv"], "a.gif"),
     ("--allow-outside",), 0, ""),
    ("--log the output of another figure", {}, _entry("data", ["relu"], "d.csv") + _entry("train", [*TRAIN, "--log", "d.csv"], "a.gif"),
     (), 2, "--log 'd.csv' is the output of figure 1"),
    ("--log the manifest", {"m.json": ".spec.manifest.json"}, _entry("train", [*TRAIN, "--log", "m.json"], "a.gif"),
     (), 2, "is the spec's manifest"),
    ("two --log one file", {}, _entry("train", [*TRAIN, "--log", "l.csv"], "a.gif") + _entry("train", [*TRAIN, "--log", "l.csv"], "b.gif"),
     (), 2, "named by --log of figure 1"),
    ("a style file outside", {}, _entry("plot", [*SMALL, "--style", "@out/secret.mplstyle"], "a.png"), (), 2,
     "style file"),
    ("a style file through a link out", {"s.mplstyle": "@out/secret.mplstyle"},
     _entry("plot", [*SMALL, "--style", "s.mplstyle"], "a.png"), (), 2, "style file s.mplstyle is outside"),
    ("a style file outside, allowed, never echoed", {}, _entry("plot", [*SMALL, "--style", "@out/secret.mplstyle"], "a.png"),
     ("--allow-outside",), 2, "line 1 names an unknown setting"),
    ("a style of 5 MB", {"big.mplstyle": "5MB"}, _entry("plot", [*SMALL, "--style", "big.mplstyle"], "a.png"), (), 2,
     "a style file has at most"),
]


@pytest.fixture
def room(tmp_path, monkeypatch):
    """A spec's folder, and beside it a folder it must not reach (holding a secret)."""
    inside, outside = tmp_path / "spec", tmp_path / "out"
    inside.mkdir()
    outside.mkdir()
    (outside / "secret.mplstyle").write_text(SECRET + "\n")
    monkeypatch.chdir(tmp_path)
    return inside, outside


def _make(folder: Path, links: dict[str, str], outside: Path) -> None:
    for name, target in links.items():
        path = folder / name
        if target == "fifo":
            os.mkfifo(path)
        elif target == "folder":
            path.mkdir()
        elif target == "5MB":
            path.write_bytes(b"# padding\n" * 500_000)
        else:
            os.symlink(target.replace("@out", str(outside)), path)


@pytest.mark.parametrize("links, body, extra, status, fragment", [pytest.param(*row[1:], id=row[0]) for row in ESCAPES])
def test_a_spec_stays_in_its_folder(actviz, room, links, body, extra, status, fragment):
    inside, outside = room
    _make(inside, links, outside)
    spec = inside / "spec.toml"
    spec.write_text(body.replace("@out", str(outside)), encoding="utf-8")
    before_in, before_out = _snapshot(inside), _snapshot(outside)
    r = actviz("render", spec, "-j", "1", *extra)
    assert "TOPSECRET" not in r.stdout + r.stderr
    if status:
        assert_one_line_failure(r, status, fragment)
        assert (_snapshot(inside), _snapshot(outside)) == (before_in, before_out)
    else:  # allowed knowingly: the file lands outside
        assert r.exit_code == 0, r.stderr
        assert set(_snapshot(outside)) > set(before_out)


# ---- class: all or nothing ---------------------------------------------------------------------
# Faults in the middle of a run: a refused or failed run leaves every file as it was (and no temporary),
# devices and pipes are written through and never replaced, modes are kept, dead runs are cleaned up.

FAULTS: dict[str, Callable] = {}


def fault(fn: Callable) -> Callable:
    FAULTS[fn.__name__] = fn
    return fn


def _run(*args, stdout=subprocess.PIPE, cwd=None, timeout=120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "actviz", *map(str, args)], stdout=stdout, stderr=subprocess.PIPE,
                          cwd=cwd, timeout=timeout, **kw)


def _one_line(done: subprocess.CompletedProcess, status: int, fragment: str) -> None:
    err = done.stderr.decode() if isinstance(done.stderr, bytes) else done.stderr
    assert done.returncode == status, err
    assert err.strip().splitlines() == [err.strip()] and err.startswith("actviz: error: ") and fragment in err, err


def _temps(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if ".tmp-" in p.name or ".actviz-new-" in p.name]


SMALL_TRAIN = ["train", "relu", "--count", "20", "--steps", "3", "--frames", "2", "--size", "3.4", "--dpi", "30"]


@fault
def a_log_on_a_full_disk_keeps_yesterdays_animation(actviz, workdir):
    os.symlink("/dev/full", workdir / "full.csv")
    before = _snapshot(workdir)
    r = actviz(*SMALL_TRAIN, "--log", "full.csv", "-o", "keep.gif")
    assert_one_line_failure(r, 1, "cannot write full.csv: No space left on device")
    assert _snapshot(workdir) == before and stat.S_ISCHR(os.stat("/dev/full").st_mode)


@fault
def metrics_on_a_full_stdout_keep_yesterdays_figure(actviz, workdir):
    with open("/dev/full", "w") as full:
        done = _run("warp", "relu", "--n", "2", "--points", "40", "--metrics-format", "json", "--dpi", "30",
                    "-o", "keep.png", stdout=full, cwd=workdir)
    _one_line(done, 1, "cannot write to standard output: No space left on device")
    assert (workdir / "keep.png").read_bytes() == OLD and not _temps(workdir)


@fault
def a_listing_on_a_full_stdout(actviz, workdir):
    for args in (("list",), ("data", "relu"), ("--help",), ("list", "--json")):
        with open("/dev/full", "w") as full:
            _one_line(_run(*args, stdout=full, cwd=workdir), 1, "cannot write to standard output")


@fault
def a_reader_that_goes_away_is_quiet(actviz, workdir, monkeypatch):
    """``actviz list | head -1``: the pipe closes early; a BrokenPipeError (the CLI exits 1 quietly), and
    stdout is pointed at /dev/null so that the flush at exit says nothing either."""
    from actviz.atomic import write_stdout

    read, write = os.pipe()
    os.close(read)
    out = os.fdopen(write, "w")
    monkeypatch.setattr(sys, "stdout", out)
    with pytest.raises(BrokenPipeError):
        write_stdout("x" * 100_000)
    out.flush()  # no error any more: the descriptor now leads to /dev/null
    out.close()


@fault
def a_device_is_written_through_never_replaced(actviz, workdir):
    os.symlink("/dev/null", workdir / "null.png")
    r = actviz("plot", *SMALL, "-o", "null.png")
    assert r.exit_code == 0, r.stderr
    assert os.readlink(workdir / "null.png") == "/dev/null" and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    r = actviz("data", "relu", "--format", "csv", "-o", "/dev/null")
    assert r.exit_code == 0, r.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and not _temps(workdir)


@fault
def a_link_to_stdout_is_written_through(actviz, workdir):
    os.symlink("/proc/self/fd/1", workdir / "out.png")
    done = _run("plot", *SMALL, "-o", "out.png", cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"\x89PNG\r\n\x1a\n")
    assert os.readlink(workdir / "out.png") == "/proc/self/fd/1" and not _temps(workdir)


@fault
def a_pipe_nobody_reads_fails_at_once(actviz, workdir):
    os.mkfifo(workdir / "pipe.csv")
    r = actviz("data", "relu", "--samples", "3", "-o", "pipe.csv")
    assert_one_line_failure(r, 1, "cannot write pipe.csv: no process is reading it")
    assert stat.S_ISFIFO(os.lstat(workdir / "pipe.csv").st_mode)


@fault
def a_pipe_someone_reads_gets_the_bytes(actviz, workdir):
    os.mkfifo(workdir / "pipe.csv")
    got = []
    fd = os.open(workdir / "pipe.csv", os.O_RDONLY | os.O_NONBLOCK)  # a reader is there before the writer
    reader = threading.Thread(target=lambda: got.append(_read_all(fd)))
    reader.start()
    r = actviz("data", "relu", "--samples", "3", "-o", "pipe.csv")
    reader.join(30)
    assert r.exit_code == 0, r.stderr
    assert got and got[0].startswith(b"x,f_relu,df_relu\n") and got[0].endswith(b"5.0,5.0,1.0\n")
    assert stat.S_ISFIFO(os.lstat(workdir / "pipe.csv").st_mode)


def _read_all(fd: int) -> bytes:
    import select

    chunks = []
    deadline = time.monotonic() + 30
    seen_data = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk and seen_data:
            break
        seen_data = seen_data or bool(chunk)
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


@fault
def a_rerender_keeps_the_mode_and_owner(actviz, workdir):
    out = workdir / "m.png"
    assert actviz("plot", *SMALL, "-o", out).exit_code == 0
    os.chmod(out, 0o600)
    if os.geteuid() == 0:
        os.chown(out, 1234, 4321)
    assert actviz("plot", "tanh", "--samples", "11", "-o", out).exit_code == 0
    info = os.stat(out)
    assert stat.S_IMODE(info.st_mode) == 0o600
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (1234, 4321)


@fault
def a_new_file_follows_the_umask(actviz, workdir):
    old = os.umask(0o027)
    try:
        assert actviz("plot", *SMALL, "-o", "u.png").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(workdir / "u.png").st_mode) == 0o640


@fault
def a_symlinked_output_replaces_its_target_and_stays_a_link(actviz, workdir):
    (workdir / "real").mkdir()
    (workdir / "real" / "t.png").write_bytes(OLD)
    os.symlink("real/t.png", workdir / "link.png")
    assert actviz("plot", *SMALL, "-o", "link.png").exit_code == 0
    assert os.readlink(workdir / "link.png") == "real/t.png"
    assert (workdir / "real" / "t.png").read_bytes().startswith(b"\x89PNG")


@fault
def a_failed_rename_puts_back_what_was_renamed(actviz, workdir, monkeypatch):
    """The GIF is renamed into place, then the log's rename fails: the GIF is put back."""
    (workdir / "keep.csv").write_bytes(OLD)
    real = os.replace
    calls = []

    def flaky(src, dst, *a, **kw):
        calls.append(str(dst))
        if str(dst).endswith("keep.csv") and ".tmp-" in str(src):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", flaky)
    before = _snapshot(workdir)
    r = actviz(*SMALL_TRAIN, "--log", "keep.csv", "-o", "keep.gif")
    assert_one_line_failure(r, 1, "cannot write keep.csv: Input/output error")
    assert any(c.endswith("keep.gif") for c in calls)  # the GIF had been renamed into place...
    assert _snapshot(workdir) == before  # ...and was put back


@fault
def a_signal_during_the_commit_puts_back_what_was_renamed(actviz, workdir, monkeypatch):
    from actviz import atomic

    real = os.replace

    def signalled(src, dst, *a, **kw):
        if ".tmp-" in str(src) and not str(src).endswith(".old"):
            os.kill(os.getpid(), signal.SIGTERM)  # held back until the files are in place, then seen
        return real(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", signalled)
    (workdir / "b.txt").write_bytes(OLD)
    with atomic.catch_interrupts():
        with pytest.raises(KeyboardInterrupt):
            with atomic.transaction() as txn:
                txn.path(workdir / "keep.csv").write_bytes(b"new")
                txn.path(workdir / "b.txt").write_bytes(b"new")
                txn.path(workdir / "c.txt").write_bytes(b"new")
    assert (workdir / "keep.csv").read_bytes() == OLD and (workdir / "b.txt").read_bytes() == OLD
    assert not (workdir / "c.txt").exists() and not _temps(workdir)


@fault
def the_images_of_a_pgf_file_commit_with_it(actviz, workdir):
    """PGF's companion PNGs are outputs of the run: all of them or none."""
    args = ["boundary", "relu@3", "tanh@3", "--count", "20", "--steps", "5", "--dpi", "30", "-o", "b.pgf"]
    assert actviz(*args).exit_code == 0
    made = {p.name for p in workdir.glob("b[.-]*")}
    assert made == {"b.pgf", "b-img0.png", "b-img1.png"}
    for name in made:
        (workdir / name).unlink()
    (workdir / "b.pgf").write_bytes(OLD)
    (workdir / "b-img1.png").mkdir()  # the second image cannot be written
    before = _snapshot(workdir)
    r = actviz(*args)
    assert_one_line_failure(r, 1, "b-img1.png: it is a directory")
    assert _snapshot(workdir) == before  # no b-img0.png, b.pgf as it was


@fault
def a_failed_run_removes_the_folders_it_made(actviz, workdir, monkeypatch):
    from matplotlib.figure import Figure

    def full(self, fname, **kwargs):
        Path(fname).write_bytes(b"half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Figure, "savefig", full)
    before = _snapshot(workdir)
    r = actviz("plot", *SMALL, "-o", "new/sub/x.png")
    assert_one_line_failure(r, 1, "No space left on device")
    assert _snapshot(workdir) == before


@fault
def a_legal_name_of_250_characters_renders(actviz, workdir):
    name = "b" * 246 + ".png"
    r = actviz("plot", *SMALL, "-o", name)
    assert r.exit_code == 0, r.stderr
    assert (workdir / name).read_bytes().startswith(b"\x89PNG") and not _temps(workdir)


@fault
def a_stale_temporary_of_a_dead_run_is_removed_and_a_live_ones_kept(actviz, workdir):
    import fcntl

    dead = workdir / ".keep.tmp-4242-0123456789ab.png"
    dead.write_bytes(b"half a figure")
    live = workdir / ".keep.tmp-4343-0123456789ab.png"
    live.write_bytes(b"being written")
    holder = os.open(live, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)  # as its run does while it lives
    try:
        assert actviz("plot", *SMALL, "-o", "keep.png").exit_code == 0
        assert not dead.exists() and live.exists()
    finally:
        os.close(holder)
    assert actviz("plot", *SMALL, "-o", "keep.png").exit_code == 0
    assert not live.exists()  # its run is gone now


@fault
def temporary_names_are_unique_within_one_process(actviz, workdir):
    from actviz import atomic

    with atomic.transaction() as a, atomic.transaction(separate=True) as b:
        ta, tb = a.path(workdir / "same.png"), b.path(workdir / "same.png")
        assert ta != tb and ta.parent == tb.parent == workdir and str(os.getpid()) in ta.name
        ta.write_bytes(b"a")
        tb.write_bytes(b"b")
    assert (workdir / "same.png").read_bytes() == b"a" and not _temps(workdir)


@fault
def one_output_twice_in_one_run_is_refused(actviz, workdir):
    from actviz import atomic
    from actviz.errors import UserError

    with pytest.raises(UserError, match="same file"):
        with atomic.transaction() as txn:
            txn.path(workdir / "keep.png")
            txn.path(workdir / "." / "keep.png")
    assert (workdir / "keep.png").read_bytes() == OLD and not _temps(workdir)


HELD_CLI = r"""
import builtins, os, sys, time
marker, release = os.environ["ACTVIZ_TEST_MARKER"], os.environ.get("ACTVIZ_TEST_RELEASE", "")
if os.environ.get("ACTVIZ_TEST_PID"):
    os.getpid = lambda: int(os.environ["ACTVIZ_TEST_PID"])  # as two PID namespaces would
_open = builtins.open
held = []

class Held:
    def __init__(self, f):
        self._f = f
    def write(self, data):
        n = self._f.write(data)
        if n and not held:
            held.append(1)
            self._f.flush()
            with _open(marker, "w"):
                pass
            while not (release and os.path.exists(release)):
                time.sleep(0.05)
        return n
    def __getattr__(self, name):
        return getattr(self._f, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return self._f.__exit__(*exc)

def held_open(file, mode="r", *args, **kwargs):
    f = _open(file, mode, *args, **kwargs)
    return Held(f) if ".tmp-" in os.fspath(file) and any(m in mode for m in "wax") else f

builtins.open = held_open
from actviz.cli import main
main(sys.argv[1:])
"""


def _held(args, folder: Path, name: str, **env) -> tuple[subprocess.Popen, Path]:
    marker = folder.parent / f"{folder.name}-{name}.held"
    proc = subprocess.Popen([sys.executable, "-c", HELD_CLI, *map(str, args)], cwd=folder,
                            env={**os.environ, "ACTVIZ_TEST_MARKER": str(marker), **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the run ended before its write was held: {proc.communicate()[1].decode()[-2000:]}")
        time.sleep(0.02)
    return proc, marker


@fault
@pytest.mark.slow
def a_sighup_mid_write_keeps_the_file_and_leaves_no_temporary(actviz, workdir):
    (workdir / "keep.svg").write_bytes(OLD)
    proc, _ = _held(["plot", *SMALL, "-o", "keep.svg"], workdir, "hup")
    assert len(_temps(workdir)) == 1
    proc.send_signal(signal.SIGHUP)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err.decode().strip().splitlines() == ["actviz: error: interrupted"], err
    assert (workdir / "keep.svg").read_bytes() == OLD and not _temps(workdir)


@fault
@pytest.mark.slow
def a_killed_runs_temporary_is_removed_by_the_next_run(actviz, workdir):
    proc, _ = _held(["plot", *SMALL, "-o", "keep.png"], workdir, "kill")
    proc.kill()
    proc.communicate(timeout=60)
    assert len(_temps(workdir)) == 1 and (workdir / "keep.png").read_bytes() == OLD
    assert actviz("plot", *SMALL, "-o", "other.png").exit_code == 0  # any run into the same folder
    assert not _temps(workdir) and (workdir / "keep.png").read_bytes() == OLD


@fault
@pytest.mark.slow
def two_runs_with_one_pid_never_mix_their_files(actviz, workdir):
    """Two runs in separate PID namespaces can have the same PID: one is held mid-write while the other
    writes the same file from start to end; both commit whole files and neither removes the other's."""
    from PIL import Image

    release = workdir.parent / f"{workdir.name}-go"
    first, _ = _held([*SMALL_TRAIN, "--seed", "1", "-o", "same.gif"], workdir, "pid",
                     ACTVIZ_TEST_PID="4242", ACTVIZ_TEST_RELEASE=str(release))
    second = subprocess.run([sys.executable, "-c", HELD_CLI, *SMALL_TRAIN, "--seed", "2", "-o", "same.gif"],
                            cwd=workdir, capture_output=True, timeout=120,
                            env={**os.environ, "ACTVIZ_TEST_MARKER": str(workdir.parent / "m2"),
                                 "ACTVIZ_TEST_PID": "4242", "ACTVIZ_TEST_RELEASE": str(workdir.parent / "m2")})
    assert second.returncode == 0, second.stderr
    mine = (workdir / "same.gif").read_bytes()
    release.touch()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    final = (workdir / "same.gif").read_bytes()
    assert final != mine  # the held run committed its own, whole file last
    for data in (mine, final):
        with Image.open(__import__("io").BytesIO(data)) as im:
            im.seek(im.n_frames - 1)  # every frame decodes
    assert not _temps(workdir)


@pytest.mark.parametrize("name", [pytest.param(n, id=n, marks=getattr(f, "pytestmark", [])) for n, f in FAULTS.items()])
def test_all_or_nothing(actviz, workdir, monkeypatch, name):
    fn = FAULTS[name]
    kwargs = {"monkeypatch": monkeypatch} if "monkeypatch" in fn.__code__.co_varnames[:fn.__code__.co_argcount] else {}
    fn(actviz, workdir, **kwargs)


# ---- class: interrupted batches ----------------------------------------------------------------

BATCH = "".join(_entry("plot", ["sigmoid", "--samples", "2001", "--size", "3x2", "--dpi", str(40 + i)], f"f{i}.png")
                for i in range(8))

BATCHES: dict[str, Callable] = {}


def batch(fn: Callable) -> Callable:
    BATCHES[fn.__name__] = fn
    return fn


def _figures(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("f*.png")}


_STARTED: list[int] = []
"""Sessions of the batches a test started (whatever is left of them is killed after the test)."""


def _start_batch(folder: Path, jobs: str) -> subprocess.Popen:
    (folder / "spec.toml").write_text(BATCH)
    proc = subprocess.Popen([sys.executable, "-m", "actviz", "render", "spec.toml", "-j", jobs], cwd=folder,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    _STARTED.append(proc.pid)
    return proc


def _manifest_count(folder: Path) -> int:
    try:
        return len(json.loads((folder / ".spec.manifest.json").read_text())["outputs"])
    except (OSError, ValueError, KeyError):
        return 0


def _wait_figures(proc: subprocess.Popen, folder: Path, count: int, recorded: bool = False) -> None:
    """Wait until ``count`` figures are in place (``recorded``: and in the manifest)."""
    deadline = time.monotonic() + 180
    while (_manifest_count(folder) if recorded else len(_figures(folder))) < count:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the batch ended or stalled: {proc.communicate()[1].decode()[-2000:]}")
        time.sleep(0.02)


def _session(sid: int) -> list[int]:
    """Live processes of a session (the batch, its fork server and workers), zombies excluded."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                found.append(int(entry))
    return found


def _gone(sid: int, within: float = 30.0) -> list[int]:
    deadline = time.monotonic() + within
    while _session(sid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _session(sid)


def _recorded(folder: Path) -> dict:
    import hashlib

    manifest = folder / ".spec.manifest.json"
    records = json.loads(manifest.read_text())["outputs"] if manifest.exists() else {}
    for name, record in records.items():
        assert record["sha256"] == hashlib.sha256((folder / name).read_bytes()).hexdigest()
    return records


for _signum in ("SIGTERM", "SIGINT", "SIGHUP"):
    def _one_process_batch(actviz, tmp_path, _signum=_signum):
        proc = _start_batch(tmp_path, "1")
        _wait_figures(proc, tmp_path, 3, recorded=True)  # three finished figures
        proc.send_signal(getattr(signal, _signum))
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130 and err.decode().splitlines() == ["actviz: error: interrupted"], err
        done = _figures(tmp_path)
        assert len(_recorded(tmp_path)) >= 3 and set(_recorded(tmp_path)) <= done and not _temps(tmp_path)
        recorded = len(_recorded(tmp_path))
        again = _run("render", "spec.toml", "-j", "1", cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        summary = again.stdout.decode()  # the work recorded before the signal is kept, the rest is drawn
        assert summary.startswith(f"rendered {8 - recorded}, up to date {recorded}, failed 0"), summary

    _one_process_batch.__name__ = f"{_signum.lower()}_to_a_one_process_batch_keeps_finished_figures"
    batch(_one_process_batch)


@batch
def sigkill_of_a_pool_batch_leaves_no_process(actviz, tmp_path):
    proc = _start_batch(tmp_path, "2")
    _wait_figures(proc, tmp_path, 1)
    assert len(_session(proc.pid)) >= 3  # the batch, its fork server and its workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert _gone(proc.pid) == []  # the fork server and the workers died with it
    assert set(_recorded(tmp_path)) <= _figures(tmp_path)
    again = _run("render", "spec.toml", "-j", "2", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert len(_figures(tmp_path)) == 8 and not _temps(tmp_path)


@batch
def sighup_of_a_pool_batch_stops_it_in_one_line(actviz, tmp_path):
    proc = _start_batch(tmp_path, "2")
    _wait_figures(proc, tmp_path, 1)
    proc.send_signal(signal.SIGHUP)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err.decode().splitlines() == ["actviz: error: interrupted"], err
    assert _gone(proc.pid) == [] and not _temps(tmp_path)
    assert set(_recorded(tmp_path)) <= _figures(tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(BATCHES))
def test_interrupted_batches(actviz, tmp_path, name):
    try:
        BATCHES[name](actviz, tmp_path)
    finally:  # a failed test must not leave its batch's processes behind
        while _STARTED:
            for pid in _session(_STARTED.pop()):
                with __import__("contextlib").suppress(OSError):
                    os.kill(pid, signal.SIGKILL)


# ---- class: bytes across CPUs ------------------------------------------------------------------
# The same figure under two OpenBLAS kernels: show whether the bytes differ, and that a re-render under
# the other kernel leaves the committed file as it was when they differ only by rounding.

CPUS: list[tuple[str, list[str], str, tuple[str, str]]] = [
    ("training animation", ["train", "relu", "--hidden", "4", "--seed", "0"], "train.gif", ("Haswell", "Sandybridge")),
    ("decision boundaries", ["boundary", "relu@4", "sigmoid@4", "--units", "--seed", "0"], "b.png",
     ("Haswell", "Sandybridge")),
]


def _has_avx2() -> bool:
    try:
        return " avx2 " in f" {Path('/proc/cpuinfo').read_text()} "
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not _has_avx2(), reason="the Haswell kernels need AVX2")
@pytest.mark.parametrize("command, output, kernels", [pytest.param(*row[1:], id=row[0]) for row in CPUS])
def test_bytes_across_cpus(tmp_path, command, output, kernels, capsys):
    from actviz.gallery.rounding import equivalent

    first, second = kernels
    (tmp_path / "spec.toml").write_text(_entry(command[0], command[1:], output))
    env = {**os.environ, "OPENBLAS_CORETYPE": first}
    done = _run("render", "spec.toml", "-j", "1", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    committed = (tmp_path / output).read_bytes()
    # the same figure drawn from scratch under the other kernel
    alone = _run(*command, "-o", f"other-{output}", cwd=tmp_path, env={**os.environ, "OPENBLAS_CORETYPE": second})
    assert alone.returncode == 0, alone.stderr
    other = (tmp_path / f"other-{output}").read_bytes()
    with capsys.disabled():
        print(f"\n{command[0]} {first} vs {second}: bytes {'differ' if other != committed else 'are the same'}")
    assert equivalent(output, committed, other)
    # a forced re-render under the other kernel keeps the committed file, and says so
    again = _run("render", "spec.toml", "-j", "1", "--force", cwd=tmp_path,
                 env={**os.environ, "OPENBLAS_CORETYPE": second})
    assert again.returncode == 0, again.stderr
    assert (tmp_path / output).read_bytes() == committed
    if other != committed:
        assert "kept as it was (the new render differs only by rounding)" in again.stderr.decode()


# ---- limits: scenarios -------------------------------------------------------------------------

LIMIT_CHECKS: dict[str, Callable] = {}


def limit(fn: Callable) -> Callable:
    LIMIT_CHECKS[fn.__name__] = fn
    return fn


def _validates(*args: str) -> bool:
    """Whether the command line passes every check (budgets included), without doing its work."""
    from actviz.context import Context, Validated

    with Context(validate_only=True):
        try:
            cli.cli.main(args=list(args), prog_name="actviz", standalone_mode=False)
        except Validated:
            return True
    return False


@limit
def a_raised_budget_lets_the_request_through(actviz, workdir):
    assert _validates("--max-memory-mb", "1e9", "--max-minutes", "1e9", "train", "relu", "--count", "1000000",
                      "--hidden", "4096", "-o", "x.gif")
    assert _validates("--max-minutes", "1e9", "warp", "--n", "10000", "--points", "1000", "--grid", "--frames", "400",
                      "-o", "x.gif")
    assert _validates("--max-memory-mb", "1e9", "--max-minutes", "1e9", "plot", "--all", "--samples", "10000000",
                      "-o", "x.png")
    assert _validates("--max-memory-mb", "200", "plot", "relu", "-o", "x.png")
    assert not (workdir / "x.gif").exists() and not (workdir / "x.png").exists()


@limit
def a_huge_style_file_is_never_read(actviz, workdir, monkeypatch):
    big = workdir / "big.mplstyle"
    with open(big, "wb") as f:
        f.truncate(4 << 30)  # 4 GB, sparse
    real = Path.read_text
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: pytest.fail("read") if self == big else real(self, *a, **k))
    r = actviz("plot", "relu", "--style", big.name, "-o", "x.png")
    assert_one_line_failure(r, 2, "a style file has at most 1,000,000")
    big.unlink()


@limit
def progress_moves_in_every_long_phase(actviz, workdir):
    """A batch's reporter hears of every phase: evaluating curves, training steps, warping, frames."""
    cases = {
        "plot": ["plot", "relu", "tanh", "--samples", "140000", "--dpi", "30", "-o", "p.png"],
        "data": ["data", "relu", "--samples", "140000", "-o", "d.csv"],
        "warp": ["warp", "relu", "tanh", "--n", "2,5", "--points", "50", "--frames", "3", "--dpi", "30", "-o", "w.gif"],
        "train": [*SMALL_TRAIN, "--steps", "100", "-o", "t.gif"],
        "boundary": ["boundary", "relu@3", "tanh@3", "--count", "20", "--steps", "100", "--dpi", "30", "-o", "b.png"],
    }
    phases = {"plot": 1, "data": 1, "warp": 2, "train": 2, "boundary": 1}
    for name, args in cases.items():
        heard: list[tuple[int, int]] = []
        assert cli.invoke(args, reporter=lambda done, total: heard.append((done, total))) is None
        runs, last = 0, None
        for done, total in heard:
            if last is None or total != last[1] or done < last[0]:
                runs += 1
            last = (done, total)
            assert 0 < done <= total
        assert runs >= phases[name] and len(heard) >= 2 * phases[name], (name, heard[:20])


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ["plot", "relu", "--samples", "2000000", "-o", "p.png"],
    ["data", "relu", "tanh", "elu", "--samples", "300000", "-o", "d.csv"],
    ["boundary", "relu@384", "--steps", "20", "-o", "b.png"],
    ["train", "relu", "--hidden", "384", "--steps", "20", "--frames", "8", "--view", "input", "-o", "t.gif"],
    ["warp", "relu", "--n", "2", "--points", "200", "--frames", "60", "--size", "10x10", "--dpi", "100", "-o", "w.gif"],
], ids=lambda a: " ".join(a[:3]))
def test_budget_estimates_match_measured_peaks(tmp_path, args):
    """The memory estimate is no less than the measured peak (to within 5%) and at most twice it."""
    from actviz.core import budgets

    seen = []
    real = budgets.check_cost
    budgets.check_cost = lambda what, cost, fewer: seen.append(cost)
    try:
        assert _validates(*args)
    finally:
        budgets.check_cost = real
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "actviz", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    peak_mb = int(done.stdout.split()[-1]) / 1000  # kB on Linux
    estimate = seen[-1].mb
    assert 0.95 * peak_mb <= estimate <= 2 * peak_mb + 60, (estimate, peak_mb)


@pytest.mark.parametrize("name", list(LIMIT_CHECKS))
def test_limits(actviz, workdir, monkeypatch, name):
    fn = LIMIT_CHECKS[name]
    kwargs = {"monkeypatch": monkeypatch} if "monkeypatch" in fn.__code__.co_varnames[:fn.__code__.co_argcount] else {}
    fn(actviz, workdir, **kwargs)


# ---- the table by class ------------------------------------------------------------------------

def table_size() -> dict[str, int]:
    """Rows (or scenarios) of each class of the sweep."""
    def rows(table):
        return sum(len(r) for r in table.values())

    return {
        "bad input": rows(BAD_INPUTS),
        "checks before work": rows(LATE_CHECKS),
        "limits": rows(LIMITS) + len(LIMIT_CHECKS) + 5,  # + the measured peaks
        "in a spec": len(SPEC_ROWS),
        "spec confinement": len(ESCAPES),
        "all or nothing": len(FAULTS),
        "interrupted batches": len(BATCHES),
        "bytes across CPUs": len(CPUS),
    }


SWEEP = table_size()


def test_the_sweep_has_every_class_and_every_drawing_command_in_a_spec():
    assert all(SWEEP.values()), SWEEP
    in_spec = {p.values[0] for p in SPEC_ROWS}
    drawing = {c for c in cli.COMMANDS if c not in ("list", "render")}
    assert drawing <= in_spec | set(FOUND_WHILE_DRAWING), drawing - in_spec


if __name__ == "__main__":  # python tests/test_error_sweep.py: the size of the table by class
    for cls, n in SWEEP.items():
        print(f"{cls:22s} {n:4d}")
    print(f"{'total':22s} {sum(SWEEP.values()):4d}")
