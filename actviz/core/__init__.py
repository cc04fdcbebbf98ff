"""The pure-numpy core: activations, their registry and spec parser, data sets, the network, warps."""
