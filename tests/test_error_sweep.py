"""Every command against a table of bad inputs: the right exit status, exactly one line on stderr that
names the problem, no traceback, and no file created or touched.

A command added to ``actviz.cli.COMMANDS`` fails ``test_every_command_is_swept`` until it has rows here.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path

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
        ("--max-animation-mb 100 train relu --steps 10 --frames 10 --size 15x15 -o x.webp", 2, "--max-animation-mb"),
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

KNOWN_BUGS: dict[str, str] = {}
"""Rows that still fail, with the reason; strict, so a fix shows up as XPASS: then delete the row from here."""

BAD_INPUTS["warp"].append(("warp relu --size 1x1 -o x.png", 2, "--size"))
BAD_INPUTS["train"].append(("train relu --size 1x1 -o x.gif", 2, "--size"))

CASES = [pytest.param(args, status, fragment, id=args or "(nothing)",
                      marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[args])] if args in KNOWN_BUGS else [])
         for rows in BAD_INPUTS.values() for args, status, fragment in rows]


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A folder with yesterday's outputs, directories where files are expected, and some specs."""
    monkeypatch.chdir(tmp_path)
    for name in KEPT:
        (tmp_path / name).write_bytes(OLD)
    for name in ("adir", "adir.png", "adir.gif", "full"):
        (tmp_path / name).mkdir()
    (tmp_path / "full" / "notes.txt").write_bytes(OLD)
    for name, text in SPECS.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def assert_one_line_failure(r, status: int, fragment: str) -> None:
    lines = r.stderr.strip().splitlines()
    assert r.exit_code == status, (r.exit_code, r.stderr)
    assert len(lines) == 1 and lines[0].startswith("actviz: error: "), r.stderr
    assert fragment in lines[0], (fragment, lines[0])
    assert "Traceback" not in r.stderr + r.stdout


def test_every_command_is_swept():
    assert set(BAD_INPUTS) - {""} == set(cli.COMMANDS)


@pytest.mark.parametrize("args, status, fragment", CASES)
def test_bad_input(actviz, workdir, args, status, fragment):
    before = _snapshot(workdir)
    r = actviz(*args.split())
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
